import type { ObjectCheck } from '../../../engine/types.js';
import { AUTHENTICATION, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { isProbe, probeStatus } from '../../../controlplane/probe.js';
import { PROBE_KIND } from '../../../controlplane/config-kinds.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: [PROBE_KIND],
  meta: {
    id: 'APISERVER-ANONYMOUS-PROBE',
    title: 'Live API server answers requests without credentials',
    severity: 'high',
    category: 'control-plane',
    attack: 'Proven on the running cluster: a request without credentials was authenticated as system:anonymous. Whatever that user and the system:unauthenticated group are granted — today or after one careless binding — anyone who reaches the API server gets.',
    remediation: 'Turn anonymous authentication off (--anonymous-auth=false, or an AuthenticationConfiguration limited to health paths); on managed clusters, use the provider\'s setting where it exists and keep system:anonymous and system:unauthenticated out of every binding.',
    references: [AUTHENTICATION, NSA_CISA],
    peers: { kubescape: ['C-0262'] },
    controls: { cis: ['1.2.1'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  *check(o) {
    if (!isProbe(o)) return;
    const a = probeStatus(o).anonymous;
    if (!a || a.code === undefined) return; // could not probe: CP-NOT-ASSESSABLE
    const path = ['status', 'anonymous', 'code'];
    if (a.code === 401) return;
    if (a.code === 403) {
      yield { message: `GET ${a.path} without credentials was answered 403 for ${a.user ?? 'system:anonymous'}: anonymous authentication is on, and only authorization stopped this request`, path };
    } else if (a.code >= 200 && a.code < 300) {
      yield { message: `GET ${a.path} without credentials was answered ${a.code}: anonymous requests are authenticated and allowed to read the API`, path, severity: 'critical' };
    }
  },
};
