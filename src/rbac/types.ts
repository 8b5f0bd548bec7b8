/**
 * The RBAC model: normalised Roles, ClusterRoles, bindings and the request attributes the
 * authorizer evaluates. Shapes follow `k8s.io/api/rbac/v1` and `authorizer.Attributes`.
 */
import type { LoadedObject } from '../load/types.js';

/** A PolicyRule with every list present (absent or null lists become []). */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

/** Where an RBAC object came from: the scanned input, the bundled bootstrap policy, or a live cluster. */
export type Origin = 'input' | 'builtin' | 'live';

/** Where a rule of a role came from: for aggregated ClusterRoles, the role it was aggregated from. */
export interface RuleOrigin {
  role: string;
  index: number;
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Set for Roles only. */
  namespace?: string;
  labels: Readonly<Record<string, string>>;
  /** Effective rules (after aggregation for aggregated ClusterRoles). */
  rules: PolicyRule[];
  /** The rules as written in the object. */
  declaredRules: PolicyRule[];
  /** For rules[i]: the role and index it came from (aggregated roles), else this role. */
  ruleOrigins: RuleOrigin[];
  aggregationRule?: { clusterRoleSelectors: unknown[] };
  origin: Origin;
  loaded?: LoadedObject;
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Set for RoleBindings only. */
  namespace?: string;
  roleRef: RoleRef;
  subjects: Subject[];
  /** metadata.labels (system and add-on bindings are recognised by them). */
  labels?: Readonly<Record<string, string>>;
  origin: Origin;
  loaded?: LoadedObject;
}

/** The identity a request is made as (user.Info). */
export interface UserInfo {
  name: string;
  groups: string[];
}

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  /** '' for cluster-scoped requests (and "all namespaces"). */
  namespace: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function resourceRequest(
  verb: string,
  resource: string,
  opts: { apiGroup?: string; subresource?: string; name?: string; namespace?: string } = {},
): ResourceAttributes {
  return {
    resourceRequest: true,
    verb,
    apiGroup: opts.apiGroup ?? '',
    resource,
    subresource: opts.subresource ?? '',
    name: opts.name ?? '',
    namespace: opts.namespace ?? '',
  };
}

export function nonResourceRequest(verb: string, path: string): NonResourceAttributes {
  return { resourceRequest: false, verb, path };
}

/** Human form of a request: `get pods/log "web" in ns1`, `get /healthz`. */
export function describeRequest(a: RequestAttributes): string {
  if (!a.resourceRequest) return `${a.verb} ${a.path}`;
  const res = `${a.resource}${a.apiGroup ? `.${a.apiGroup}` : ''}${a.subresource ? `/${a.subresource}` : ''}`;
  const name = a.name ? ` "${a.name}"` : '';
  const ns = a.namespace ? ` in namespace ${a.namespace}` : ' (cluster-wide)';
  return `${a.verb} ${res}${name}${ns}`;
}

/** `Kind "name"` or `Kind "ns/name"`. */
export function describeObject(o: { kind: string; name: string; namespace?: string }): string {
  return `${o.kind} "${o.namespace ? `${o.namespace}/` : ''}${o.name}"`;
}

export function describeSubject(s: Subject): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.namespace ?? ''}:${s.name}"`;
  return `${s.kind} "${s.name}"`;
}
