/** What a collector is (index.ts lists them; each collector file implements one). */
import type { ClusterClient } from '../../cluster/client.js';
import type { Gap, Json } from '../source.js';

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
