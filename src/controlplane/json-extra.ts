/** The k8s/json accessors, plus numbers. */
export { asList, asMap, asString } from '../k8s/json.js';

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
