/**
 * Live mode: namespaces, pods, NetworkPolicies (and Services, ReplicaSets and Jobs, to name the
 * workload that owns each pod) listed from a cluster through the project's one cluster client
 * (src/cluster: paged LIST, restart on an expired continue token, errors naming the cluster,
 * context and list); the policies of other engines found through discovery; the API server's
 * addresses from the `kubernetes` Service's EndpointSlices. A list that fails is an error: an
 * answer computed without it could say "no" where the cluster says "yes".
 */
import { connect, type ClusterClient } from '../cluster/client.js';
import { discover, type Discovery, type ResourceRef } from '../cluster/discovery.js';
import { ClusterError, describeCluster } from '../cluster/errors.js';
import { describeList, listPages } from '../cluster/list.js';
import { objectFromJson } from '../load/plain-object.js';
import type { LoadedObject } from '../load/types.js';
import { asList, asMap } from '../k8s/json.js';
import { parseAddress, type Address } from './ip.js';
import { isForeignPolicy } from './world.js';

export interface LiveNetpol {
  objects: LoadedObject[];
  /** Lists that could not be read, each naming the cluster, the list and the cause. */
  errors: string[];
  apiServer?: { addresses: Address[]; ports: number[] };
  /** "context "dev" at https://…", for report headers. */
  description: string;
}

/** What the answer is computed from: group and plural resource of each built-in list. */
const BUILT_IN: ReadonlyArray<{ group: string; resource: string }> = [
  { group: '', resource: 'namespaces' },
  { group: '', resource: 'pods' },
  { group: '', resource: 'services' },
  { group: 'networking.k8s.io', resource: 'networkpolicies' },
  // Owners, to fold pods back into their Deployments and CronJobs.
  { group: 'apps', resource: 'replicasets' },
  { group: 'batch', resource: 'jobs' },
];

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Items per page (default 500, kubectl's). */
  pageSize?: number;
}

/**
 * Connects and lists. Configuration errors (no kubeconfig, unknown context) and a discovery that
 * fails are thrown; lists that fail are returned in `errors`, so the caller reports all of them.
 */
export async function loadLiveNetpol(opts: LiveOptions): Promise<LiveNetpol> {
  const client = await connect({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  try {
    return await readCluster(client, opts.pageSize ?? 500);
  } finally {
    client.close();
  }
}

async function readCluster(client: ClusterClient, limit: number): Promise<LiveNetpol> {
  const discovery = await discover(client);
  const errors: string[] = [];
  const resources: ResourceRef[] = [];
  for (const b of BUILT_IN) {
    const r = discovery.find(b.group, b.resource);
    if (r) resources.push(r);
    else errors.push(`${b.group ? `${b.resource}.${b.group}` : b.resource}: ${describeCluster(client.identity)}: the cluster does not serve this resource`);
  }
  resources.push(...foreignPolicyResources(discovery));

  const settled = await Promise.allSettled(resources.map((r) => listAll(client, r, limit)));
  const objects: LoadedObject[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') objects.push(...s.value);
    else errors.push(s.reason instanceof ClusterError ? s.reason.message : `${describeList({ resource: resources[i] })}: ${(s.reason as Error).message}`);
  });
  const apiServer = await apiServerAddresses(client);
  return { objects, errors, ...(apiServer ? { apiServer } : {}), description: `cluster ${describeCluster(client.identity)}` };
}

/** Served resources whose kind is another engine's policy (Cilium, Calico, AdminNetworkPolicy…), preferred version only. */
function foreignPolicyResources(discovery: Discovery): ResourceRef[] {
  const seen = new Set<string>();
  const out: ResourceRef[] = [];
  for (const r of discovery.resources) {
    const key = `${r.group}/${r.resource}`;
    if (seen.has(key) || !r.group || !r.verbs.includes('list')) continue;
    const preferred = discovery.find(r.group, r.resource);
    if (!preferred || !isForeignPolicy({ kind: preferred.kind, apiVersion: `${preferred.group}/${preferred.version}` })) continue;
    seen.add(key);
    out.push(preferred);
  }
  return out;
}

async function listAll(client: ClusterClient, resource: ResourceRef, limit: number): Promise<LoadedObject[]> {
  const out: LoadedObject[] = [];
  for await (const page of listPages(client, { resource, limit })) for (const item of page.items) out.push(objectFromJson(item, 'cluster'));
  return out;
}

/**
 * The API server's own addresses: where egress "to the API server" really goes. Without them
 * (no slice, or not allowed to read it) exposure answers "maybe" for the API server and says why,
 * so a failure here is not an error.
 */
async function apiServerAddresses(client: ClusterClient): Promise<LiveNetpol['apiServer']> {
  const q = new URLSearchParams({ labelSelector: 'kubernetes.io/service-name=kubernetes' });
  let slices: { items?: unknown };
  try {
    slices = await client.getJson({ path: `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?${q}`, what: 'list the API server EndpointSlices' });
  } catch (e) {
    if (e instanceof ClusterError) return undefined;
    throw e;
  }
  const addresses: Address[] = [];
  const ports = new Set<number>();
  for (const s of asList(slices.items).map(asMap)) {
    for (const ep of asList(s?.endpoints)) {
      for (const a of asList(asMap(ep)?.addresses)) {
        const addr = typeof a === 'string' ? parseAddress(a) : undefined;
        if (addr) addresses.push(addr);
      }
    }
    for (const p of asList(s?.ports)) if (typeof asMap(p)?.port === 'number') ports.add(asMap(p)!.port as number);
  }
  return addresses.length ? { addresses, ports: ports.size ? [...ports] : [443] } : undefined;
}
