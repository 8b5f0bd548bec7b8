import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck } from '../_lib.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-PORTFORWARD',
    title: 'Role can port-forward to pods',
    severity: 'medium',
    category: 'rbac',
    attack: 'pods/portforward opens a tunnel from the caller to any port of a pod, bypassing Services, NetworkPolicies and ingress authentication (databases, admin ports, metrics endpoints).',
    remediation: 'Remove create/get on pods/portforward except for roles meant for debugging, and bind those only temporarily.',
    references: [RBAC_GOOD_PRACTICES, CIS],
    peers: { kubescape: ['C-0063'] },
  },
  targets: [{ verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'portforward' }],
  impact: 'tunnels to any port of the pods, past NetworkPolicies and Services',
});
