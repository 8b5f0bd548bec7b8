/**
 * Which cluster and credentials: the kubeconfig the way kubectl finds it (--kubeconfig,
 * $KUBECONFIG, ~/.kube/config, else the pod's in-cluster config), never client-node's silent
 * fallback to http://localhost:8080. Every live feature loads it here, so a missing or broken
 * configuration reads the same everywhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export class KubeconfigError extends Error {
  constructor(
    message: string,
    /** none: no configuration at all; unreadable: a file that cannot be read; context: a context or cluster missing. */
    readonly reason: 'none' | 'unreadable' | 'context',
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the credentials come from, in the order kubectl looks. */
function configSource(opts: { kubeconfig?: string }): 'file' | 'env' | 'home' | 'in-cluster' | undefined {
  if (opts.kubeconfig) return 'file';
  if (process.env.KUBECONFIG) return 'env';
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home && existsSync(join(home, '.kube', 'config'))) return 'home';
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICEACCOUNT_TOKEN)) return 'in-cluster';
  return undefined;
}

export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): KubeConfig {
  const source = configSource(opts);
  if (!source) throw new KubeconfigError('no Kubernetes configuration: $KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod; give --kubeconfig FILE', 'none');
  const kc = new KubeConfig();
  try {
    if (source === 'file') kc.loadFromFile(opts.kubeconfig as string);
    else if (source === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (e) {
    const where = source === 'file' ? (opts.kubeconfig as string) : source === 'env' ? `$KUBECONFIG (${process.env.KUBECONFIG})` : source === 'home' ? '~/.kube/config' : 'the in-cluster configuration';
    const code = (e as NodeJS.ErrnoException).code;
    throw new KubeconfigError(`cannot read the kubeconfig ${where}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message.split('\n')[0]}`, 'unreadable');
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeconfigError(`context "${opts.context}" is not in the kubeconfig${known.length ? ` (it has: ${known.join(', ')})` : ''}`, 'context');
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()?.server) throw new KubeconfigError(`the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster with a server: give --context`, 'context');
  return kc;
}
