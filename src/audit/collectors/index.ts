/**
 * Live facts beyond the object lists: each collector reads something about the cluster once per
 * `audit` and returns objects of kubeharden's facts kinds (src/checks/_lib/cluster-facts.ts) or
 * objects the cluster computes (a kubelet's effective configuration), which the checks then read
 * like any other object. A new collector is one line in COLLECTORS. Collectors read what the
 * audit has already listed (nodes, earlier facts) instead of asking again.
 */
import type { ClusterClient } from '../../cluster/client.js';
import type { Gap, Json } from '../source.js';
import { anonymousProbeCollector } from './anonymous.js';
import { controlPlaneCollector } from './control-plane.js';
import { deprecatedApisCollector } from './deprecated-apis.js';
import { serverVersionCollector } from './server-version.js';

export interface CollectorContext {
  client: ClusterClient;
  /** When the audit started (facts record it: checks judge dates against it). */
  now: Date;
  /** What was read before this collector: the cluster-wide lists and the earlier collectors' objects. */
  objects: readonly Json[];
  /** The lists that could not be read (a collector that needs one says so instead of listing again). */
  gaps: readonly Gap[];
}

export interface Collected {
  /** Objects without a namespace are checked with the cluster-wide ones; the others with their namespace. */
  objects: Json[];
  /** Facts that could not be read and what is therefore not assessed. */
  gaps?: Gap[];
  warnings?: string[];
}

export interface Collector {
  name: string;
  collect(ctx: CollectorContext): Promise<Collected>;
}

/** The live control plane: `scan --control-plane` runs these (with the mirror pods and nodes it lists). */
export const CONTROL_PLANE_COLLECTORS: readonly Collector[] = [serverVersionCollector, anonymousProbeCollector, controlPlaneCollector];

export const COLLECTORS: readonly Collector[] = [...CONTROL_PLANE_COLLECTORS, deprecatedApisCollector];
