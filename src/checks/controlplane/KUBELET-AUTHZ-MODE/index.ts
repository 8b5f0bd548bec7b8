import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-AUTHZ-MODE',
    title: 'Kubelet authorizes every request',
    severity: 'critical',
    category: 'node',
    attack: 'With authorization mode AlwaysAllow every authenticated — and, with anonymous auth, every unauthenticated — caller may use the whole kubelet API: run commands in any container of the node, read its logs and Secrets mounted there. It is the kubelet\'s default when it runs without a config file.',
    remediation: 'Set authorization.mode: Webhook (the default with a config file), so the kubelet asks the API server (SubjectAccessReview) for each request.',
    references: [KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_139'], kubescape: ['C-0070'] },
    controls: { cis: ['4.2.2'], nsa: [NSA.controlPlane, NSA.rbac] },
  },
  KUBELET_FIELDS.authorizationMode,
  (v) => (v === 'AlwaysAllow' ? 'the kubelet authorizes every request: authorization.mode is AlwaysAllow' : undefined),
);
