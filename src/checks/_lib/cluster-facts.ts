/**
 * kubeharden's own kinds for facts about a cluster that are not objects in it, written by
 * `kubeharden audit` (src/audit/collectors) and read by the cluster hygiene checks:
 *
 *   apiVersion: audit.kubeharden.io/v1alpha1
 *   kind: APIServerVersion        # GET /version
 *   metadata: {name: cluster}
 *   server: https://…             # the API server asked
 *   observedAt: 2026-12-07T10:00:00.000Z
 *   version: {gitVersion: v1.35.4, major: "1", minor: "35", platform: linux/amd64}
 *
 *   kind: AnonymousAuthProbe      # unauthenticated GETs
 *   assessable: true              # false (with reason) when none could be sent
 *   results: [{path: /api, status: 401}, {path: /version, status: 401}]
 *
 *   kind: DeprecatedAPIUsage      # apiserver_requested_deprecated_apis from /metrics
 *   readable: true                # false (with reason) when /metrics is forbidden
 *   requested: [{group, version, resource, subresource, removedRelease}]
 */
import { asList, asMap, asString } from '../../k8s/json.js';
import type { LoadedObject } from '../../load/types.js';
import type { ObjectIndex } from '../../engine/object-index.js';

export const FACTS_API_VERSION = 'audit.kubeharden.io/v1alpha1';
export const SERVER_VERSION_KIND = 'APIServerVersion';
export const ANONYMOUS_PROBE_KIND = 'AnonymousAuthProbe';
export const DEPRECATED_APIS_KIND = 'DeprecatedAPIUsage';

export function isFactsObject(o: LoadedObject, kind: string): boolean {
  return o.apiVersion === FACTS_API_VERSION && o.kind === kind;
}

/** The facts object of a kind in the scan, if any (one per cluster). */
export function factsOf(index: ObjectIndex, kind: string): LoadedObject | undefined {
  return index.ofKind(kind).find((o) => o.apiVersion === FACTS_API_VERSION);
}

/** The date the facts were observed (falls back to now for hand-written objects without one). */
export function observedAt(o: LoadedObject): Date {
  const t = Date.parse(asString(o.object.observedAt) ?? '');
  return Number.isFinite(t) ? new Date(t) : new Date();
}

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** As written, e.g. v1.35.4-eks-1234. */
  text: string;
}

/** v1.35.4, 1.35.4, v1.35.4-eks-abc, v1.35.4+k3s1 → 1, 35, 4. */
export function parseKubeVersion(text: string | undefined): ParsedVersion | undefined {
  if (!text) return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: text.trim() } : undefined;
}

/** The server version an APIServerVersion object records. */
export function serverVersionOf(o: LoadedObject): ParsedVersion | undefined {
  return parseKubeVersion(asString(asMap(o.object.version)?.gitVersion));
}

export interface ProbeRow {
  path: string;
  status: number;
  user?: string;
}

export function probeRows(o: LoadedObject): ProbeRow[] {
  return asList(o.object.results)
    .map((r) => asMap(r))
    .filter((r): r is Record<string, unknown> => r !== undefined && typeof r.path === 'string' && typeof r.status === 'number')
    .map((r) => ({ path: r.path as string, status: r.status as number, ...(typeof r.user === 'string' ? { user: r.user } : {}) }));
}
