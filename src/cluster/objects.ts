/**
 * An object read from a cluster (or a dump of one) as the engine sees it: a LoadedObject with no
 * file position. Findings about it carry `file` = the cluster's label (`cluster:<context>`), line
 * 0 and the field path; every reporter shows the object reference and the path instead of
 * `file:line` (docs/audit.md). `audit` and `scan --control-plane` locate live findings this one way.
 */
import { objectFromJson } from '../load/plain-object.js';
import type { KubeObject, LoadedObject, Region } from '../load/types.js';

const NOWHERE: Region = { line: 0, column: 0, endLine: 0, endColumn: 0 };

export function liveObject(value: Record<string, unknown>, label: string): LoadedObject {
  return objectFromJson(value as KubeObject, label, NOWHERE);
}
