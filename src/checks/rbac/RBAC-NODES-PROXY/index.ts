import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-NODES-PROXY',
    title: 'ClusterRole can use the kubelet API through nodes/proxy',
    severity: 'high',
    category: 'rbac',
    attack: 'nodes/proxy reaches the kubelet API of every node: exec into any pod on it, read logs and metrics, all without audit or admission control. get is enough over WebSocket.',
    remediation: 'Remove get/create on nodes/proxy; monitoring agents need nodes/metrics or nodes/stats, not nodes/proxy.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { checkov: ['CKV2_K8S_2'], trivy: ['KSV047'], kubescape: ['C-0279'] },
  },
  targets: targetsOf(PERMISSIONS.nodesProxy),
  impact: 'the full kubelet API (exec in every pod of a node), bypassing audit and admission',
});
