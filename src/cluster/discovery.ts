/**
 * Which resources the cluster serves, at which version, and whether they are namespaced:
 * aggregated discovery (GA in 1.30, two requests) with a fallback to the per-group documents of
 * older servers.
 */
import type { ClusterClient } from './client.js';

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name, e.g. 'deployments'. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

export interface Discovery {
  /** Every served resource (no subresources), each group's versions in preference order. */
  resources: ResourceRef[];
  /** The preferred served version of `group/resource`, if any. */
  find(group: string, resource: string): ResourceRef | undefined;
  /** Served resources of a kind in a group (any version), preferred first. */
  byKind(group: string, kind: string): ResourceRef[];
}

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface AggregatedList {
  kind?: string;
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{ version?: string; resources?: Array<{ resource?: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }> }>;
  }>;
}

interface LegacyResourceList {
  groupVersion?: string;
  resources?: Array<{ name?: string; kind?: string; namespaced?: boolean; verbs?: string[] }>;
}

export function makeDiscovery(resources: ResourceRef[]): Discovery {
  const byGroupResource = new Map<string, ResourceRef>();
  const byGroupKind = new Map<string, ResourceRef[]>();
  for (const r of resources) {
    const k = `${r.group}/${r.resource}`;
    if (!byGroupResource.has(k)) byGroupResource.set(k, r); // versions are in preference order
    const gk = `${r.group}/${r.kind}`;
    const list = byGroupKind.get(gk) ?? [];
    list.push(r);
    byGroupKind.set(gk, list);
  }
  return {
    resources,
    find: (group, resource) => byGroupResource.get(`${group}/${resource}`),
    byKind: (group, kind) => byGroupKind.get(`${group}/${kind}`) ?? [],
  };
}

export async function discover(client: ClusterClient): Promise<Discovery> {
  const core = await client.getJson<AggregatedList & LegacyResourceList & { versions?: string[] }>({ path: '/api', what: 'discover the core API', accept: AGGREGATED });
  if (core.kind === 'APIGroupDiscoveryList') {
    const groups = await client.getJson<AggregatedList>({ path: '/apis', what: 'discover API groups', accept: AGGREGATED });
    return makeDiscovery([...fromAggregated(core, true), ...fromAggregated(groups, false)]);
  }
  return makeDiscovery(await legacyDiscovery(client));
}

function fromAggregated(list: AggregatedList, core: boolean): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const g of list.items ?? []) {
    const group = core ? '' : (g.metadata?.name ?? '');
    for (const v of g.versions ?? []) {
      for (const r of v.resources ?? []) {
        if (!r.resource || !v.version || !r.responseKind?.kind) continue;
        out.push({ group, version: v.version, resource: r.resource, kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [] });
      }
    }
  }
  return out;
}

async function legacyDiscovery(client: ClusterClient): Promise<ResourceRef[]> {
  const groups = await client.getJson<{ groups?: Array<{ name?: string; preferredVersion?: { version?: string }; versions?: Array<{ version?: string }> }> }>({ path: '/apis', what: 'discover API groups' });
  const wanted: Array<{ group: string; version: string }> = [{ group: '', version: 'v1' }];
  for (const g of groups.groups ?? []) {
    if (!g.name) continue;
    const preferred = g.preferredVersion?.version;
    const versions = (g.versions ?? []).map((v) => v.version).filter((v): v is string => Boolean(v));
    for (const v of [...(preferred ? [preferred] : []), ...versions.filter((v) => v !== preferred)]) wanted.push({ group: g.name, version: v });
  }
  const lists = await Promise.all(
    wanted.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      const r = await client.request({ path, what: `discover ${group || 'core'}/${version}` });
      // A group whose aggregated server is down answers 503: its resources are simply not listed.
      if (r.status !== 200) return [];
      const body = client.json<LegacyResourceList>({ path, what: `discover ${group || 'core'}/${version}` }, r);
      return (body.resources ?? [])
        .filter((x) => x.name && x.kind && !x.name.includes('/'))
        .map((x): ResourceRef => ({ group, version, resource: x.name as string, kind: x.kind as string, namespaced: x.namespaced === true, verbs: x.verbs ?? [] }));
    }),
  );
  return lists.flat();
}
