/**
 * Live facts beyond the object lists: each collector reads something about the cluster once per
 * `audit` and returns objects of kubeharden's facts kinds (src/checks/_lib/cluster-facts.ts) or
 * objects the cluster computes (a kubelet's effective configuration), which the checks then read
 * like any other object. A new collector is one line in COLLECTORS. Collectors read what the
 * audit has already listed (nodes, earlier facts) instead of asking again.
 */
import type { Collector } from './types.js';
import { anonymousProbeCollector } from './anonymous.js';
import { controlPlaneCollector } from './control-plane.js';
import { deprecatedApisCollector } from './deprecated-apis.js';
import { serverVersionCollector } from './server-version.js';

export type { Collector } from './types.js';

/** The live control plane: `scan --control-plane` runs these (with the mirror pods and nodes it lists). */
export const CONTROL_PLANE_COLLECTORS: readonly Collector[] = [serverVersionCollector, anonymousProbeCollector, controlPlaneCollector];

export const COLLECTORS: readonly Collector[] = [...CONTROL_PLANE_COLLECTORS, deprecatedApisCollector];
