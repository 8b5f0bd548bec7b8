import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-WEBHOOK-AUTHN',
    title: 'Kubelet does not verify bearer tokens',
    severity: 'medium',
    category: 'node',
    attack: 'Without webhook token authentication the kubelet cannot check bearer tokens with the API server: callers must use client certificates, or — with anonymous authentication on — are treated as anonymous. Webhook authorization then has no identity to authorize.',
    remediation: 'Set authentication.webhook.enabled: true in the KubeletConfiguration (the default with a config file); do not pass --authentication-token-webhook=false.',
    references: [KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_139'] },
    controls: { cis: ['4.2.2'], nsa: [NSA.controlPlane] },
  },
  KUBELET_FIELDS.webhookAuthn,
  (v) => (v === false ? 'the kubelet does not authenticate bearer tokens: authentication.webhook.enabled is false' : undefined),
);
