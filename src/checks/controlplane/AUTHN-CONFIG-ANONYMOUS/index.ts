import { configCheck } from '../../_lib/controlplane.js';
import { AUTHENTICATION, CIS_K8S, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { asList, asMap, asString } from '../../../k8s/json.js';

/** Paths the default RBAC policy already opens to unauthenticated callers (system:public-info-viewer, service account issuer discovery). */
const PUBLIC = new Set(['/livez', '/readyz', '/healthz', '/version', '/.well-known/openid-configuration', '/openid/v1/jwks']);

export const check = configCheck(
  {
    id: 'AUTHN-CONFIG-ANONYMOUS',
    title: 'Authentication configuration accepts anonymous requests beyond health checks',
    severity: 'high',
    category: 'control-plane',
    attack: 'An anonymous authenticator without conditions serves every request without credentials as system:anonymous; with conditions it should only open the health and discovery paths load balancers need.',
    remediation: 'Set anonymous.enabled: false, or keep it enabled only with conditions for /livez, /readyz and /healthz.',
    references: [AUTHENTICATION, NSA_CISA, CIS_K8S],
    peers: { kubescape: ['C-0262'] },
    controls: { cis: ['1.2.1'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  'AuthenticationConfiguration',
  function* (o) {
    const anon = asMap(o.object.anonymous);
    if (!anon || anon.enabled !== true) return;
    const conditions = asList(anon.conditions);
    if (conditions.length === 0) {
      yield { message: 'anonymous.enabled is true with no conditions: every request without credentials is served as system:anonymous', path: ['anonymous', 'enabled'] };
      return;
    }
    for (let i = 0; i < conditions.length; i++) {
      const path = asString(asMap(conditions[i])?.path);
      if (path !== undefined && !PUBLIC.has(path)) yield { message: `anonymous requests are accepted for ${path}, beyond the health and discovery endpoints`, path: ['anonymous', 'conditions', i, 'path'], severity: 'medium' };
    }
  },
);
