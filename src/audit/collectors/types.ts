/** What a collector is (index.ts lists them; each collector file implements one). */
import type { ClusterClient } from '../../cluster/client.js';
import type { Discovery } from '../../cluster/discovery.js';
import type { Gap, Json } from '../source.js';

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
