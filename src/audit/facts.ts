/**
 * Facts about a cluster that are not objects in it (the server version, how it answers an
 * unauthenticated request, which deprecated APIs clients call) become objects of kubeharden's
 * own kinds, so checks read them like any other object, fixtures are plain YAML, and a dump
 * carries them. Collectors (src/audit/collectors/) make them from a live cluster.
 */
import { FACTS_API_VERSION } from '../checks/_lib/cluster-facts.js';
import type { Json } from './source.js';

export { FACTS_API_VERSION };

/** Kind of the object that records where a dump came from (its label, what was not read). */
export const AUDIT_RECORD_KIND = 'AuditRecord';

/** A cluster-scoped facts object named `cluster`. */
export function factsObject(kind: string, server: string, observedAt: Date, body: Json): Json {
  return { apiVersion: FACTS_API_VERSION, kind, metadata: { name: 'cluster' }, server, observedAt: observedAt.toISOString(), ...body };
}

export function isFacts(o: Json): boolean {
  return o.apiVersion === FACTS_API_VERSION;
}
