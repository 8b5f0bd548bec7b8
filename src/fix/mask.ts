/**
 * Secret values kept out of the diffs `fix` prints. A diff shows the lines around each edit, and
 * the edits of a Deployment are often next to an env var holding a password, or a Secret sits in
 * the same file: printed, the value ends up in CI logs. Values of Secret `data`/`stringData` and
 * of credential-like env vars (as SEC-ENV-LITERAL judges them) are replaced by `***` in the texts
 * that are diffed; line numbers stay the same, so the hunks still say where the change is.
 */
import { parseManifestText } from '../load/documents.js';
import type { LoadedObject, Path, Region } from '../load/types.js';
import { findPodSpecs } from '../k8s/pod-spec.js';
import { asList, asMap, asString, isMap } from '../k8s/json.js';
import { detectNamed, nameSensitivity } from '../checks/_lib/secrets.js';

export const MASK = '***';

/** Paths (in the object) of the values to hide. */
function secretPaths(o: LoadedObject): Path[] {
  const out: Path[] = [];
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    for (const field of ['data', 'stringData']) {
      const m = asMap(o.object[field]);
      if (m) for (const k of Object.keys(m)) out.push([field, k]);
    }
    return out;
  }
  for (const pod of findPodSpecs(o)) {
    for (const c of pod.containers) {
      asList(c.spec.env).forEach((e, i) => {
        if (!isMap(e)) return;
        const name = asString(e.name) ?? '';
        const value = e.value;
        if (typeof value !== 'string' && typeof value !== 'number') return;
        if (nameSensitivity(name) || detectNamed(name, String(value))) out.push([...c.path, 'env', i, 'value']);
      });
    }
  }
  return out;
}

/** Replaces the value of the `key: value` entry at `r` (key region first line) with the mask. */
function maskRegion(lines: string[], r: Region): void {
  const first = lines[r.line - 1];
  if (first === undefined) return;
  const colon = first.indexOf(':', r.column - 1);
  if (colon < 0) return;
  // What follows the value on its line (`}` of a flow map, a comment) stays.
  const rest = r.endLine === r.line && r.endColumn - 1 > colon ? first.slice(r.endColumn - 1) : '';
  lines[r.line - 1] = `${first.slice(0, colon + 1)} ${MASK}${rest}`;
  // Block scalars and multi-line flow scalars: every further line of the value.
  for (let l = r.line; l < r.endLine && l < lines.length; l++) {
    const indent = /^\s*/.exec(lines[l])?.[0] ?? '';
    if (lines[l].trim() !== '') lines[l] = `${indent}${MASK}`;
  }
}

/** `text` with secret values masked; the same text when it holds none (or cannot be parsed). */
export function maskSecrets(text: string, file: string): string {
  if (!/\bSecret\b|env/.test(text)) return text;
  let objects: LoadedObject[];
  try {
    objects = parseManifestText(text, file).objects;
  } catch {
    return text;
  }
  const lines = text.split('\n');
  let masked = false;
  for (const o of objects) {
    for (const path of secretPaths(o)) {
      maskRegion(lines, o.source.locate(path));
      masked = true;
    }
  }
  return masked ? lines.join('\n') : text;
}
