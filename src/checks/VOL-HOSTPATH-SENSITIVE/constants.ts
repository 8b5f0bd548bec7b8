import type { Severity } from '../../engine/types.js';

/** A host location and what mounting it exposes. */
export interface Sensitive {
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
