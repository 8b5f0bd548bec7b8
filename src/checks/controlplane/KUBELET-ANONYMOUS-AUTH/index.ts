import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-ANONYMOUS-AUTH',
    title: 'Kubelet accepts anonymous requests',
    severity: 'high',
    category: 'node',
    attack: 'The kubelet API on port 10250 runs commands in containers, reads their logs and lists every pod of the node. With anonymous authentication on, requests without credentials reach it as system:anonymous; combined with the AlwaysAllow authorizer, anyone on the network can exec into any pod of the node.',
    remediation: 'Set authentication.anonymous.enabled: false in the KubeletConfiguration (the default when the kubelet uses a config file) and do not pass --anonymous-auth=true.',
    references: [KUBELET_AUTHN, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_138'], kubescape: ['C-0069'] },
    controls: { cis: ['4.2.1'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  KUBELET_FIELDS.anonymous,
  (v) => (v === true ? 'the kubelet accepts anonymous requests: authentication.anonymous.enabled is true' : undefined),
);
