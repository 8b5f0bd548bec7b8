/**
 * An RBAC policy: Roles, ClusterRoles and bindings normalised from raw objects, ClusterRole
 * aggregation computed, bindings resolved to their roles and indexed by the user names and
 * groups their subjects match (so a request only visits the bindings that can apply to it).
 */
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString, isMap } from '../k8s/json.js';
import { findPodSpecs } from '../k8s/pod-spec.js';
import { aggregateClusterRoles, type AggregationResult } from './aggregate.js';
import { subjectUsername } from './identity.js';
import type { Origin, PolicyRule, RbacBinding, RbacRole, RoleRef, Subject } from './types.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** Kinds the policy reads besides RBAC objects. */
export const CONTEXT_KINDS = new Set(['ServiceAccount', 'Namespace']);

export interface RbacInput {
  /** The raw object (apiVersion, kind, metadata, rules/subjects/roleRef…). */
  object: unknown;
  origin: Origin;
  loaded?: LoadedObject;
}

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  automountServiceAccountToken?: boolean;
  /** metadata.annotations (cloud workload identities are declared there). */
  annotations?: Readonly<Record<string, string>>;
  origin: Origin;
  loaded?: LoadedObject;
}

/** Something that runs pods as a ServiceAccount. */
export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  serviceAccountName: string;
  /** For live pods: the controlling owner (e.g. ReplicaSet "web-7d9c"). */
  owner?: { kind: string; name: string };
  loaded?: LoadedObject;
}

export interface PolicyOptions {
  /** Compute ClusterRole aggregation (offline). Live clusters already store aggregated rules. */
  aggregate?: boolean;
  /** A user that is always allowed (the API server's --authorization superuser; tests only). */
  superUser?: string;
  /** Namespace for namespaced RBAC objects that have none (what `kubectl apply` would use). */
  defaultNamespace?: string;
}

export interface ResolvedBinding {
  binding: RbacBinding;
  role: RbacRole | undefined;
  /** Why the binding grants nothing (missing or invalid roleRef). */
  error?: string;
}

export function normaliseRule(v: unknown): PolicyRule {
  const m = asMap(v) ?? {};
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return {
    verbs: list(m.verbs),
    apiGroups: list(m.apiGroups),
    resources: list(m.resources),
    resourceNames: list(m.resourceNames),
    nonResourceURLs: list(m.nonResourceURLs),
  };
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const m = asMap(v);
  if (m) for (const [k, val] of Object.entries(m)) if (typeof val === 'string') out[k] = val;
  return out;
}

function normaliseSubject(v: unknown): Subject | undefined {
  const m = asMap(v);
  if (!m) return undefined;
  const s: Subject = { kind: asString(m.kind) ?? '', name: asString(m.name) ?? '' };
  const ns = asString(m.namespace);
  if (ns) s.namespace = ns;
  const g = asString(m.apiGroup);
  if (g !== undefined) s.apiGroup = g;
  return s;
}

function normaliseRoleRef(v: unknown): RoleRef {
  const m = asMap(v) ?? {};
  const r: RoleRef = { kind: asString(m.kind) ?? '', name: asString(m.name) ?? '' };
  const g = asString(m.apiGroup);
  if (g !== undefined) r.apiGroup = g;
  return r;
}

export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/**
 * Bindings of one scope indexed by the user names and groups their subjects match. Lists hold
 * binding positions in ascending (binding) order, so a request visits only the bindings that
 * apply to it, in the authorizer's order. `rules[i]` is the effective rules of binding i's role
 * (undefined when the role is missing).
 */
export interface BindingIndex {
  byUser: Map<string, number[]>;
  byGroup: Map<string, number[]>;
  rules: Array<PolicyRule[] | undefined>;
}

function emptyIndex(): BindingIndex {
  return { byUser: new Map(), byGroup: new Map(), rules: [] };
}

function addTo(index: Map<string, number[]>, key: string, i: number): void {
  const list = index.get(key);
  if (!list) index.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

function buildIndex(bindings: readonly RbacBinding[], resolved: readonly ResolvedBinding[], bindingNamespace: string): BindingIndex {
  const idx = emptyIndex();
  bindings.forEach((b, i) => {
    idx.rules.push(resolved[i].role?.rules);
    for (const s of b.subjects) {
      if (s.kind === 'Group') addTo(idx.byGroup, s.name, i);
      else {
        const u = subjectUsername(s, bindingNamespace);
        if (u !== undefined) addTo(idx.byUser, u, i);
      }
    }
  });
  return idx;
}

export class RbacPolicy {
  readonly clusterRoles = new Map<string, RbacRole>();
  /** Roles by namespace/name key. */
  readonly roles = new Map<string, RbacRole>();
  readonly clusterRoleBindings: RbacBinding[] = [];
  readonly roleBindings: RbacBinding[] = [];
  readonly roleBindingsByNamespace = new Map<string, RbacBinding[]>();
  readonly serviceAccounts = new Map<string, ServiceAccountInfo>();
  readonly namespaces = new Set<string>();
  /** Namespaces that have Namespace objects (or were listed live). */
  readonly declaredNamespaces = new Set<string>();
  readonly workloads: Workload[] = [];
  /** Secrets of the input (names and types only: values are never kept), by namespace/name. */
  readonly secrets = new Map<string, { namespace: string; name: string; type: string; serviceAccount?: string }>();
  /** Labels of Namespace objects (Pod Security enforcement levels live there). */
  readonly namespaceLabels = new Map<string, Readonly<Record<string, string>>>();
  readonly warnings: string[] = [];
  /** Named bindings by kind, namespace and name: a binding applied again replaces the earlier one without a search. */
  readonly #bindingByKey = new Map<string, RbacBinding>();
  readonly superUser: string | undefined;
  /** True when the policy holds every Role/ClusterRole of a cluster (live, lists allowed). */
  complete = false;
  aggregation: AggregationResult = { passes: 0, warnings: [], cycles: [] };

  /** Resolved role of clusterRoleBindings[i]. */
  crbResolved: ResolvedBinding[] = [];
  /** Per namespace: resolved role of roleBindingsByNamespace.get(ns)[i]. */
  rbResolved = new Map<string, ResolvedBinding[]>();
  crbIndex: BindingIndex = emptyIndex();
  rbIndex = new Map<string, BindingIndex>();

  constructor(opts: PolicyOptions = {}) {
    this.superUser = opts.superUser || undefined;
  }

  getClusterRole(name: string): RbacRole | undefined {
    return this.clusterRoles.get(name);
  }

  getRole(namespace: string, name: string): RbacRole | undefined {
    return this.roles.get(objectKey('Role', namespace, name));
  }

  allRoles(): RbacRole[] {
    return [...this.clusterRoles.values(), ...this.roles.values()];
  }

  allBindings(): RbacBinding[] {
    return [...this.clusterRoleBindings, ...this.roleBindings];
  }

  /** `GetRoleReferenceRules`: the role a binding references, or why it grants nothing. */
  resolve(b: RbacBinding): ResolvedBinding {
    const ref = b.roleRef;
    if (ref.kind === 'ClusterRole') {
      const role = this.clusterRoles.get(ref.name);
      return role ? { binding: b, role } : { binding: b, role: undefined, error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    if (ref.kind === 'Role') {
      if (b.kind === 'ClusterRoleBinding' || !b.namespace)
        return { binding: b, role: undefined, error: `a ClusterRoleBinding cannot reference Role "${ref.name}"` };
      const role = this.getRole(b.namespace, ref.name);
      return role ? { binding: b, role } : { binding: b, role: undefined, error: `role.rbac.authorization.k8s.io "${ref.name}" not found in namespace ${b.namespace}` };
    }
    return { binding: b, role: undefined, error: `unsupported role reference kind: "${ref.kind}"` };
  }

  serviceAccount(namespace: string, name: string): ServiceAccountInfo | undefined {
    return this.serviceAccounts.get(`${namespace}/${name}`);
  }

  /** Builds the indexes; call after adding objects (buildPolicy does). */
  finish(opts: PolicyOptions): this {
    if (opts.aggregate !== false) {
      this.aggregation = aggregateClusterRoles([...this.clusterRoles.values()]);
      this.warnings.push(...this.aggregation.warnings);
    }
    this.crbResolved = this.clusterRoleBindings.map((b) => this.resolve(b));
    this.crbIndex = buildIndex(this.clusterRoleBindings, this.crbResolved, '');
    this.rbResolved = new Map();
    this.rbIndex = new Map();
    for (const [ns, list] of this.roleBindingsByNamespace) {
      const resolved = list.map((b) => this.resolve(b));
      this.rbResolved.set(ns, resolved);
      this.rbIndex.set(ns, buildIndex(list, resolved, ns));
    }
    return this;
  }

  add(input: RbacInput, opts: PolicyOptions = {}): void {
    const obj = asMap(input.object);
    if (!obj) return;
    const kind = asString(obj.kind) ?? '';
    const meta = asMap(obj.metadata) ?? {};
    const name = asString(meta.name) ?? '';
    let namespace = asString(meta.namespace) || undefined;
    const defaultNs = opts.defaultNamespace ?? 'default';
    const where = `${kind} "${namespace ? `${namespace}/` : ''}${name}"`;
    switch (kind) {
      case 'ClusterRole':
      case 'Role': {
        if (kind === 'Role' && !namespace) namespace = defaultNs;
        const rules = asList(obj.rules).map(normaliseRule);
        const role: RbacRole = {
          kind,
          name,
          labels: stringRecord(meta.labels),
          rules,
          declaredRules: rules,
          ruleOrigins: rules.map((_, index) => ({ role: name, index })),
          origin: input.origin,
        };
        if (kind === 'Role') role.namespace = namespace;
        if (input.loaded) role.loaded = input.loaded;
        const ar = asMap(obj.aggregationRule);
        if (kind === 'ClusterRole' && ar) role.aggregationRule = { clusterRoleSelectors: [...asList(ar.clusterRoleSelectors)] };
        const map = kind === 'Role' ? this.roles : this.clusterRoles;
        const key = kind === 'Role' ? objectKey('Role', namespace, name) : name;
        const prev = map.get(key);
        if (prev) this.warnings.push(`${where} is defined more than once; the last definition (${input.origin}) wins`);
        map.set(key, role);
        if (namespace) this.namespaces.add(namespace);
        return;
      }
      case 'ClusterRoleBinding':
      case 'RoleBinding': {
        if (kind === 'RoleBinding' && !namespace) namespace = defaultNs;
        const b: RbacBinding = {
          kind,
          name,
          roleRef: normaliseRoleRef(obj.roleRef),
          subjects: asList(obj.subjects)
            .map(normaliseSubject)
            .filter((s): s is Subject => s !== undefined),
          origin: input.origin,
        };
        const labels = stringRecord(meta.labels);
        if (Object.keys(labels).length > 0) b.labels = labels;
        if (input.loaded) b.loaded = input.loaded;
        if (kind === 'RoleBinding') b.namespace = namespace;
        // The same binding applied twice is one object in a cluster: the last definition wins, in
        // the place of the first. Nameless objects (test tables) are all distinct.
        const key = b.name ? objectKey(kind, b.namespace, b.name) : undefined;
        const prev = key === undefined ? undefined : this.#bindingByKey.get(key);
        if (key !== undefined) this.#bindingByKey.set(key, b);
        const put = (list: RbacBinding[]): void => {
          if (prev) list[list.indexOf(prev)] = b;
          else list.push(b);
        };
        if (prev) this.warnings.push(`${where} is defined more than once; the last definition (${input.origin}) wins`);
        if (kind === 'RoleBinding') {
          const ns = namespace as string;
          let list = this.roleBindingsByNamespace.get(ns);
          if (!list) this.roleBindingsByNamespace.set(ns, (list = []));
          put(list);
          put(this.roleBindings);
          this.namespaces.add(ns);
        } else put(this.clusterRoleBindings);
        for (const s of b.subjects) if (s.kind === 'ServiceAccount' && (s.namespace || b.namespace)) this.namespaces.add((s.namespace || b.namespace) as string);
        return;
      }
      case 'ServiceAccount': {
        const ns = namespace ?? defaultNs;
        const sa: ServiceAccountInfo = { namespace: ns, name, origin: input.origin };
        if (typeof obj.automountServiceAccountToken === 'boolean') sa.automountServiceAccountToken = obj.automountServiceAccountToken;
        const annotations = stringRecord(meta.annotations);
        if (Object.keys(annotations).length > 0) sa.annotations = annotations;
        if (input.loaded) sa.loaded = input.loaded;
        this.serviceAccounts.set(`${ns}/${name}`, sa);
        this.namespaces.add(ns);
        return;
      }
      case 'Namespace':
        this.namespaces.add(name);
        this.declaredNamespaces.add(name);
        this.namespaceLabels.set(name, stringRecord(meta.labels));
        return;
      case 'Secret': {
        const ns = namespace ?? defaultNs;
        const sa = asString(asMap(meta.annotations)?.['kubernetes.io/service-account.name']);
        this.secrets.set(`${ns}/${name}`, { namespace: ns, name, type: asString(obj.type) ?? 'Opaque', ...(sa ? { serviceAccount: sa } : {}) });
        return;
      }
      default:
        this.addWorkload(obj, kind, name, namespace ?? defaultNs, input.loaded);
    }
  }

  private addWorkload(obj: Record<string, unknown>, kind: string, name: string, namespace: string, loaded?: LoadedObject): void {
    const sas = loaded ? findPodSpecs(loaded).map((p) => p.serviceAccountName) : rawPodServiceAccounts(obj);
    if (sas.length === 0) return;
    this.namespaces.add(namespace);
    let owner: Workload['owner'];
    const meta = asMap(obj.metadata);
    for (const ref of asList(meta?.ownerReferences)) {
      const r = asMap(ref);
      if (r && r.controller === true) owner = { kind: asString(r.kind) ?? '', name: asString(r.name) ?? '' };
    }
    for (const sa of new Set(sas)) {
      const w: Workload = { kind, name, namespace, serviceAccountName: sa };
      if (owner) w.owner = owner;
      if (loaded) w.loaded = loaded;
      this.workloads.push(w);
    }
  }

  /** Workloads running as the ServiceAccount (namespace, name). */
  workloadsOf(namespace: string, name: string): Workload[] {
    return this.workloads.filter((w) => w.namespace === namespace && w.serviceAccountName === name);
  }
}

/** Pod-spec shapes for raw (live) objects: Pod, templates, CronJob. */
function rawPodServiceAccounts(obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  const shapes: Array<ReadonlyArray<string>> = [['spec'], ['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['template', 'spec']];
  for (const shape of shapes) {
    let cur: unknown = obj;
    for (const k of shape) cur = isMap(cur) ? cur[k] : undefined;
    if (isMap(cur) && Array.isArray(cur.containers)) out.push(asString(cur.serviceAccountName) || asString(cur.serviceAccount) || 'default');
  }
  return out;
}

/** The bindings (positions, ascending, unique) whose subjects apply to the user. */
export function candidateBindings(index: BindingIndex, userName: string, groups: readonly string[]): number[] {
  const lists: number[][] = [];
  const u = index.byUser.get(userName);
  if (u) lists.push(u);
  for (const g of groups) {
    const l = index.byGroup.get(g);
    if (l) lists.push(l);
  }
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  const arr = ([] as number[]).concat(...lists).sort((a, b) => a - b);
  let w = 0;
  for (let r = 0; r < arr.length; r++) if (r === 0 || arr[r] !== arr[r - 1]) arr[w++] = arr[r];
  arr.length = w;
  return arr;
}

/** Builds a policy from raw objects. Objects of other kinds feed ServiceAccounts/workloads. */
export function buildPolicy(inputs: Iterable<RbacInput>, opts: PolicyOptions = {}): RbacPolicy {
  const p = new RbacPolicy(opts);
  for (const i of inputs) p.add(i, opts);
  return p.finish(opts);
}

/** Inputs from loaded objects (the scan's `loadInputs` result). */
export function inputsFromLoaded(objects: readonly LoadedObject[], origin: Origin = 'input'): RbacInput[] {
  return objects.map((o) => ({ object: o.object, loaded: o, origin }));
}
