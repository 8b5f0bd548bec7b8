import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, NSA, SA_ADMIN } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'KCM-SA-KEYS',
    title: 'Controller manager lacks the ServiceAccount signing key or the root CA',
    severity: 'low',
    category: 'control-plane',
    attack: 'Without --service-account-private-key-file the controller manager cannot sign ServiceAccount token Secrets with the key the API server verifies, and without --root-ca-file pods receive the wrong CA bundle in kube-root-ca.crt, so they cannot verify the API server they talk to.',
    remediation: 'Set --service-account-private-key-file to the private key matching the API server\'s --service-account-key-file, and --root-ca-file to the cluster CA certificate.',
    references: [SA_ADMIN, KCM_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_110', 'CKV_K8S_111'] },
    controls: { cis: ['1.3.4', '1.3.5'], nsa: [NSA.controlPlane] },
  },
  ['kube-controller-manager'],
  function* (p) {
    if (!p.flags.nonEmpty('service-account-private-key-file')) {
      yield { message: 'kube-controller-manager has no --service-account-private-key-file: it cannot sign ServiceAccount token Secrets', path: p.flags.last('service-account-private-key-file')?.arg.path ?? p.anchor };
    }
    if (!p.flags.nonEmpty('root-ca-file')) {
      yield { message: 'kube-controller-manager has no --root-ca-file: the kube-root-ca.crt ConfigMaps get the CA of its own kubeconfig, not necessarily the one that signs the API server certificate', path: p.flags.last('root-ca-file')?.arg.path ?? p.anchor };
    }
  },
);
