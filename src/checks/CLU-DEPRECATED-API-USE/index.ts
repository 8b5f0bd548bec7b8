import type { ObjectCheck, RawFinding } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { DEPRECATED_APIS_KIND, factsOf, isFactsObject, SERVER_VERSION_KIND, serverVersionOf } from '../_lib/cluster-facts.js';
import { DEPRECATED_API_METRIC } from '../_lib/cluster-references.js';
import { DEPRECATION_GUIDE } from '../_lib/references.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: [DEPRECATED_APIS_KIND],
  meta: {
    id: 'CLU-DEPRECATED-API-USE',
    title: 'Clients still call deprecated API versions that the cluster will stop serving',
    severity: 'low',
    category: 'cluster',
    attack: 'A deprecated API version that is still in use breaks its clients (controllers, CI pipelines, operators) when the upgrade that removes it lands, which pushes teams to postpone security upgrades; the API server\'s own metric shows what is really called, unlike guesses from manifests.',
    remediation: 'Find the callers (audit log annotations k8s.io/deprecated and k8s.io/removed-release, or client User-Agents) and move them to the replacement version before upgrading to the release that removes it.',
    references: [DEPRECATION_GUIDE, DEPRECATED_API_METRIC],
    peers: {},
  },
  cel: { form: 'unsupported', reason: "it judges the API server's metrics of requests to deprecated APIs, not an object" },
  *check(o, ctx) {
    if (!isFactsObject(o, DEPRECATED_APIS_KIND) || o.object.readable === false) return;
    const facts = factsOf(ctx.index, SERVER_VERSION_KIND);
    const server = facts ? serverVersionOf(facts) : undefined;
    const out: RawFinding[] = [];
    asList(o.object.requested).forEach((r, i) => {
      const m = asMap(r);
      const version = asString(m?.version) ?? '';
      const resource = asString(m?.resource) ?? '';
      if (!version || !resource) return;
      const group = asString(m?.group) ?? '';
      const sub = asString(m?.subresource);
      const api = `${group ? `${group}/` : ''}${version} ${resource}${sub ? `/${sub}` : ''}`;
      const removed = /^1\.(\d+)$/.exec(asString(m?.removedRelease) ?? '');
      // Removed in the next minor: the next upgrade breaks its callers.
      const next = removed && server && Number(removed[1]) <= server.minor + 1;
      out.push({
        message: `${api} was requested since the API server started${removed ? ` and is removed in Kubernetes 1.${removed[1]}` : ' (deprecated, no removal scheduled yet)'}${next && server ? `: upgrading from ${server.text} to 1.${removed[1]} breaks its callers` : ''}`,
        path: ['requested', i],
        ...(next ? { severity: 'medium' as const } : {}),
      });
    });
    yield* out;
  },
};
