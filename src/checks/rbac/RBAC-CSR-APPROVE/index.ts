import type { ObjectCheck } from '../../../engine/types.js';
import type { LoadedObject } from '../../../load/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { effectiveRawRules, ruleCheck, ruleHits, type Target, targetsOf } from '../_lib.js';
import { effectiveRulesCel, ruleHitCel } from '../cel.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

const [APPROVAL] = targetsOf(PERMISSIONS.approveCsrs);
const SIGNERS: Target = { ...targetsOf(PERMISSIONS.approveSigners)[0], label: 'signers' };

/**
 * The API server approves a CSR only for a caller with both grants (update on the approval
 * subresource and approve on the signer): a role with one of them alone cannot approve anything.
 */
function grantsBoth(o: LoadedObject): boolean {
  const rules = effectiveRawRules(o);
  const has = (t: Target): boolean => rules.some((r) => ruleHits(r, [t], o.kind).length > 0);
  return has(APPROVAL) && has(SIGNERS);
}

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-CSR-APPROVE',
    title: 'ClusterRole can approve certificate signing requests',
    severity: 'high',
    category: 'rbac',
    attack: 'Approving a CertificateSigningRequest (update on certificatesigningrequests/approval plus approve on a signer such as kubernetes.io/kube-apiserver-client) mints a client certificate for any user and group, system:masters included.',
    remediation: 'Leave CSR approval to the controller-manager; if a custom approver is needed, restrict approve with resourceNames to its own signer.',
    references: [RBAC_GOOD_PRACTICES, CIS],
    peers: { checkov: ['CKV_K8S_156'], kubescape: ['C-0280'] },
  },
  targets: [APPROVAL, SIGNERS],
  impact: 'approving CSRs mints client certificates for any identity',
  keep: (o) => grantsBoth(o),
  whenCel: (kind) => `${effectiveRulesCel(kind)}.exists(r, ${ruleHitCel(APPROVAL, kind)}) && ${effectiveRulesCel(kind)}.exists(r, ${ruleHitCel(SIGNERS, kind)})`,
});
