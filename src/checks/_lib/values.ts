/**
 * How kubectl reads scalar values. kubectl and the API server read manifests as YAML 1.1
 * (sigs.k8s.io/yaml), so an unquoted `yes` / `on` is a boolean to them while our YAML 1.2 parser
 * yields a string. Checks that test booleans use these helpers so `hostProcess: yes` is true.
 */

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

export function yamlTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && TRUE_WORDS.has(v));
}

export function yamlFalse(v: unknown): boolean {
  return v === false || (typeof v === 'string' && FALSE_WORDS.has(v));
}

/** An integer field (runAsUser, ports…): numbers only, as the API rejects strings there. */
export function asInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** Present and not null (a non-nil pointer in Go). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}
