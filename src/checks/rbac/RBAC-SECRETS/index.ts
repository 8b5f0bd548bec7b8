import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES, SECRETS_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-SECRETS',
    title: 'Role can read Secrets',
    severity: 'high',
    category: 'rbac',
    attack: 'get, list and watch on Secrets all return their contents: credentials, TLS keys and (legacy) ServiceAccount tokens, which lead straight to other identities.',
    remediation: 'Remove get/list/watch on secrets, or restrict the rule with resourceNames to the few Secrets the workload needs; mount Secrets into pods instead of reading them through the API.',
    references: [RBAC_GOOD_PRACTICES, SECRETS_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { checkov: ['CKV2_K8S_5'], kubeLinter: ['access-to-secrets'], trivy: ['KSV041', 'KSV113'], kubescape: ['C-0015', 'C-0186'] },
  },
  targets: targetsOf(PERMISSIONS.readSecrets),
  impact: 'list and watch return Secret contents as much as get does',
});
