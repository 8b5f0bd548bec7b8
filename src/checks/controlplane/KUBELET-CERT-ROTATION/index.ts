import { kubeletCheck, kubeletFinding, kubeletValue } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, KUBELET_TLS_BOOTSTRAP, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS, kubeletFeatureGate } from '../../../controlplane/kubelet.js';

export const check = kubeletCheck(
  {
    id: 'KUBELET-CERT-ROTATION',
    title: 'Kubelet does not rotate its certificates',
    severity: 'low',
    category: 'node',
    attack: 'A kubelet that does not rotate its client certificate keeps one long-lived credential for the node (stolen once, valid until it expires), and when that certificate expires the node drops out of the cluster.',
    remediation: 'Set rotateCertificates: true, and leave the RotateKubeletServerCertificate feature gate on.',
    references: [KUBELET_TLS_BOOTSTRAP, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_149', 'CKV_K8S_150'] },
    controls: { cis: ['4.2.10', '4.2.11'], nsa: [NSA.tls] },
  },
  function* (k) {
    const rotate = kubeletValue(k, KUBELET_FIELDS.rotateCertificates);
    if (rotate && rotate.value === false) yield kubeletFinding(rotate, 'the kubelet does not rotate its client certificate: rotateCertificates is false');
    const gate = kubeletFeatureGate(k, 'RotateKubeletServerCertificate');
    if (gate && !gate.unknown && gate.value === false) yield kubeletFinding(gate, 'the kubelet turns the RotateKubeletServerCertificate feature gate off');
  },
);
