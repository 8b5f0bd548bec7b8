/** Defensive accessors for untrusted JSON: manifests have any shape until proven otherwise. */

export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asMap(v: unknown): JsonMap | undefined {
  return isMap(v) ? v : undefined;
}

export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asStringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Reads a nested field; undefined as soon as a step is not a map. */
export function getIn(v: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isMap(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

/** Formats a path as users read it: spec.containers[0].securityContext. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (isPlainKey(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** /^[A-Za-z_][\w-]*$/ without a regex call: every finding formats a path. */
function isPlainKey(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
    if (letter || (i > 0 && ((c >= 48 && c <= 57) || c === 45))) continue; // 0-9 - after the first
    return false;
  }
  return true;
}
