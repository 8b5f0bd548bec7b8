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
import type { RbacInput } from './policy.js';
import type { RequestAttributes, UserInfo } from './types.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Also read pods (to expand ServiceAccounts to workloads). Default true. */
  pods?: boolean;
  pageSize?: number;
}

export interface ForbiddenList {
  resource: string;
  /** '' = all namespaces. */
  namespace: string;
  /** What the missing list means for the answers. */
  consequence: string;
}

export interface LiveLoad {
  inputs: RbacInput[];
  /** CustomResourceDefinitions (for resolving resource names). */
  crds: unknown[];
  forbidden: ForbiddenList[];
  errors: string[];
  /** The context's namespace (kubectl's default for -n). */
  namespace: string;
  server: string;
  context: string;
  /** True when Roles, ClusterRoles and both binding kinds were all listed completely. */
  rbacComplete: boolean;
  serviceAccountsComplete: boolean;
}

const CONSEQUENCE: Record<string, string> = {
  clusterroles: 'ClusterRoles are unknown: bindings to them look dangling and grant nothing here, so answers may say "no" where the cluster says "yes"',
  clusterrolebindings: 'cluster-wide grants are unknown: answers may say "no" where the cluster says "yes" and who-can misses subjects',
  roles: 'namespaced Roles are unknown: RoleBindings to them grant nothing here, so answers may say "no" where the cluster says "yes"',
  rolebindings: 'namespaced grants are unknown: answers may say "no" where the cluster says "yes" and who-can misses subjects',
  serviceaccounts: 'ServiceAccounts are unknown: bindings cannot be checked for missing ServiceAccounts (answers themselves are unaffected)',
  pods: 'pods are unknown: ServiceAccounts are not expanded to the workloads running as them (answers themselves are unaffected)',
  namespaces: 'Namespaces are unknown (answers are unaffected)',
  customresourcedefinitions: 'custom resource names cannot be resolved; give them as resource.group (answers are unaffected)',
};

export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`context "${opts.context}" not found in kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no cluster in kubeconfig (use --kubeconfig/--context, or run in a pod)');
  return kc;
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

/** client-node models → plain JSON as the API server sent it (dates back to strings). */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

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
    forbidden: [],
    errors: [],
    namespace: ctx?.namespace || 'default',
    server: kc.getCurrentCluster()?.server ?? '',
    context: kc.getCurrentContext(),
    rbacComplete: true,
    serviceAccountsComplete: true,
  };
  const lists: Array<{ resource: string; kind: string; fetch: (cont: string | undefined) => Promise<Page> }> = [
    { resource: 'clusterroles', kind: 'ClusterRole', fetch: (c) => rbac.listClusterRole({ limit, _continue: c }) as Promise<Page> },
    { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', fetch: (c) => rbac.listClusterRoleBinding({ limit, _continue: c }) as Promise<Page> },
    { resource: 'roles', kind: 'Role', fetch: (c) => rbac.listRoleForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'rolebindings', kind: 'RoleBinding', fetch: (c) => rbac.listRoleBindingForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'serviceaccounts', kind: 'ServiceAccount', fetch: (c) => core.listServiceAccountForAllNamespaces({ limit, _continue: c }) as Promise<Page> },
    { resource: 'namespaces', kind: 'Namespace', fetch: (c) => core.listNamespace({ limit, _continue: c }) as Promise<Page> },
  ];
  if (opts.pods !== false) lists.push({ resource: 'pods', kind: 'Pod', fetch: (c) => core.listPodForAllNamespaces({ limit, _continue: c }) as Promise<Page> });
  lists.push({ resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', fetch: (c) => ext.listCustomResourceDefinition({ limit, _continue: c }) as Promise<Page> });

  const settled = await Promise.allSettled(lists.map((l) => listAll(l.fetch)));
  const namespacedFallback: Array<{ resource: string; kind: string }> = [];
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
    const code = errorCode(s.reason);
    if (code === 403 || code === 401) {
      result.forbidden.push({ resource: l.resource, namespace: '', consequence: CONSEQUENCE[l.resource] ?? 'the answer may be incomplete' });
      if (l.resource === 'roles' || l.resource === 'rolebindings') namespacedFallback.push(l);
    } else result.errors.push(`listing ${l.resource}: ${message(s.reason)}`);
    if (['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'].includes(l.resource)) result.rbacComplete = false;
    if (l.resource === 'serviceaccounts') result.serviceAccountsComplete = false;
  });

  // Cannot list across namespaces: try the context's namespace alone.
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
      const f = result.forbidden.find((x) => x.resource === l.resource && x.namespace === '');
      if (f) f.consequence += ` (namespace ${ns} was read: answers about it are complete for ${l.resource})`;
    } catch (e) {
      const code = errorCode(e);
      if (code === 403 || code === 401) result.forbidden.push({ resource: l.resource, namespace: ns, consequence: CONSEQUENCE[l.resource] });
      else result.errors.push(`listing ${l.resource} in ${ns}: ${message(e)}`);
    }
  }
  return result;
}

/** Who the kubeconfig's credentials authenticate as (SelfSubjectReview, allowed for everyone). */
export async function whoAmI(opts: { kubeconfig?: string; context?: string }): Promise<UserInfo> {
  const kc = loadKubeConfig(opts);
  const api = kc.makeApiClient(AuthenticationV1Api);
  const r = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
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
  const r = await api.createSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
  return { allowed: r.status?.allowed === true, reason: r.status?.reason ?? '', denied: r.status?.denied === true };
}

export function forbiddenText(f: ForbiddenList): string {
  return `cannot list ${f.resource}${f.namespace ? ` in namespace ${f.namespace}` : ' in all namespaces'}: ${f.consequence}`;
}
