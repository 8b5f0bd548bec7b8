import type { PodCheck, Severity } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { hostPathVolumes, isAtOrUnder, mountSummary, writable } from '../_lib/host-path.js';
import { HOSTPATH, LOG_MOUNT_ESCAPE, NSA_CISA } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { effective } from '../../k8s/security-context.js';
import { yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';

interface Sensitive {
  path: string;
  what: string;
  /** Severity when every mount is read-only; undefined when only write access is dangerous. */
  readOnly: Severity | undefined;
}

/** Host locations whose exposure matters; a mount at, below or above one of them exposes it. */
export const SENSITIVE: readonly Sensitive[] = [
  { path: '/', what: 'the node\'s whole file system', readOnly: 'high' },
  { path: '/etc', what: 'host configuration and credentials such as /etc/shadow, /etc/kubernetes and the CNI configuration', readOnly: 'high' },
  { path: '/root', what: 'root\'s home with its SSH keys, kubeconfigs and cloud credentials', readOnly: 'high' },
  { path: '/home', what: 'users\' homes with their SSH keys, kubeconfigs and cloud credentials', readOnly: 'high' },
  { path: '/var/lib/kubelet', what: 'the kubelet\'s state: every pod\'s volumes, Secrets and service-account tokens, and the kubelet\'s credentials', readOnly: 'high' },
  { path: '/var/lib/etcd', what: 'the etcd data directory with every object and Secret of the cluster', readOnly: 'high' },
  { path: '/var/lib/docker', what: 'Docker\'s storage with every container\'s file system', readOnly: 'high' },
  { path: '/var/lib/containerd', what: 'containerd\'s storage with every container\'s file system', readOnly: 'high' },
  { path: '/var/lib/containers', what: 'CRI-O and Podman storage with every container\'s file system', readOnly: 'high' },
  // Device nodes stay writable on a read-only mount; what stops a container from using the node's
  // disks is the runtime's device cgroup, which a privileged container does not have.
  { path: '/dev', what: 'the node\'s device nodes (readOnly does not stop writes to a device node; only the device cgroup of an unprivileged container does)', readOnly: 'medium' },
  { path: '/proc', what: 'the node\'s kernel settings and processes', readOnly: 'medium' },
  { path: '/sys', what: 'the node\'s kernel, cgroup and device controls', readOnly: 'medium' },
  { path: '/boot', what: 'the node\'s kernel and boot loader', readOnly: 'medium' },
  { path: '/usr', what: 'the node\'s programs and libraries', readOnly: undefined },
  { path: '/bin', what: 'the node\'s programs', readOnly: undefined },
  { path: '/sbin', what: 'the node\'s system programs', readOnly: undefined },
  { path: '/lib', what: 'the node\'s libraries and kernel modules', readOnly: undefined },
  { path: '/lib64', what: 'the node\'s libraries', readOnly: undefined },
  { path: '/opt/cni', what: 'the CNI plugins that the runtime executes as root', readOnly: undefined },
  { path: '/var/log/pods', what: 'pod logs that the kubelet reads; a planted symlink makes it read any host file', readOnly: undefined },
  { path: '/var/log/containers', what: 'container log links that the kubelet follows', readOnly: undefined },
];

/** Not sensitive in any mode: the syslog socket (a container can at most add log lines). */
export const BENIGN = ['/dev/log'];

/** Harmless when mounted read-only (time zone, CA bundles, machine identity). Writable, they are not. */
export const BENIGN_READ_ONLY = ['/etc/localtime', '/etc/timezone', '/usr/share/zoneinfo', '/etc/ssl/certs', '/etc/ca-certificates', '/etc/pki/ca-trust', '/etc/pki/tls/certs', '/usr/share/ca-certificates', '/etc/machine-id', '/var/lib/dbus/machine-id', '/etc/os-release', '/etc/hostname'];

/** The sensitive locations a host path exposes: the one it lies in, or those below it. */
function exposed(p: string): { inside?: Sensitive; below: Sensitive[] } {
  let inside: Sensitive | undefined;
  const below: Sensitive[] = [];
  for (const s of SENSITIVE) {
    if (s.path !== '/' && isAtOrUnder(p, s.path)) {
      if (!inside || s.path.length > inside.path.length) inside = s;
    } else if (isAtOrUnder(s.path, p) || p === s.path) below.push(s);
  }
  return { inside, below };
}

function max(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (!a) return b;
  if (!b) return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-HOSTPATH-SENSITIVE',
    title: 'hostPath volume exposes a sensitive host location',
    severity: 'high',
    category: 'host-isolation',
    attack: 'Host paths such as /, /etc, /var/lib/kubelet, /dev or /proc hold the node\'s credentials, every pod\'s Secrets and the kernel\'s controls: reading them leaks cluster credentials, writing them (or binaries under /usr, /opt/cni) gives root on the node.',
    remediation: 'Mount only the specific file or directory the workload needs, read-only, or use a ConfigMap, Secret, CSI driver or the Kubernetes API instead. Node agents that need these paths belong in a dedicated namespace with an exemption that names the reason.',
    references: [HOSTPATH, NSA_CISA, LOG_MOUNT_ESCAPE],
    peers: { kubeLinter: ['sensitive-host-mounts'], kubesec: ['ProcMount'], trivy: ['KSV121'] },
  },
  cel,
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      const rw = writable(v);
      if (BENIGN.includes(v.hostPath) || (!rw && BENIGN_READ_ONLY.some((b) => isAtOrUnder(v.hostPath, b)))) continue;
      const { inside, below } = exposed(v.hostPath);
      // A privileged container can use every device node it sees, read-only mount or not.
      const privileged = v.mounts.some((m) => yamlTrue(effective(pod, m.c, 'privileged').value));
      const sev = (s: Sensitive): Severity | undefined => (rw || (privileged && s.path === '/dev') ? 'high' : s.readOnly);
      let severity: Severity | undefined = inside ? sev(inside) : undefined;
      const belowHits = below.filter((s) => sev(s) !== undefined);
      for (const s of belowHits) severity = max(severity, sev(s));
      if (!severity) continue;
      if (v.hostPath === '/' && rw) severity = 'critical';
      const root = belowHits.find((s) => s.path === v.hostPath);
      const what = inside && sev(inside)
        ? inside.path === v.hostPath
          ? inside.what
          : `which lies in ${inside.path}: ${inside.what}`
        : root
          ? root.what
          : `which contains ${belowHits.slice(0, 4).map((s) => s.path).join(', ')}${belowHits.length > 4 ? ` and ${belowHits.length - 4} more` : ''}`;
      yield {
        message: `volume "${v.name}" mounts host path ${v.raw}, ${what}; ${mountSummary(v, describeContainer)}`,
        path: v.fieldPath,
        severity,
      };
    }
  },
};
