/**
 * An object read from a cluster (or a dump of one) as the engine sees it: a LoadedObject with no
 * file position. Findings about it carry `file` = the cluster's label (`cluster:<context>`), line
 * 0 and the field path; every reporter shows the object reference and the path instead of
 * `file:line` (docs/audit.md). `audit` and `scan --control-plane` locate live findings this one way.
 */
import type { LoadedObject, Path, Region } from '../load/types.js';

const NOWHERE: Region = { line: 0, column: 0, endLine: 0, endColumn: 0 };

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) if (val !== null && val !== undefined) out[k] = String(val);
  }
  return out;
}

export function liveObject(value: Record<string, unknown>, label: string): LoadedObject {
  const meta = (value.metadata && typeof value.metadata === 'object' ? value.metadata : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    apiVersion: str(value.apiVersion),
    kind: str(value.kind),
    name: str(meta.name) || str(meta.generateName),
    namespace: str(meta.namespace) || undefined,
    labels: strings(meta.labels),
    annotations: strings(meta.annotations),
    object: value,
    source: { file: label, documentIndex: 0, itemPath: [], locate: (_path: Path) => NOWHERE },
  };
}
