/**
 * NetworkPolicy reachability for the rest of kubeharden. The checks (NET-NO-NETPOL,
 * NET-NS-DEFAULT-DENY, NET-NETPOL-DANGLING, NET-ALLOW-WIDE) and the `netpol` commands share one
 * engine: the same answer to "which policies select this pod" everywhere.
 *
 * Modules: ip/ports (address and port sets), selector (label selectors), policy (a
 * NetworkPolicy after API defaulting and validation), world (namespaces, pods, policies),
 * engine (classes and both sides of a connection), query (can-reach), matrix, exposure, diff,
 * output/* (text, JSON, CSV, dot, Mermaid, HTML), live (the cluster as input).
 */
import type { ObjectIndex } from '../engine/object-index.js';
import type { PodTarget } from '../k8s/pod-spec.js';
import { Reachability, type PodClass } from './engine.js';
import { buildWorld, type PodEndpoint, type World } from './world.js';

export { defaultDenies } from './exposure.js';
export { isCoreNetworkPolicy, rulesOf, allowsAll, DIRECTIONS, type Direction, type NetPolicy, type Rule } from './policy.js';
export type { World, PodEndpoint } from './world.js';

export interface ScanNetpol {
  world: World;
  engine: Reachability;
  /** The endpoint and class of a pod spec of the scan (undefined class: a hostNetwork pod). */
  of(target: PodTarget): { endpoint: PodEndpoint; cls?: PodClass } | undefined;
}

function build(index: ObjectIndex): ScanNetpol {
  const world = buildWorld(index);
  const engine = new Reachability(world);
  return {
    world,
    engine,
    of(target) {
      const endpoint = world.endpointOf(target);
      if (!endpoint) return undefined;
      const cls = engine.classOf(endpoint);
      return cls ? { endpoint, cls } : { endpoint };
    },
  };
}

/** The reachability model of a scan, built once per ObjectIndex. */
export function netpolOf(index: ObjectIndex): ScanNetpol {
  return index.derived(build);
}
