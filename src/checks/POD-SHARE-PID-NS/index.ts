import type { PodCheck } from '../../engine/types.js';
import { SHARE_PROCESS_NAMESPACE } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-SHARE-PID-NS',
    title: 'Containers of the pod share one process namespace',
    severity: 'low',
    category: 'pod-security',
    attack: 'With shareProcessNamespace every container sees the others\' processes: a compromised sidecar can read their environment and files through /proc/<pid>/environ and /proc/<pid>/root (secrets included, when it runs as the same user) and signal them.',
    remediation: 'Remove spec.shareProcessNamespace unless a container really needs the others\' processes (a debugger, a signal-forwarding sidecar); prefer ephemeral debug containers (kubectl debug --target) for debugging.',
    references: [SHARE_PROCESS_NAMESPACE],
    peers: {},
  },
  cel,
  *check(pod) {
    if (!yamlTrue(pod.spec.shareProcessNamespace)) return;
    yield {
      message: `shareProcessNamespace: true lets the pod's ${pod.containers.length > 1 ? `${pod.containers.length} containers` : 'containers'} see and signal each other's processes and read their /proc/<pid>/root and environment`,
      path: podPath(pod, 'shareProcessNamespace'),
      // false reverses an explicit choice: `fix` applies it only with --overwrite.
      fix: { description: 'set spec.shareProcessNamespace to false', ops: [{ op: 'set', path: podPath(pod, 'shareProcessNamespace'), value: false, overwrite: true }] },
    };
  },
};
