import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck } from '../_lib.js';

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
  targets: [
    { verbs: ['update', 'patch'], group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval', clusterOnly: true },
    { verbs: ['approve'], group: 'certificates.k8s.io', resource: 'signers', label: 'signers', clusterOnly: true },
  ],
  impact: 'approving CSRs mints client certificates for any identity',
});
