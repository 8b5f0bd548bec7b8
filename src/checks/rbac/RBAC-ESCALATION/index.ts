import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, type Target, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

const P = PERMISSIONS;
const targets: Target[] = [
  ...targetsOf(P.escalateRoles, P.bindRoles, P.impersonateUsersGroups, P.impersonateServiceAccounts, P.impersonateExtras),
  // Writing bindings alone hands out only roles the holder has: a lower rating. A namespaced Role cannot
  // grant cluster-scoped clusterrolebindings (the catalogue still probes it in every scope).
  ...targetsOf(P.writeBindings).map((t): Target => ({ ...t, severity: 'medium', ...(t.resource === 'clusterrolebindings' ? { clusterOnly: true } : {}) })),
];

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-ESCALATION',
    title: 'Role can escalate privileges (escalate, bind, impersonate, bindings)',
    severity: 'critical',
    category: 'rbac',
    attack: 'escalate lets the holder write rules it does not have; bind lets it grant any role (cluster-admin included) through a binding; impersonate makes requests as another user, group (system:masters) or ServiceAccount. Creating bindings alone grants only roles the holder already has, but combined with bind it grants anything.',
    remediation: 'Remove escalate, bind and impersonate, or restrict them with resourceNames to specific roles or identities; create/update bindings only from the pipeline that manages RBAC.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { checkov: ['CKV_K8S_157', 'CKV_K8S_158', 'CKV2_K8S_1', 'CKV2_K8S_3'], trivy: ['KSV043', 'KSV050', 'KSV051', 'KSV052', 'KSV055'], kubescape: ['C-0191', 'C-0065'] },
  },
  targets,
  // Creating bindings without bind only hands out roles the holder already has (the API server's
  // escalation check), so the impact is worded for both cases.
  impact: 'escalate, bind and impersonate let the holder gain permissions it does not have; creating or updating bindings lets it hand the roles it holds to any subject (and any role at all together with bind)',
});
