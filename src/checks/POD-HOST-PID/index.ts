import type { PodCheck } from '../../engine/types.js';
import { hostNamespaceCheck } from '../_lib/host-namespace.js';

export const check: PodCheck = hostNamespaceCheck({
  id: 'POD-HOST-PID',
  field: 'hostPID',
  title: 'Pod shares the host process namespace',
  attack: 'With the host PID namespace a container sees every process on the node, can read their environment and memory through /proc, and (with ptrace) inject code into them.',
  peers: { checkov: ['CKV_K8S_17'], kubeLinter: ['host-pid'], polaris: ['hostPIDSet'], kubesec: ['HostPID'], trivy: ['KSV010'], kubescape: ['C-0038'] },
});
