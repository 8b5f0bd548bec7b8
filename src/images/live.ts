/**
 * The images a live cluster runs, for `images prefetch --kubeconfig`: every container image of
 * every pod (paginated), and the pull secrets those pods use (their own imagePullSecrets and their
 * ServiceAccount's), so private registries can be read with the cluster's own credentials.
 * Listing pods is required (an error); a pull secret that cannot be read is reported and skipped.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '../rbac/live.js';

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

export async function liveImages(kubeconfig: string, context?: string): Promise<LiveImages> {
  const kc = loadKubeConfig({ kubeconfig, context });
  const core = kc.makeApiClient(CoreV1Api);
  const images = new Set<string>();
  const wanted = new Set<string>(); // namespace/secret
  const accounts = new Set<string>(); // namespace/serviceaccount
  let cont: string | undefined;
  do {
    const page = (await core.listPodForAllNamespaces({ limit: 500, _continue: cont })) as { items: PodLike[]; metadata?: { _continue?: string } };
    for (const pod of page.items) {
      const ns = pod.metadata?.namespace ?? 'default';
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])]) if (c.image) images.add(c.image);
      for (const s of pod.spec?.imagePullSecrets ?? []) if (s.name) wanted.add(`${ns}/${s.name}`);
      accounts.add(`${ns}/${pod.spec?.serviceAccountName || 'default'}`);
    }
    cont = page.metadata?._continue || undefined;
  } while (cont);

  const problems: string[] = [];
  for (const key of accounts) {
    const [namespace, name] = key.split('/');
    try {
      const sa = (await core.readNamespacedServiceAccount({ name, namespace })) as { imagePullSecrets?: Array<{ name?: string }> };
      for (const s of sa.imagePullSecrets ?? []) if (s.name) wanted.add(`${namespace}/${s.name}`);
    } catch (e) {
      problems.push(`ServiceAccount ${key}: ${(e as { code?: number }).code ?? (e as Error).message}`);
    }
  }
  const pullSecrets: LiveImages['pullSecrets'] = [];
  for (const key of wanted) {
    const [namespace, name] = key.split('/');
    try {
      const secret = (await core.readNamespacedSecret({ name, namespace })) as { type?: string; data?: Record<string, string> };
      const data = secret.data?.['.dockerconfigjson'] ?? secret.data?.['.dockercfg'];
      if (!data) {
        problems.push(`pull secret ${key}: no .dockerconfigjson (type ${secret.type ?? 'unknown'})`);
        continue;
      }
      pullSecrets.push({ source: `pull secret ${key}`, dockerConfig: Buffer.from(data, 'base64').toString('utf8') });
    } catch (e) {
      problems.push(`pull secret ${key}: ${(e as { code?: number }).code ?? (e as Error).message}`);
    }
  }
  return { images: [...images], pullSecrets, problems };
}
