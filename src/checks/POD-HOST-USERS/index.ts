import type { PodCheck } from '../../engine/types.js';
import { LINUX_KERNEL_HARDENING, USER_NAMESPACES } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { yamlFalse, yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';
import { HOST_NAMESPACES } from './constants.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-HOST-USERS',
    title: 'Pod does not use a user namespace (hostUsers is not false)',
    severity: 'info',
    category: 'host-isolation',
    attack: 'Without a user namespace, UID 0 in a container is UID 0 on the node: a container escape (a runtime or kernel bug, a writable host mount) lands as root on the node. With hostUsers: false the container\'s users map to unprivileged, per-pod host IDs, which defeats most such escapes.',
    remediation: 'Set spec.hostUsers: false where the nodes support user namespaces (Linux 6.3+ with idmap mounts, containerd 2.0+ or CRI-O 1.25+, Kubernetes 1.33+ or the UserNamespacesSupport feature gate).',
    references: [USER_NAMESPACES, LINUX_KERNEL_HARDENING],
    peers: { kubesec: ['HostUsers'] },
    optIn: true,
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // user namespaces are Linux-only; the API rejects hostUsers on Windows pods
    const hostUsers = pod.spec.hostUsers;
    if (yamlFalse(hostUsers)) return;
    // The API rejects hostUsers: false together with a host namespace: nothing to recommend here
    // (POD-HOST-NETWORK / -PID / -IPC report those).
    if (HOST_NAMESPACES.some((f) => yamlTrue(pod.spec[f]))) return;
    yield {
      message: yamlTrue(hostUsers)
        ? 'pod sets hostUsers: true: container UIDs are the node\'s UIDs, so root in a container is root on the node'
        : 'pod does not set hostUsers: false: container UIDs are the node\'s UIDs, so root in a container is root on the node',
      path: podPath(pod, 'hostUsers'),
    };
  },
};
