import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, KUBELET_TLS_BOOTSTRAP, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { parseGoBool } from '../../../controlplane/flags/parse.js';

export const check = processCheck(
  {
    id: 'KCM-ROTATE-SERVER-CERT',
    title: 'Controller manager turns off kubelet serving certificate rotation',
    severity: 'medium',
    category: 'control-plane',
    attack: 'With the RotateKubeletServerCertificate gate off, kubelets cannot get serving certificates from the cluster CA, so they serve self-signed ones that the API server cannot verify.',
    remediation: 'Remove RotateKubeletServerCertificate=false from --feature-gates (the gate is on by default).',
    references: [KUBELET_TLS_BOOTSTRAP, KCM_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_112'] },
    controls: { cis: ['1.3.6'], nsa: [NSA.tls] },
  },
  ['kube-controller-manager'],
  function* (p) {
    const gate = p.flags.map('feature-gates')?.get('RotateKubeletServerCertificate');
    if (gate && parseGoBool(gate.value) === false) yield { message: 'kube-controller-manager turns the RotateKubeletServerCertificate feature gate off', path: gate.at.arg.path };
  },
);
