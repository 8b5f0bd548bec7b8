/**
 * The one set of defensive readers for untrusted JSON: manifests have any shape until proven
 * otherwise. Fields of the wrong type read as absent, the way Go holds them after decoding
 * (a nil pointer, an empty slice, ""), except YAML 1.1 booleans (below), which kubectl decodes.
 */

export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asMap(v: unknown): JsonMap | undefined {
  return isMap(v) ? v : undefined;
}

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** The list, or an empty one (shared: reading a missing list allocates nothing). */
export function asList(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : NO_ITEMS;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asStringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Present and not null (a non-nil pointer in Go). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * YAML 1.1 booleans: kubectl and the API server read manifests as YAML 1.1 (sigs.k8s.io/yaml),
 * so an unquoted `privileged: yes` is true to them while a YAML 1.2 parser yields the string "yes".
 */
const TRUE_WORDS: ReadonlySet<unknown> = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS: ReadonlySet<unknown> = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

export function yamlTrue(v: unknown): boolean {
  return v === true || TRUE_WORDS.has(v);
}

export function yamlFalse(v: unknown): boolean {
  return v === false || FALSE_WORDS.has(v);
}

/** An integer field (runAsUser, ports…): numbers only, as the API rejects strings there. */
export function asInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A string field as Go would hold it: scalars as text, anything else as "". */
export function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
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
