/**
 * Kubernetes NetworkPolicy selection semantics (networking.k8s.io/v1), as the API server defaults
 * them and CNIs enforce them:
 * - a policy applies to the pods of its own namespace that its `podSelector` selects
 *   (matchLabels AND matchExpressions; an empty selector `{}` selects every pod of the namespace);
 * - `policyTypes`, when absent or empty, defaults to [Ingress] plus Egress when the policy has a
 *   non-empty `egress` list (`SetDefaults_NetworkPolicySpec`);
 * - a pod is isolated for a direction when at least one policy that selects it has that direction
 *   in its policyTypes; traffic is then allowed only by the union of the rules of those policies.
 *
 * Policies of other engines (Calico, Cilium, AdminNetworkPolicy) have other shapes; they are
 * recognised only so that callers can say "not evaluated" instead of guessing.
 */
import type { LoadedObject } from '../load/types.js';
import { ObjectIndex } from '../engine/object-index.js';
import { asList, asMap, isMap, type JsonMap } from '../k8s/json.js';
import { selectorMatches, type Labels } from '../k8s/labels.js';

export type Direction = 'Ingress' | 'Egress';
export const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

export interface Policy {
  object: LoadedObject;
  /** Effective namespace ('default' when metadata.namespace is unset). */
  namespace: string;
  spec: JsonMap;
  /** spec.podSelector; absent/null is treated as `{}` (the API requires the field; null decodes to empty). */
  podSelector: JsonMap;
  /** Effective policyTypes after API defaulting. */
  types: ReadonlySet<Direction>;
}

/** The core NetworkPolicy kind (networking.k8s.io, or the removed extensions/v1beta1). */
export function isCoreNetworkPolicy(o: LoadedObject): boolean {
  return o.kind === 'NetworkPolicy' && (o.apiVersion.startsWith('networking.k8s.io/') || o.apiVersion === 'extensions/v1beta1');
}

/** Policies of other engines that can isolate pods too (kubeharden does not evaluate them). */
export function isForeignPolicy(o: LoadedObject): boolean {
  if (o.kind === 'NetworkPolicy') return !isCoreNetworkPolicy(o);
  return ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'].includes(o.kind);
}

const CLUSTER_WIDE_FOREIGN = new Set(['CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);

/** Effective policyTypes (API defaulting). Unknown values are ignored. */
export function effectivePolicyTypes(spec: JsonMap): Set<Direction> {
  const declared = asList(spec.policyTypes);
  const out = new Set<Direction>();
  if (declared.length > 0) {
    for (const t of declared) if (t === 'Ingress' || t === 'Egress') out.add(t);
    return out;
  }
  out.add('Ingress');
  if (asList(spec.egress).length > 0) out.add('Egress');
  return out;
}

/** True for a selector that selects everything: no matchLabels entries and no matchExpressions. */
export function isEmptySelector(sel: unknown): boolean {
  const m = asMap(sel);
  if (!m) return true;
  return Object.keys(asMap(m.matchLabels) ?? {}).length === 0 && asList(m.matchExpressions).length === 0;
}

export function toPolicy(o: LoadedObject): Policy | undefined {
  if (!isCoreNetworkPolicy(o)) return undefined;
  const spec = asMap(o.object.spec) ?? {};
  return {
    object: o,
    namespace: ObjectIndex.effectiveNamespace(o) ?? 'default',
    spec,
    podSelector: asMap(spec.podSelector) ?? {},
    types: effectivePolicyTypes(spec),
  };
}

export function policySelects(p: Policy, namespace: string, labels: Labels): boolean {
  return p.namespace === namespace && selectorMatches(p.podSelector, labels);
}

/** The rules of one direction: spec.ingress or spec.egress. */
export function rulesOf(p: Policy, dir: Direction): JsonMap[] {
  return asList(dir === 'Ingress' ? p.spec.ingress : p.spec.egress).filter(isMap);
}

/** The peers of a rule: `from` for ingress, `to` for egress. */
export function peersOf(rule: JsonMap, dir: Direction): JsonMap[] {
  return asList(dir === 'Ingress' ? rule.from : rule.to).filter(isMap);
}

/** A rule with no peers and no ports allows every source/destination on every port. */
export function ruleAllowsAll(rule: JsonMap, dir: Direction): boolean {
  const peersField = dir === 'Ingress' ? rule.from : rule.to;
  return asList(peersField).length === 0 && asList(rule.ports).length === 0;
}

export interface NamespacePolicies {
  policies: Policy[];
  /** Policies of other engines in this namespace or cluster-wide. */
  foreign: LoadedObject[];
}

const cache = new WeakMap<ObjectIndex, Map<string, NamespacePolicies>>();

/** Core policies (and foreign ones) by effective namespace, computed once per scan. */
export function policiesByNamespace(index: ObjectIndex): Map<string, NamespacePolicies> {
  let m = cache.get(index);
  if (m) return m;
  m = new Map();
  const clusterForeign: LoadedObject[] = [];
  const entry = (ns: string): NamespacePolicies => {
    let e = m!.get(ns);
    if (!e) m!.set(ns, (e = { policies: [], foreign: [] }));
    return e;
  };
  for (const o of index.objects) {
    if (isCoreNetworkPolicy(o)) {
      const p = toPolicy(o);
      if (p) entry(p.namespace).policies.push(p);
    } else if (isForeignPolicy(o)) {
      if (CLUSTER_WIDE_FOREIGN.has(o.kind)) clusterForeign.push(o);
      else entry(o.namespace ?? 'default').foreign.push(o);
    }
  }
  if (clusterForeign.length) {
    // Cluster-wide policies may select any namespace: attach them to every known namespace lazily.
    const wrapped = new Map<string, NamespacePolicies>();
    for (const [k, v] of m) wrapped.set(k, { policies: v.policies, foreign: [...v.foreign, ...clusterForeign] });
    m = new ProxyMap(wrapped, () => ({ policies: [], foreign: [...clusterForeign] }));
  }
  cache.set(index, m);
  return m;
}

/** A Map that answers unknown keys with a default (for cluster-wide foreign policies). */
class ProxyMap extends Map<string, NamespacePolicies> {
  readonly #fallback: () => NamespacePolicies;
  constructor(entries: Map<string, NamespacePolicies>, fallback: () => NamespacePolicies) {
    super(entries);
    this.#fallback = fallback;
  }
  override get(key: string): NamespacePolicies | undefined {
    return super.get(key) ?? this.#fallback();
  }
}

export function policiesIn(index: ObjectIndex, namespace: string): NamespacePolicies {
  return policiesByNamespace(index).get(namespace) ?? { policies: [], foreign: [] };
}

/** The namespace a pod of this owner runs in ('default' when the owner has none). */
export function podNamespace(owner: LoadedObject): string {
  return owner.namespace ?? 'default';
}

const podCache = new WeakMap<ObjectIndex, Map<string, Labels[]>>();

/** Pod-template labels by the effective namespace of their owners. */
export function podLabelsByNamespace(index: ObjectIndex): Map<string, Labels[]> {
  let m = podCache.get(index);
  if (m) return m;
  m = new Map();
  for (const pod of index.pods) {
    const ns = podNamespace(pod.owner);
    const list = m.get(ns) ?? [];
    list.push(pod.labels);
    m.set(ns, list);
  }
  podCache.set(index, m);
  return m;
}
