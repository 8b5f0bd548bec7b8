import { processCheck } from '../../_lib/controlplane.js';
import { AUTHENTICATION, CIS_K8S, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-TOKEN-AUTH-FILE',
    title: 'API server accepts static tokens from a file',
    severity: 'high',
    category: 'control-plane',
    attack: 'Static tokens never expire, cannot be revoked without restarting the API server, and sit in plain text on every control-plane node: whoever reads the file (a backup, a hostPath mount, a node compromise) holds those identities for good.',
    remediation: 'Remove --token-auth-file and authenticate people with OIDC (or an AuthenticationConfiguration with JWT issuers) and machines with client certificates or bound service account tokens.',
    references: [AUTHENTICATION, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_70'], kubescape: ['C-0161'] },
    controls: { cis: ['1.2.2'], nsa: [NSA.controlPlane] },
  },
  ['kube-apiserver'],
  function* (p) {
    const f = p.flags.nonEmpty('token-auth-file');
    if (f) yield { message: `kube-apiserver accepts the static bearer tokens in ${f.value} (--token-auth-file): they never expire and cannot be revoked without a restart`, path: f.arg.path };
  },
);
