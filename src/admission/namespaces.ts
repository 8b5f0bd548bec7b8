/**
 * Namespace labels for the review: AdmissionReview carries none, so the webhook keeps a watch
 * on Namespaces (get/list/watch only), as PodSecurity admission does. Without API access,
 * labels are unknown: rules that select by name still apply, label selectors do not.
 */
import { CoreV1Api, KubeConfig, makeInformer, type V1Namespace } from '@kubernetes/client-node';
import type { Labels } from '../k8s/labels.js';

export interface NamespaceLabelSource {
  /** The namespace's labels, or undefined when unknown. */
  labels(name: string): Labels | undefined;
  /** The first full list has been received. */
  synced(): boolean;
  stop(): Promise<void>;
}

/** Fixed labels (tests, the bench, `webhook review` offline). */
export function staticNamespaces(map: Record<string, Labels>): NamespaceLabelSource {
  return { labels: (n) => map[n], synced: () => true, stop: async () => undefined };
}

export const NO_NAMESPACES: NamespaceLabelSource = { labels: () => undefined, synced: () => false, stop: async () => undefined };

export interface WatchOptions {
  /** A kubeconfig file; undefined = in-cluster ServiceAccount. */
  kubeconfig?: string;
  onError?: (message: string) => void;
  onSynced?: (count: number) => void;
  /** Delay before re-listing after the watch fails. */
  retryMs?: number;
}

/** Watches Namespaces. Resolves once started; `synced()` turns true after the first list. */
export function watchNamespaces(opts: WatchOptions): NamespaceLabelSource & { started: Promise<void> } {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromCluster();
  const api = kc.makeApiClient(CoreV1Api);
  const labels = new Map<string, Labels>();
  let synced = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const informer = makeInformer<V1Namespace>(kc, '/api/v1/namespaces', () => api.listNamespace());
  const put = (ns: V1Namespace) => {
    const name = ns.metadata?.name;
    if (name) labels.set(name, { ...(ns.metadata?.labels ?? {}) });
  };
  informer.on('add', put);
  informer.on('update', put);
  informer.on('delete', (ns) => {
    if (ns.metadata?.name) labels.delete(ns.metadata.name);
  });
  const start = async (): Promise<void> => {
    try {
      await informer.start();
      if (!synced) {
        synced = true;
        opts.onSynced?.(labels.size);
      }
    } catch (e) {
      onError(e);
    }
  };
  const onError = (e: unknown) => {
    if (stopped) return;
    // Only the message: errors from the client can carry request details, never payloads we log.
    opts.onError?.(e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e));
    clearTimeout(retry);
    retry = setTimeout(() => void start(), opts.retryMs ?? 5000);
    retry.unref();
  };
  informer.on('error', onError);
  const started = start();
  return {
    started,
    labels: (n) => labels.get(n),
    synced: () => synced,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await informer.stop();
    },
  };
}
