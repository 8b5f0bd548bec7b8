import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-IPTABLES-CHAINS',
    title: 'Kubelet does not manage its iptables chains',
    severity: 'low',
    category: 'node',
    attack: 'The kubelet maintains the iptables rules that drop martian and invalid packets for pod networking; turned off, the node\'s filtering depends on whatever else manages iptables, and drifts from what the network policies assume.',
    remediation: 'Leave makeIPTablesUtilChains at its default, true.',
    references: [KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_144'] },
    controls: { cis: ['4.2.6'], nsa: [NSA.controlPlane] },
  },
  KUBELET_FIELDS.makeIPTablesUtilChains,
  (v) => (v === false ? 'the kubelet does not maintain its iptables utility chains: makeIPTablesUtilChains is false' : undefined),
);
