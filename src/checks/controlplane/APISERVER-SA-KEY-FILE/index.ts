import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBE_APISERVER_REF, NSA, SA_ADMIN } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-SA-KEY-FILE',
    title: 'API server verifies ServiceAccount tokens with its TLS key',
    severity: 'low',
    category: 'control-plane',
    attack: 'Without --service-account-key-file the API server verifies ServiceAccount tokens with its TLS serving key: the serving certificate cannot be rotated without invalidating every token, and the token signing key cannot be rotated on its own.',
    remediation: 'Generate a dedicated key pair for ServiceAccount tokens: --service-account-key-file (public key, on the API server), --service-account-signing-key-file (private key) and the same private key for the controller manager\'s --service-account-private-key-file.',
    references: [SA_ADMIN, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_97'] },
    controls: { cis: ['1.2.22'], nsa: [NSA.controlPlane] },
  },
  ['kube-apiserver'],
  function* (p) {
    if (p.flags.nonEmpty('service-account-key-file')) return;
    yield { message: 'kube-apiserver has no --service-account-key-file: ServiceAccount tokens are verified with the TLS serving key', path: p.flags.last('service-account-key-file')?.arg.path ?? p.anchor };
  },
);
