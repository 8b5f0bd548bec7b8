import type { ObjectCheck, Severity } from '../../engine/types.js';
import type { ObjectIndex } from '../../engine/object-index.js';
import type { LoadedObject } from '../../load/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { ANONYMOUS_PROBE_KIND, isFactsObject, probeRows } from '../_lib/cluster-facts.js';
import { ANONYMOUS } from '../_lib/cluster-references.js';
import { CIS, NSA_CISA } from '../_lib/references.js';

const ANONYMOUS_SUBJECTS = new Set(['User/system:anonymous', 'Group/system:unauthenticated']);
/** The bootstrap policy's own grant to unauthenticated users (health and version endpoints). */
const DEFAULT_GRANTS = new Set(['system:public-info-viewer']);

/** Bindings of the scan that grant to anonymous users, beyond the defaults (built once per scan). */
function anonymousBindings(index: ObjectIndex): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
    for (const b of index.ofKind(kind)) {
      const role = asString(asMap(b.object.roleRef)?.name) ?? '';
      if (DEFAULT_GRANTS.has(role) && kind === 'ClusterRoleBinding') continue;
      if (asList(b.object.subjects).some((s) => ANONYMOUS_SUBJECTS.has(`${asString(asMap(s)?.kind)}/${asString(asMap(s)?.name)}`))) out.push(b);
    }
  }
  return out;
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: [ANONYMOUS_PROBE_KIND],
  meta: {
    id: 'CLU-ANONYMOUS-AUTH',
    title: 'The API server accepts unauthenticated requests',
    severity: 'medium',
    category: 'cluster',
    attack: 'With anonymous authentication on, every request without credentials runs as system:anonymous in group system:unauthenticated: one binding to those (a typo, a tutorial, a chart) gives the whole network that access, and the API server\'s endpoints are open to probing and to pre-authentication vulnerabilities.',
    remediation: 'Run kube-apiserver with --anonymous-auth=false, or (Kubernetes 1.32+) an AuthenticationConfiguration whose anonymous section allows only the health endpoints (/livez, /readyz, /healthz); remove bindings to system:anonymous and system:unauthenticated.',
    references: [ANONYMOUS, CIS, NSA_CISA],
    peers: { kubescape: ['C-0262'] },
  },
  cel: { form: 'unsupported', reason: 'it judges a live probe of the API server, not an object' },
  *check(o, ctx) {
    if (!isFactsObject(o, ANONYMOUS_PROBE_KIND)) return;
    const rows = probeRows(o);
    const accepted = rows.map((r, i) => ({ ...r, i })).filter((r) => r.status !== 401);
    if (accepted.length === 0) return;
    const allowed = accepted.filter((r) => r.status >= 200 && r.status < 300);
    const bindings = ctx.index.derived(anonymousBindings);
    const answers = accepted.map((r) => `${r.path} → ${r.status}${r.user ? ` as ${r.user}` : ''}`).join(', ');
    const grants = bindings.length
      ? `; ${bindings.length} binding${bindings.length === 1 ? '' : 's'} grant${bindings.length === 1 ? 's' : ''} anonymous users more than the defaults (${bindings.slice(0, 3).map((b) => `${b.kind} "${b.namespace ? `${b.namespace}/` : ''}${b.name}"`).join(', ')}${bindings.length > 3 ? ', …' : ''})`
      : '';
    // Discovery open to anyone, or extra grants, is worse than the default /version and health.
    const severity: Severity = bindings.length || allowed.some((r) => r.path === '/api' || r.path === '/apis') ? 'high' : 'medium';
    yield {
      message: `anonymous authentication is on: unauthenticated requests are accepted (${answers})${grants}`,
      path: ['results', accepted[0].i],
      ...(severity === 'medium' ? {} : { severity }),
    };
  },
};
