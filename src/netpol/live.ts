/**
 * Live mode: namespaces, pods, NetworkPolicies (and Services, ReplicaSets and Jobs, to name the
 * workload that owns each pod) listed from a cluster with @kubernetes/client-node, paginated;
 * the policies of other engines found through the installed CRDs; the API server's addresses from
 * the `kubernetes` Service's EndpointSlices. A list that fails is an error naming the resource and
 * the cause: an answer computed without it could say "no" where the cluster says "yes".
 */
import { ApiextensionsV1Api, AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '../rbac/live.js';
import { objectFromJson } from '../load/plain-object.js';
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString } from '../k8s/json.js';
import { parseAddress, type Address } from './ip.js';
import { isForeignPolicy } from './world.js';

export interface LiveNetpol {
  objects: LoadedObject[];
  errors: string[];
  apiServer?: { addresses: Address[]; ports: number[] };
  server: string;
  context: string;
}

interface Page {
  items: unknown[];
  metadata?: { _continue?: string };
}

async function listAll(fetch: (cont: string | undefined) => Promise<Page>): Promise<unknown[]> {
  const out: unknown[] = [];
  let cont: string | undefined;
  do {
    const page = await fetch(cont);
    out.push(...page.items);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return out;
}

function describeError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const body = (e as { body?: unknown }).body;
  let msg = (e as Error).message ?? String(e);
  if (typeof body === 'string') {
    try {
      const m = (JSON.parse(body) as { message?: unknown }).message;
      if (typeof m === 'string') msg = m;
    } catch {
      /* not JSON */
    }
  }
  if (code === 401) return `unauthorized (401): ${msg}`;
  if (code === 403) return `forbidden (403): ${msg}`;
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  return cause ? `${cause}: ${msg}` : msg;
}

/** client-node models → plain JSON as the API server sent it, with the kind the list omits. */
function plain(v: unknown, kind: string, apiVersion: string): Record<string, unknown> {
  const o = JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  o.kind ??= kind;
  o.apiVersion ??= apiVersion;
  return o;
}

export async function loadLiveNetpol(opts: { kubeconfig?: string; context?: string; pageSize?: number }): Promise<LiveNetpol> {
  const kc = loadKubeConfig(opts);
  const core = kc.makeApiClient(CoreV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const limit = opts.pageSize ?? 500;
  const errors: string[] = [];
  const lists: Array<{ resource: string; kind: string; apiVersion: string; fetch: (c: string | undefined) => Promise<Page> }> = [
    { resource: 'namespaces', kind: 'Namespace', apiVersion: 'v1', fetch: (c) => core.listNamespace({ limit, _continue: c }) as Promise<Page> },
    { resource: 'pods', kind: 'Pod', apiVersion: 'v1', fetch: (c) => core.listPodForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'services', kind: 'Service', apiVersion: 'v1', fetch: (c) => core.listServiceForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'networkpolicies', kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', fetch: (c) => net.listNetworkPolicyForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'replicasets', kind: 'ReplicaSet', apiVersion: 'apps/v1', fetch: (c) => apps.listReplicaSetForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'jobs', kind: 'Job', apiVersion: 'batch/v1', fetch: (c) => batch.listJobForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', fetch: (c) => ext.listCustomResourceDefinition({ limit, _continue: c }) as Promise<Page> },
  ];
  const settled = await Promise.allSettled(lists.map((l) => listAll(l.fetch)));
  const objects: LoadedObject[] = [];
  const crds: Record<string, unknown>[] = [];
  settled.forEach((s, i) => {
    const l = lists[i];
    if (s.status === 'rejected') {
      errors.push(`cluster: cannot list ${l.resource}: ${describeError(s.reason)}`);
      return;
    }
    for (const item of s.value) {
      const o = plain(item, l.kind, l.apiVersion);
      if (l.kind === 'CustomResourceDefinition') crds.push(o);
      else objects.push(objectFromJson(o, 'cluster'));
    }
  });

  // Policies of other engines: list every installed CRD whose kind kubeharden recognises.
  for (const crd of crds) {
    const spec = asMap(crd.spec) ?? {};
    const group = asString(spec.group) ?? '';
    const kind = asString(asMap(spec.names)?.kind) ?? '';
    const plural = asString(asMap(spec.names)?.plural) ?? '';
    const version = asList(spec.versions).map(asMap).find((v) => v?.storage === true || v?.served === true);
    const versionName = asString(version?.name);
    if (!versionName || !isForeignPolicy({ kind, apiVersion: `${group}/${versionName}` })) continue;
    try {
      const items = await listAll((c) => custom.listClusterCustomObject({ group, version: versionName, plural, limit, _continue: c }) as Promise<Page>);
      for (const item of items) objects.push(objectFromJson(plain(item, kind, `${group}/${versionName}`), 'cluster'));
    } catch (e) {
      errors.push(`cluster: cannot list ${plural}.${group} (${kind}, policies kubeharden reports as not evaluated): ${describeError(e)}`);
    }
  }

  // The API server's own addresses: where egress "to the API server" really goes.
  let apiServer: LiveNetpol['apiServer'];
  try {
    const slices = (await discovery.listNamespacedEndpointSlice({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' })) as Page;
    const addresses: Address[] = [];
    const ports = new Set<number>();
    for (const s of slices.items.map((x) => plain(x, 'EndpointSlice', 'discovery.k8s.io/v1'))) {
      for (const ep of asList(s.endpoints)) for (const a of asList(asMap(ep)?.addresses)) if (typeof a === 'string' && parseAddress(a)) addresses.push(parseAddress(a)!);
      for (const p of asList(s.ports)) if (typeof asMap(p)?.port === 'number') ports.add(asMap(p)!.port as number);
    }
    if (addresses.length) apiServer = { addresses, ports: ports.size ? [...ports] : [443] };
  } catch {
    // Without them, exposure answers "maybe" for the API server (it says why).
  }

  const ctx = kc.getCurrentContext();
  return { objects, errors, ...(apiServer ? { apiServer } : {}), server: kc.getCurrentCluster()?.server ?? '', context: ctx };
}
