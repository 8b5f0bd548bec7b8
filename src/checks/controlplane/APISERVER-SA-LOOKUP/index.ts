import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBE_APISERVER_REF, NSA, SA_ADMIN } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-SA-LOOKUP',
    title: 'API server accepts tokens of deleted ServiceAccounts',
    severity: 'medium',
    category: 'control-plane',
    attack: 'With --service-account-lookup=false a token stays valid after its ServiceAccount or Secret is deleted: deleting a compromised ServiceAccount no longer revokes what the attacker copied.',
    remediation: 'Remove --service-account-lookup=false (the default is true).',
    references: [SA_ADMIN, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_96'] },
    controls: { cis: ['1.2.21'], nsa: [NSA.controlPlane] },
  },
  ['kube-apiserver'],
  function* (p) {
    const f = p.flags.bool('service-account-lookup');
    if (f?.value === false) yield { message: 'kube-apiserver runs with --service-account-lookup=false: tokens are not checked against existing ServiceAccounts and stay valid after deletion', path: f.at.arg.path };
  },
);
