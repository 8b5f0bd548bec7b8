import type { PodCheck } from '../../engine/types.js';
import { hostNamespaceCheck } from '../_lib/host-namespace.js';

export const check: PodCheck = hostNamespaceCheck({
  id: 'POD-HOST-IPC',
  field: 'hostIPC',
  title: 'Pod shares the host IPC namespace',
  attack: 'With the host IPC namespace a container can read and write the shared memory and message queues of every process on the node.',
  peers: { checkov: ['CKV_K8S_18'], kubeLinter: ['host-ipc'], polaris: ['hostIPCSet'], kubesec: ['HostIPC'], trivy: ['KSV008'], kubescape: ['C-0038'] },
});
