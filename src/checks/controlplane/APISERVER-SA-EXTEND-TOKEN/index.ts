import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBE_APISERVER_REF, NSA, SA_ADMIN } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-SA-EXTEND-TOKEN',
    title: 'API server extends projected ServiceAccount tokens to a year',
    severity: 'low',
    category: 'control-plane',
    attack: 'By default the API server issues projected ServiceAccount tokens that are valid for up to a year (to ease the migration from legacy tokens) while telling the kubelet they expire in an hour: a token stolen from a pod stays usable long after the pod is gone.',
    remediation: 'Set --service-account-extend-token-expiration=false once workloads refresh their tokens (every client-go since v0.15 does).',
    references: [SA_ADMIN, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: {},
    controls: { cis: ['1.2.30'], nsa: [NSA.controlPlane] },
  },
  ['kube-apiserver'],
  function* (p) {
    const f = p.flags.bool('service-account-extend-token-expiration');
    if (p.flags.isSet('service-account-extend-token-expiration') && !f) return;
    if (f?.value === false) return;
    yield {
      message: f ? 'kube-apiserver runs with --service-account-extend-token-expiration=true: projected tokens stay valid for up to a year' : 'kube-apiserver does not set --service-account-extend-token-expiration, which defaults to true: projected tokens stay valid for up to a year',
      path: f?.at.arg.path ?? p.anchor,
    };
  },
);
