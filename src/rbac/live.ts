/**
 * Live mode: reads Roles, ClusterRoles, bindings, ServiceAccounts, pods (and CRDs, for resource
 * names) from a cluster through the shared client (src/cluster: the kubeconfig as kubectl finds
 * it, paged lists that survive an expired continue token, retries of transient failures). A
 * list the caller may not make is reported with what it means for the answers. Live
 * ClusterRoles already carry the rules the aggregation controller computed.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { clientFor, type ClusterClient } from '../cluster/client.js';
import { ClusterError } from '../cluster/errors.js';
import { KubeconfigError, loadKubeConfig as loadConfig } from '../cluster/kubeconfig.js';
import { listPages } from '../cluster/list.js';
import type { ResourceRef } from '../cluster/discovery.js';
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

/** The kubeconfig (src/cluster/kubeconfig.ts), its problems as LiveErrors. */
export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): KubeConfig {
  try {
    return loadConfig(opts);
  } catch (e) {
    if (!(e instanceof KubeconfigError)) throw e;
    throw new LiveError(e.reason === 'none' ? `${e.message} (or read RBAC objects offline with -f PATH)` : e.message);
  }
}

/** `cluster "NAME" (context "CTX", https://server)`: what every live error names. */
export function clusterName(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  return `cluster "${cluster?.name ?? '?'}" (context "${kc.getCurrentContext()}", ${cluster?.server ?? 'no server'})`;
}

/** A failure of the shared client in words: HTTP status, network, TLS. */
export function describeFailure(e: unknown): Failure {
  if (!(e instanceof ClusterError)) return { kind: 'other', text: (e as Error).message ?? String(e) };
  const detail = e.detail.replace(/^HTTP \d+: /, '');
  switch (e.reason) {
    case 'unauthorized':
      return { kind: 'unauthorized', text: 'unauthorized (401): the API server rejected the credentials of the kubeconfig user' };
    case 'forbidden':
      return { kind: 'forbidden', text: `forbidden (403): ${detail}` };
    case 'unreachable':
      return e.detail.startsWith('TLS:') ? { kind: 'tls', text: e.detail } : { kind: 'unreachable', text: e.detail };
    default:
      return { kind: 'other', text: e.detail };
  }
}

const rbacGroup = (resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, kind, namespaced, verbs: ['list'] });
const core = (resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group: '', version: 'v1', resource, kind, namespaced, verbs: ['list'] });

/** What each live resource is, for the shared client's paged list. */
const RESOURCES: Record<LiveResource, ResourceRef> = {
  clusterroles: rbacGroup('clusterroles', 'ClusterRole', false),
  clusterrolebindings: rbacGroup('clusterrolebindings', 'ClusterRoleBinding', false),
  roles: rbacGroup('roles', 'Role', true),
  rolebindings: rbacGroup('rolebindings', 'RoleBinding', true),
  serviceaccounts: core('serviceaccounts', 'ServiceAccount', true),
  namespaces: core('namespaces', 'Namespace', false),
  pods: core('pods', 'Pod', true),
  customresourcedefinitions: { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: ['list'] },
};

async function listAll(client: ClusterClient, resource: LiveResource, limit: number, namespace?: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const page of listPages(client, { resource: RESOURCES[resource], limit, ...(namespace !== undefined ? { namespace } : {}) })) for (const item of page.items) out.push(item);
  return out;
}

/** The client for a loaded kubeconfig; its problems (unreadable certificate files) as LiveErrors. */
async function clientOf(kc: KubeConfig): Promise<ClusterClient> {
  try {
    return await clientFor(kc);
  } catch (e) {
    throw new LiveError(`cannot read ${clusterName(kc)}: ${(e as Error).message}`);
  }
}

/**
 * Reads the lists. A failure that is the cluster's as a whole (unreachable, TLS, credentials
 * refused) throws LiveError naming the cluster and the cause; a list the caller may not make
 * (forbidden) is returned in `failures` for the command to refuse or, with consent, report.
 */
export async function loadLive(opts: LiveOptions = {}): Promise<LiveLoad> {
  const kc = loadKubeConfig(opts);
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
  const all = Object.keys(RESOURCES) as LiveResource[];
  const wanted = new Set(opts.resources ?? all);
  if (opts.pods === false) wanted.delete('pods');
  const lists = all.filter((r) => wanted.has(r));
  const add = (resource: LiveResource, items: readonly Record<string, unknown>[]) => {
    for (const obj of items) {
      if (resource === 'customresourcedefinitions') result.crds.push(obj);
      else result.inputs.push({ object: obj, origin: 'live' });
    }
  };

  const client = await clientOf(kc);
  try {
    const settled = await Promise.allSettled(lists.map((r) => listAll(client, r, limit)));
    const namespacedFallback: LiveResource[] = [];
    settled.forEach((s, i) => {
      const resource = lists[i];
      if (s.status === 'fulfilled') return add(resource, s.value);
      const failure = describeFailure(s.reason);
      // Not one list's problem: the cluster cannot be read at all.
      if (failure.kind !== 'forbidden' && failure.kind !== 'other') throw new LiveError(`cannot read ${clusterName(kc)}: ${failure.text}`);
      result.failures.push({ ...failure, resource, namespace: '', consequence: CONSEQUENCE[resource] });
      if (failure.kind === 'forbidden' && (resource === 'roles' || resource === 'rolebindings')) namespacedFallback.push(resource);
      if ((RBAC_RESOURCES as readonly string[]).includes(resource)) result.rbacComplete = false;
      if (resource === 'serviceaccounts') result.serviceAccountsComplete = false;
    });

    // Cannot list across namespaces: the context's namespace alone can still be read (used only
    // when the user accepts an incomplete answer).
    for (const resource of namespacedFallback) {
      const ns = result.namespace;
      try {
        add(resource, await listAll(client, resource, limit, ns));
        const f = result.failures.find((x) => x.resource === resource && x.namespace === '');
        if (f) f.consequence += ` (namespace ${ns} was read: answers about it are complete for ${resource})`;
      } catch (e) {
        result.failures.push({ ...describeFailure(e), resource, namespace: ns, consequence: CONSEQUENCE[resource] });
      }
    }
  } finally {
    client.close();
  }
  return result;
}

/** POSTs a review object and returns its status; failures are LiveErrors saying what was asked. */
async function review<T>(opts: { kubeconfig?: string; context?: string }, path: string, body: unknown, what: string): Promise<T> {
  const kc = loadKubeConfig(opts);
  const client = await clientOf(kc);
  const spec = { path, what, method: 'POST' as const, body: JSON.stringify(body), retry: true };
  try {
    return client.json<{ status?: T }>(spec, await client.request(spec)).status ?? ({} as T);
  } catch (e) {
    throw new LiveError(`cannot ask ${clusterName(kc)} ${what}: ${describeFailure(e).text}`);
  } finally {
    client.close();
  }
}

/** Who the kubeconfig's credentials authenticate as (SelfSubjectReview, allowed for everyone). */
export async function whoAmI(opts: { kubeconfig?: string; context?: string }): Promise<UserInfo> {
  const status = await review<{ userInfo?: { username?: string; groups?: string[] } }>(
    opts,
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    'who the kubeconfig user is (SelfSubjectReview; give --as)',
  );
  return { name: status.userInfo?.username ?? '', groups: status.userInfo?.groups ?? [] };
}

/** Asks the cluster's own authorizer (SubjectAccessReview) — used by --verify and the e2e test. */
export async function subjectAccessReview(opts: { kubeconfig?: string; context?: string }, user: UserInfo, attrs: RequestAttributes): Promise<{ allowed: boolean; reason: string; denied: boolean }> {
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
  const status = await review<{ allowed?: boolean; reason?: string; denied?: boolean }>(
    opts,
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    '(SubjectAccessReview, --verify)',
  );
  return { allowed: status.allowed === true, reason: status.reason ?? '', denied: status.denied === true };
}

/** `clusterroles in all namespaces` / `roles in namespace x`. */
export function failureWhat(f: ListFailure): string {
  return `${f.resource}${f.namespace ? ` in namespace ${f.namespace}` : ' in all namespaces'}`;
}
