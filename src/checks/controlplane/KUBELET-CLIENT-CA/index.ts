import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-CLIENT-CA',
    title: 'Kubelet accepts no client certificates',
    severity: 'medium',
    category: 'node',
    attack: 'Without a client CA the kubelet cannot authenticate the API server\'s client certificate; the API server\'s exec, logs and port-forward calls then rely on anonymous access or tokens, and the kubelet cannot tell the API server from anyone else.',
    remediation: 'Set authentication.x509.clientCAFile to the cluster CA (kubeadm: /etc/kubernetes/pki/ca.crt).',
    references: [KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_140'] },
    controls: { cis: ['4.2.3'], nsa: [NSA.controlPlane] },
  },
  KUBELET_FIELDS.clientCAFile,
  (v) => (v === '' ? 'the kubelet has no client CA (authentication.x509.clientCAFile): client certificates are not accepted' : undefined),
);
