/**
 * LoadedObject over an already-parsed JSON value (admission requests, live-cluster objects).
 * No source text, so positions are 1:1; paths still identify fields exactly.
 */
import type { KubeObject, LoadedObject, Path, Region } from './types.js';

const NOWHERE: Region = { line: 1, column: 1, endLine: 1, endColumn: 1 };

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) if (val !== null && val !== undefined) out[k] = String(val);
  }
  return out;
}

/** `position` is where every field is said to be (live objects have none: line 0, see cluster/objects.ts). */
export function objectFromJson(value: KubeObject, file = '<object>', position: Region = NOWHERE): LoadedObject {
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
    source: { file, documentIndex: 0, itemPath: [], locate: (_path: Path) => position },
  };
}
