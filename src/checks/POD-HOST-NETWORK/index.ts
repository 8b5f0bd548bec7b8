import type { PodCheck } from '../../engine/types.js';
import { hostNamespaceCheck } from '../_lib/host-namespace.js';

export const check: PodCheck = hostNamespaceCheck({
  id: 'POD-HOST-NETWORK',
  field: 'hostNetwork',
  title: 'Pod shares the host network namespace',
  attack: 'A container on the host network can sniff and spoof node traffic, reach services bound to the node loopback (kubelet, cloud metadata proxies) and bypass NetworkPolicies.',
  peers: { checkov: ['CKV_K8S_19'], kubeLinter: ['host-network'], polaris: ['hostNetworkSet'], kubesec: ['HostNetwork'], trivy: ['KSV009'], kubescape: ['C-0041'] },
});
