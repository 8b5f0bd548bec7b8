import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-READ-ONLY-PORT',
    title: 'Kubelet serves its read-only port',
    severity: 'medium',
    category: 'node',
    attack: 'The read-only port (10255) answers without any authentication or authorization: anyone who reaches the node lists every pod on it with its environment variables, images, mounts and service accounts — reconnaissance for free, and sometimes credentials.',
    remediation: 'Set readOnlyPort: 0 (the default with a config file) and do not pass --read-only-port.',
    references: [KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_141'], kubescape: ['C-0069'] },
    controls: { cis: ['4.2.4'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  KUBELET_FIELDS.readOnlyPort,
  (v) => (typeof v === 'number' && v !== 0 ? `the kubelet serves its unauthenticated read-only API on port ${v}` : undefined),
);
