/**
 * The images a live cluster runs, for `images prefetch --kubeconfig`: every container image of
 * every pod (paged LIST with the shared cluster client, src/cluster), and the pull secrets those
 * pods use (their own imagePullSecrets and their ServiceAccount's), so private registries can be
 * read with the cluster's own credentials. Listing pods is required (a ClusterError naming the
 * cluster and the list); a ServiceAccount or pull secret that cannot be read is reported and
 * skipped. Secret values are handed to the registry client only, never printed.
 */
import type { ClusterClient } from '../cluster/client.js';
import { CORE, listPages } from '../cluster/list.js';

export interface LiveImages {
  images: string[];
  pullSecrets: Array<{ source: string; dockerConfig: string }>;
  /** Pull secrets or ServiceAccounts that could not be read. */
  problems: string[];
}

interface PodLike {
  metadata?: { namespace?: string };
  spec?: {
    serviceAccountName?: string;
    imagePullSecrets?: Array<{ name?: string }>;
    containers?: Array<{ image?: string }>;
    initContainers?: Array<{ image?: string }>;
    ephemeralContainers?: Array<{ image?: string }>;
  };
}

/** GET one namespaced object; a status other than 200 is a problem described by its code. */
async function getObject<T>(client: ClusterClient, resource: 'serviceaccounts' | 'secrets', namespace: string, name: string): Promise<{ object?: T; problem?: string }> {
  const what = `get ${resource} ${namespace}/${name}`;
  const r = await client.request({ path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`, what });
  if (r.status !== 200) return { problem: r.status === 404 ? 'not found' : r.status === 403 ? `forbidden (needs get on ${resource} in ${namespace})` : `HTTP ${r.status}` };
  return { object: client.json<T>({ path: '', what }, r) };
}

export async function liveImages(client: ClusterClient): Promise<LiveImages> {
  const images = new Set<string>();
  const wanted = new Set<string>(); // namespace/secret
  const accounts = new Set<string>(); // namespace/serviceaccount
  for await (const page of listPages(client, { resource: CORE.pods, limit: 500 })) {
    for (const pod of page.items as PodLike[]) {
      const ns = pod.metadata?.namespace ?? 'default';
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])]) if (c.image) images.add(c.image);
      for (const s of pod.spec?.imagePullSecrets ?? []) if (s.name) wanted.add(`${ns}/${s.name}`);
      accounts.add(`${ns}/${pod.spec?.serviceAccountName || 'default'}`);
    }
  }

  const problems: string[] = [];
  for (const key of accounts) {
    const [namespace, name] = key.split('/');
    const sa = await getObject<{ imagePullSecrets?: Array<{ name?: string }> }>(client, 'serviceaccounts', namespace, name);
    if (sa.problem) problems.push(`ServiceAccount ${key}: ${sa.problem}`);
    for (const s of sa.object?.imagePullSecrets ?? []) if (s.name) wanted.add(`${namespace}/${s.name}`);
  }
  const pullSecrets: LiveImages['pullSecrets'] = [];
  for (const key of wanted) {
    const [namespace, name] = key.split('/');
    const secret = await getObject<{ type?: string; data?: Record<string, string> }>(client, 'secrets', namespace, name);
    if (secret.problem) {
      problems.push(`pull secret ${key}: ${secret.problem}`);
      continue;
    }
    const data = secret.object?.data?.['.dockerconfigjson'] ?? secret.object?.data?.['.dockercfg'];
    if (!data) {
      problems.push(`pull secret ${key}: no .dockerconfigjson (type ${secret.object?.type ?? 'unknown'})`);
      continue;
    }
    pullSecrets.push({ source: `pull secret ${key}`, dockerConfig: Buffer.from(data, 'base64').toString('utf8') });
  }
  return { images: [...images], pullSecrets, problems };
}
