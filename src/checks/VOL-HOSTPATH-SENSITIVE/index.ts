import type { PodCheck, Severity } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { hostPathVolumes, isAtOrUnder, mountSummary, writable } from '../_lib/host-path.js';
import { HOSTPATH, LOG_MOUNT_ESCAPE, NSA_CISA } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { effective } from '../../k8s/security-context.js';
import { yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';
import { BENIGN, BENIGN_READ_ONLY, SENSITIVE, type Sensitive } from './constants.js';

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
