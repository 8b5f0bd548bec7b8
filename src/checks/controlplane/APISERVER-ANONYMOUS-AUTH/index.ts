import { processCheck, flagPath } from '../../_lib/controlplane.js';
import { AUTHENTICATION, CIS_K8S, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { getIn } from '../../../k8s/json.js';
import { isConfigKind } from '../../../controlplane/config-kinds.js';

export const check = processCheck(
  {
    id: 'APISERVER-ANONYMOUS-AUTH',
    title: 'API server accepts anonymous requests',
    severity: 'high',
    category: 'control-plane',
    attack: 'With anonymous authentication on, any request without credentials is served as system:anonymous: anyone who reaches the API server port gets whatever that user or the system:unauthenticated group is granted — one careless binding away from reading the cluster, and enough today to probe versions and health for known vulnerabilities.',
    remediation: 'Start kube-apiserver with --anonymous-auth=false, or with an AuthenticationConfiguration whose anonymous authenticator is limited to the health endpoints (anonymous.conditions: /livez, /readyz, /healthz).',
    references: [AUTHENTICATION, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_68'], kubescape: ['C-0262'] },
    controls: { cis: ['1.2.1'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  ['kube-apiserver'],
  function* (p, _ctx, model) {
    // An AuthenticationConfiguration that configures the anonymous authenticator decides instead
    // (AUTHN-CONFIG-ANONYMOUS); the flag may then not be set at all.
    if (p.flags.nonEmpty('authentication-config')) {
      const ref = model.reference(p, 'authentication-config');
      if (!ref || ref.status !== 'found') return; // not assessable: CP-NOT-ASSESSABLE says so
      const cfg = ref.objects.find((o) => isConfigKind(o, 'AuthenticationConfiguration'));
      if (cfg && getIn(cfg.object, ['anonymous']) !== undefined) return;
    }
    // With the AlwaysAllow authorizer the API server turns anonymous authentication off itself
    // (pkg/kubeapiserver/options/authentication.go ApplyAuthorization); APISERVER-AUTHZ-MODE reports AlwaysAllow.
    if (!p.flags.nonEmpty('authorization-config')) {
      const modes = p.flags.list('authorization-mode')?.map((m) => m.value) ?? ['AlwaysAllow'];
      if (modes.includes('AlwaysAllow')) return;
    }
    const flag = p.flags.bool('anonymous-auth');
    if (p.flags.isSet('anonymous-auth') && !flag) return; // a value that does not parse: CP-CONFIG-INVALID
    if (flag?.value === false) return;
    yield {
      message: flag
        ? 'kube-apiserver runs with --anonymous-auth=true: requests without credentials are served as system:anonymous'
        : 'kube-apiserver does not set --anonymous-auth, which defaults to true: requests without credentials are served as system:anonymous',
      path: flagPath(p, 'anonymous-auth'),
    };
  },
);
