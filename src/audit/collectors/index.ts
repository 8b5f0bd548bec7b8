/**
 * Live facts beyond the object lists: each collector reads something about the cluster once per
 * `audit` and returns objects of kubeharden's facts kinds (src/checks/_lib/cluster-facts.ts),
 * which the checks then read like any other object. A new collector is one line in COLLECTORS.
 */
import type { Collector } from './types.js';
import { anonymousProbeCollector } from './anonymous.js';
import { deprecatedApisCollector } from './deprecated-apis.js';
import { serverVersionCollector } from './server-version.js';

export type { Collector } from './types.js';

export const COLLECTORS: readonly Collector[] = [serverVersionCollector, anonymousProbeCollector, deprecatedApisCollector];
