/**
 * Live mode: reads Roles, ClusterRoles, bindings, ServiceAccounts, pods (and CRDs, for resource
 * names) from a cluster with @kubernetes/client-node — kubeconfig, context or in-cluster config —
 * paginated. A list the caller may not make is reported with what it means for the answers.
 * Live ClusterRoles already carry the rules the aggregation controller computed.
 */
import {
  ApiextensionsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RbacInput } from './policy.js';
import type { RequestAttributes, UserInfo } from './types.js';

/** Lists live mode can read; commands ask for the ones their answer depends on. */
export type LiveResource = 'clusterroles' | 'clusterrolebindings' | 'roles' | 'rolebindings' | 'serviceaccounts' | 'namespaces' | 'pods' | 'customresourcedefinitions';

/** The RBAC objects themselves: without all four, no answer is trustworthy. */
export const RBAC_RESOURCES: readonly LiveResource[] = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'];

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** What to read (default: everything). */
  resources?: readonly LiveResource[];
  /** Also read pods (to expand ServiceAccounts to workloads). Default true. */
  pods?: boolean;
  pageSize?: number;
}

/** Why something could not be read, sorted into what the user can do about it. */
export interface Failure {
  kind: 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'other';
  text: string;
}

/** A list that failed. */
export interface ListFailure extends Failure {
  resource: LiveResource;
  /** '' = all namespaces. */
  namespace: string;
  /** What the missing list means for the answers. */
  consequence: string;
}

/** The cluster could not be read at all (no configuration, unreachable, TLS, credentials refused). */
export class LiveError extends Error {}

export interface LiveLoad {
  inputs: RbacInput[];
  /** CustomResourceDefinitions (for resolving resource names). */
  crds: unknown[];
  /** Lists that could not be read (each cluster-wide failure, then the namespace fallback's). */
  failures: ListFailure[];
  /** The context's namespace (kubectl's default for -n). */
  namespace: string;
  server: string;
  context: string;
  cluster: string;
  /** True when Roles, ClusterRoles and both binding kinds were all listed completely. */
  rbacComplete: boolean;
  serviceAccountsComplete: boolean;
}

const CONSEQUENCE: Record<LiveResource, string> = {
  clusterroles: 'ClusterRoles are unknown: bindings to them look dangling and grant nothing here, so answers may say "no" where the cluster says "yes"',
  clusterrolebindings: 'cluster-wide grants are unknown: answers may say "no" where the cluster says "yes" and who-can misses subjects',
  roles: 'namespaced Roles are unknown: RoleBindings to them grant nothing here, so answers may say "no" where the cluster says "yes"',
  rolebindings: 'namespaced grants are unknown: answers may say "no" where the cluster says "yes" and who-can misses subjects',
  serviceaccounts: 'ServiceAccounts are unknown: bindings cannot be checked for missing ServiceAccounts',
  pods: 'pods are unknown: ServiceAccounts are not expanded to the workloads running as them',
  namespaces: 'Namespaces are unknown',
  customresourcedefinitions: 'custom resource names cannot be resolved; give them as resource.group',
};

/** Where the credentials come from, in the order kubectl looks (no silent http://localhost:8080). */
function configSource(opts: { kubeconfig?: string }): 'file' | 'env' | 'home' | 'in-cluster' | undefined {
  if (opts.kubeconfig) return 'file';
  if (process.env.KUBECONFIG) return 'env';
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home && existsSync(join(home, '.kube', 'config'))) return 'home';
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICEACCOUNT_TOKEN)) return 'in-cluster';
  return undefined;
}

const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): KubeConfig {
  const source = configSource(opts);
  if (!source) {
    throw new LiveError(
      'no Kubernetes configuration: $KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod; give --kubeconfig FILE (or read RBAC objects offline with -f PATH)',
    );
  }
  const kc = new KubeConfig();
  try {
    if (source === 'file') kc.loadFromFile(opts.kubeconfig as string);
    else if (source === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (e) {
    const where = source === 'file' ? (opts.kubeconfig as string) : source === 'env' ? `$KUBECONFIG (${process.env.KUBECONFIG})` : '~/.kube/config';
    const code = (e as NodeJS.ErrnoException).code;
    throw new LiveError(`cannot read the kubeconfig ${where}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message.split('\n')[0]}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new LiveError(`context "${opts.context}" not found in the kubeconfig${known.length ? ` (contexts: ${known.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new LiveError(`the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster: give --context`);
  return kc;
}

/** `cluster "NAME" (context "CTX", https://server)`: what every live error names. */
export function clusterName(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  return `cluster "${cluster?.name ?? '?'}" (context "${kc.getCurrentContext()}", ${cluster?.server ?? 'no server'})`;
}

interface Page {
  items: unknown[];
  metadata?: { _continue?: string };
}

function errorCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'number' ? c : undefined;
}

function message(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const m = (JSON.parse(body) as { message?: unknown }).message;
      if (typeof m === 'string') return m;
    } catch {
      /* not JSON */
    }
  }
  return (e as Error).message ?? String(e);
}

const TLS_CODES = /^(?:SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_\w+|ERR_TLS_\w+|ERR_SSL_\w+|EPROTO)$/;
const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the API server running, and is the server address right?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Any client-node failure in words: HTTP status, network, TLS. */
export function describeFailure(e: unknown): Failure {
  const status = errorCode(e);
  if (status === 401) return { kind: 'unauthorized', text: 'unauthorized (401): the API server rejected the credentials of the kubeconfig user' };
  if (status === 403) return { kind: 'forbidden', text: `forbidden (403): ${message(e)}` };
  if (status !== undefined) return { kind: 'other', text: `HTTP ${status}: ${message(e)}` };
  const err = e as { code?: unknown; cause?: { code?: unknown }; message?: string };
  const code = [err.code, err.cause?.code].find((c): c is string => typeof c === 'string');
  const text = String(err.message ?? e).replace(/^request to \S+ failed, reason: /, '');
  if (code && TLS_CODES.test(code)) return { kind: 'tls', text: `TLS: ${text} (${code}): the server's certificate is not trusted with the kubeconfig's certificate-authority` };
  if (/certificate|TLS|SSL/i.test(text)) return { kind: 'tls', text: `TLS: ${text}: check certificate-authority in the kubeconfig` };
  const net = code ? NETWORK[code] : Object.entries(NETWORK).find(([c]) => text.includes(c))?.[1];
  if (net) return { kind: 'unreachable', text: net };
  return { kind: 'other', text };
}

async function listAll(fetch: (cont: string | undefined) => Promise<Page>): Promise<unknown[]> {
  const out: unknown[] = [];
  let cont: string | undefined;
  do {
    const page = await fetch(cont);
    for (const item of page.items) out.push(item);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return out;
}

/** client-node models → plain JSON as the API server sent it (dates back to strings). */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

/**
 * Reads the lists. A failure that is the cluster's as a whole (unreachable, TLS, credentials
 * refused) throws LiveError naming the cluster and the cause; a list the caller may not make
 * (forbidden) is returned in `failures` for the command to refuse or, with consent, report.
 */
export async function loadLive(opts: LiveOptions = {}): Promise<LiveLoad> {
  const kc = loadKubeConfig(opts);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const limit = opts.pageSize ?? 500;
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const result: LiveLoad = {
    inputs: [],
    crds: [],
    failures: [],
    namespace: ctx?.namespace || 'default',
    server: kc.getCurrentCluster()?.server ?? '',
    context: kc.getCurrentContext(),
    cluster: kc.getCurrentCluster()?.name ?? '',
    rbacComplete: true,
    serviceAccountsComplete: true,
  };
  const all: Array<{ resource: LiveResource; kind: string; fetch: (cont: string | undefined) => Promise<Page> }> = [
    { resource: 'clusterroles', kind: 'ClusterRole', fetch: (c) => rbac.listClusterRole({ limit, _continue: c }) as Promise<Page> },
    { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', fetch: (c) => rbac.listClusterRoleBinding({ limit, _continue: c }) as Promise<Page> },
    { resource: 'roles', kind: 'Role', fetch: (c) => rbac.listRoleForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'rolebindings', kind: 'RoleBinding', fetch: (c) => rbac.listRoleBindingForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'serviceaccounts', kind: 'ServiceAccount', fetch: (c) => core.listServiceAccountForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'namespaces', kind: 'Namespace', fetch: (c) => core.listNamespace({ limit, _continue: c }) as Promise<Page> },
    { resource: 'pods', kind: 'Pod', fetch: (c) => core.listPodForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', fetch: (c) => ext.listCustomResourceDefinition({ limit, _continue: c }) as Promise<Page> },
  ];
  const wanted = new Set(opts.resources ?? all.map((l) => l.resource));
  if (opts.pods === false) wanted.delete('pods');
  const lists = all.filter((l) => wanted.has(l.resource));

  const settled = await Promise.allSettled(lists.map((l) => listAll(l.fetch)));
  const namespacedFallback: typeof lists = [];
  settled.forEach((s, i) => {
    const l = lists[i];
    if (s.status === 'fulfilled') {
      for (const item of s.value) {
        const obj = plain(item) as Record<string, unknown>;
        obj.kind = l.kind;
        if (l.kind === 'CustomResourceDefinition') result.crds.push(obj);
        else result.inputs.push({ object: obj, origin: 'live' });
      }
      return;
    }
    const failure = describeFailure(s.reason);
    // Not one list's problem: the cluster cannot be read at all.
    if (failure.kind !== 'forbidden' && failure.kind !== 'other') throw new LiveError(`cannot read ${clusterName(kc)}: ${failure.text}`);
    result.failures.push({ ...failure, resource: l.resource, namespace: '', consequence: CONSEQUENCE[l.resource] });
    if (failure.kind === 'forbidden' && (l.resource === 'roles' || l.resource === 'rolebindings')) namespacedFallback.push(l);
    if ((RBAC_RESOURCES as readonly string[]).includes(l.resource)) result.rbacComplete = false;
    if (l.resource === 'serviceaccounts') result.serviceAccountsComplete = false;
  });

  // Cannot list across namespaces: the context's namespace alone can still be read (used only
  // when the user accepts an incomplete answer).
  for (const l of namespacedFallback) {
    const ns = result.namespace;
    try {
      const items = await listAll((c) =>
        (l.kind === 'Role' ? rbac.listNamespacedRole({ namespace: ns, limit, _continue: c }) : rbac.listNamespacedRoleBinding({ namespace: ns, limit, _continue: c })) as Promise<Page>,
      );
      for (const item of items) {
        const obj = plain(item) as Record<string, unknown>;
        obj.kind = l.kind;
        result.inputs.push({ object: obj, origin: 'live' });
      }
      const f = result.failures.find((x) => x.resource === l.resource && x.namespace === '');
      if (f) f.consequence += ` (namespace ${ns} was read: answers about it are complete for ${l.resource})`;
    } catch (e) {
      result.failures.push({ ...describeFailure(e), resource: l.resource, namespace: ns, consequence: CONSEQUENCE[l.resource] });
    }
  }
  return result;
}

/** Who the kubeconfig's credentials authenticate as (SelfSubjectReview, allowed for everyone). */
export async function whoAmI(opts: { kubeconfig?: string; context?: string }): Promise<UserInfo> {
  const kc = loadKubeConfig(opts);
  const api = kc.makeApiClient(AuthenticationV1Api);
  let r;
  try {
    r = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  } catch (e) {
    throw new LiveError(`cannot ask ${clusterName(kc)} who the kubeconfig user is (SelfSubjectReview): ${describeFailure(e).text}; give --as`);
  }
  const ui = r.status?.userInfo;
  return { name: ui?.username ?? '', groups: ui?.groups ?? [] };
}

/** Asks the cluster's own authorizer (SubjectAccessReview) — used by --verify and the e2e test. */
export async function subjectAccessReview(opts: { kubeconfig?: string; context?: string }, user: UserInfo, attrs: RequestAttributes): Promise<{ allowed: boolean; reason: string; denied: boolean }> {
  const kc = loadKubeConfig(opts);
  const api = kc.makeApiClient(AuthorizationV1Api);
  const spec = attrs.resourceRequest
    ? {
        user: user.name,
        groups: user.groups,
        resourceAttributes: {
          verb: attrs.verb,
          group: attrs.apiGroup,
          resource: attrs.resource,
          subresource: attrs.subresource,
          name: attrs.name,
          namespace: attrs.namespace,
        },
      }
    : { user: user.name, groups: user.groups, nonResourceAttributes: { verb: attrs.verb, path: attrs.path } };
  let r;
  try {
    r = await api.createSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
  } catch (e) {
    throw new LiveError(`cannot ask ${clusterName(kc)} (SubjectAccessReview, --verify): ${describeFailure(e).text}`);
  }
  return { allowed: r.status?.allowed === true, reason: r.status?.reason ?? '', denied: r.status?.denied === true };
}

/** `clusterroles in all namespaces` / `roles in namespace x`. */
export function failureWhat(f: ListFailure): string {
  return `${f.resource}${f.namespace ? ` in namespace ${f.namespace}` : ' in all namespaces'}`;
}
