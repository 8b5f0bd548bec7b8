/**
 * Live facts beyond the object lists: each collector reads something about the cluster once per
 * `audit` and returns objects of kubeharden's facts kinds (src/checks/_lib/cluster-facts.ts),
 * which the checks then read like any other object. A new collector is one line in COLLECTORS.
 */
import type { ClusterClient } from '../../cluster/client.js';
import type { Discovery } from '../../cluster/discovery.js';
import type { Gap, Json } from '../source.js';
import { anonymousProbeCollector } from './anonymous.js';
import { deprecatedApisCollector } from './deprecated-apis.js';
import { serverVersionCollector } from './server-version.js';

export interface CollectorContext {
  client: ClusterClient;
  discovery: Discovery;
  /** When the audit started (facts record it: checks judge dates against it). */
  now: Date;
}

export interface Collected {
  objects: Json[];
  /** Facts that could not be read and what is therefore not assessed. */
  gaps?: Gap[];
  warnings?: string[];
}

export interface Collector {
  name: string;
  collect(ctx: CollectorContext): Promise<Collected>;
}

export const COLLECTORS: readonly Collector[] = [serverVersionCollector, anonymousProbeCollector, deprecatedApisCollector];
