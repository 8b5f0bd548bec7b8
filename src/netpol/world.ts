/**
 * What NetworkPolicy reachability is computed over: namespaces with their labels, pods (pod
 * templates of workloads offline, real pods live) with labels and container ports, the core
 * NetworkPolicies, and the policies of other engines that kubeharden recognises but does not
 * evaluate. Built once from an ObjectIndex (files, or objects listed from a cluster).
 *
 * Namespace labels: the API server always sets `kubernetes.io/metadata.name: <name>` on every
 * namespace; other labels are known only when the Namespace object is part of the input.
 */
import type { LoadedObject } from '../load/types.js';
import { ObjectIndex } from '../engine/object-index.js';
import { asList, asMap, asString } from '../k8s/json.js';
import type { Labels } from '../k8s/labels.js';
import type { PodTarget } from '../k8s/pod-spec.js';
import { parseAddress, type Address } from './ip.js';
import { isProtocol, type Protocol } from './ports.js';
import { isCoreNetworkPolicy, readPolicy, type NetPolicy } from './policy.js';
import { ownership, type Ownership, type Workload } from './owners.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export type { Workload } from './owners.js';

export interface PodEndpoint {
  namespace: string;
  labels: Labels;
  ports: readonly ContainerPort[];
  workload: Workload;
  /**
   * The input object the endpoint was read from (a Pod, or the workload whose template it is).
   * Findings are anchored here: `workload.object` may only be named by an ownerReference.
   */
  source: LoadedObject;
  /** A real pod's name (live); undefined for a pod template. */
  podName?: string;
  /** status.podIP, when known (live). */
  ip?: Address;
  hostNetwork: boolean;
}

export interface NamespaceInfo {
  name: string;
  labels: Labels;
  /** The Namespace object is in the input, so its labels are known. */
  declared: boolean;
}

export interface ForeignPolicy {
  object: LoadedObject;
  /** undefined: cluster-wide (may select pods of any namespace). */
  namespace?: string;
}

export interface World {
  namespaces: ReadonlyMap<string, NamespaceInfo>;
  /** Pods subject to NetworkPolicy (not hostNetwork). */
  pods: readonly PodEndpoint[];
  /** hostNetwork pods: outside NetworkPolicy. */
  hostNetworkPods: readonly PodEndpoint[];
  policies: readonly NetPolicy[];
  policiesByNamespace: ReadonlyMap<string, readonly NetPolicy[]>;
  foreign: readonly ForeignPolicy[];
  /** Labels of a namespace: from its object, else only the name label the API server sets. */
  namespace(name: string): NamespaceInfo;
  /** Policies of other engines that may select pods of this namespace. */
  foreignFor(namespace: string): readonly ForeignPolicy[];
  /** The endpoint of a pod spec found in the input (pods and hostNetwork pods alike). */
  endpointOf(target: PodTarget): PodEndpoint | undefined;
}

/** Kinds of other policy engines that isolate pods too. */
const FOREIGN_KINDS: Readonly<Record<string, 'namespaced' | 'cluster'>> = {
  CiliumNetworkPolicy: 'namespaced',
  CiliumClusterwideNetworkPolicy: 'cluster',
  GlobalNetworkPolicy: 'cluster', // Calico
  StagedNetworkPolicy: 'namespaced', // Calico
  StagedGlobalNetworkPolicy: 'cluster',
  AdminNetworkPolicy: 'cluster', // policy.networking.k8s.io
  BaselineAdminNetworkPolicy: 'cluster',
  ClusterNetworkPolicy: 'cluster', // policy.networking.k8s.io v1alpha2, Antrea
};

/** Policies of other engines (Calico, Cilium, Antrea, AdminNetworkPolicy): recognised, not evaluated. */
export function isForeignPolicy(o: { kind: string; apiVersion: string }): boolean {
  if (o.kind === 'NetworkPolicy') return !isCoreNetworkPolicy(o);
  return Object.prototype.hasOwnProperty.call(FOREIGN_KINDS, o.kind);
}

function foreignScope(o: LoadedObject): string | undefined {
  return FOREIGN_KINDS[o.kind] === 'cluster' ? undefined : (o.namespace ?? 'default');
}

/** Container ports of every container (sidecars declared as init containers included). */
export function containerPorts(spec: Record<string, unknown>): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const field of ['containers', 'initContainers']) {
    for (const c of asList(spec[field])) {
      for (const p of asList(asMap(c)?.ports)) {
        const m = asMap(p);
        const port = m?.containerPort;
        if (!m || typeof port !== 'number') continue;
        const protocol = m.protocol === undefined || m.protocol === null ? 'TCP' : m.protocol;
        if (!isProtocol(protocol)) continue;
        const name = asString(m.name);
        out.push({ ...(name ? { name } : {}), port, protocol });
      }
    }
  }
  return out;
}

export interface WorldOptions {
  /** Live: only Pod objects are endpoints (ReplicaSet and Job templates are listed to name owners). */
  podsOnly?: boolean;
}

function podEndpoint(t: PodTarget, owners: Ownership): PodEndpoint {
  const namespace = t.owner.namespace ?? 'default';
  const isPod = t.owner.kind === 'Pod' && t.specPath.length === 1;
  // A pod with ownerReferences is folded into the workload that owns it.
  const workload = (isPod && owners.ownerOf(t.owner)) || { kind: t.owner.kind, name: t.owner.name, namespace, object: t.owner };
  const ipText = isPod ? asString(asMap(t.owner.object.status)?.podIP) : undefined;
  const ip = ipText ? parseAddress(ipText) : undefined;
  return {
    namespace,
    labels: t.labels,
    ports: containerPorts(t.spec),
    workload,
    source: t.owner,
    ...(isPod && workload.object !== t.owner ? { podName: t.owner.name } : {}),
    ...(ip ? { ip } : {}),
    hostNetwork: t.spec.hostNetwork === true,
  };
}

export function buildWorld(index: ObjectIndex, opts: WorldOptions = {}): World {
  const namespaces = new Map<string, NamespaceInfo>();
  for (const o of index.ofKind('Namespace')) {
    if (o.apiVersion !== 'v1') continue;
    namespaces.set(o.name, { name: o.name, labels: { ...o.labels, [NAMESPACE_NAME_LABEL]: o.name }, declared: true });
  }
  const policies: NetPolicy[] = [];
  const foreign: ForeignPolicy[] = [];
  for (const o of index.objects) {
    if (isCoreNetworkPolicy(o)) policies.push(readPolicy(o)!);
    else if (isForeignPolicy(o)) foreign.push({ object: o, namespace: foreignScope(o) });
  }
  const policiesByNamespace = new Map<string, NetPolicy[]>();
  for (const p of policies) {
    const list = policiesByNamespace.get(p.namespace);
    if (list) list.push(p);
    else policiesByNamespace.set(p.namespace, [p]);
  }
  const pods: PodEndpoint[] = [];
  const hostNetworkPods: PodEndpoint[] = [];
  const byTarget = new Map<PodTarget, PodEndpoint>();
  const owners = ownership(index.objects);
  // Where the input holds a controller's real pods (a cluster, or a dump of one), they stand for
  // it: its own pod template (and its ReplicaSets') would count the same workload twice.
  const represented = new Set<LoadedObject>();
  for (const o of index.ofKind('Pod')) for (const c of owners.chain(o)) represented.add(c);
  for (const t of index.pods) {
    if (t.owner.kind !== 'Pod' && (opts.podsOnly || represented.has(t.owner))) continue;
    const e = podEndpoint(t, owners);
    (e.hostNetwork ? hostNetworkPods : pods).push(e);
    byTarget.set(t, e);
  }
  const synthesized = new Map<string, NamespaceInfo>();
  const namespace = (name: string): NamespaceInfo => {
    const known = namespaces.get(name) ?? synthesized.get(name);
    if (known) return known;
    const info = { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false };
    synthesized.set(name, info);
    return info;
  };
  const clusterForeign = foreign.filter((f) => f.namespace === undefined);
  return {
    namespaces,
    pods,
    hostNetworkPods,
    policies,
    policiesByNamespace,
    foreign,
    namespace,
    foreignFor: (ns) => (foreign.length === 0 ? [] : [...clusterForeign, ...foreign.filter((f) => f.namespace === ns)]),
    endpointOf: (t) => byTarget.get(t),
  };
}

export function workloadText(w: Workload): string {
  return `${w.namespace}/${w.name}`;
}
