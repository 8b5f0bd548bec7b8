/** Label selector semantics (matchLabels AND matchExpressions), as the API server applies them. */
import { asList, asMap, asString, asStringList } from './json.js';

export type Labels = Readonly<Record<string, string>>;

/**
 * True when `selector` (a LabelSelector) selects `labels`. An empty selector `{}` selects
 * everything; a null/absent selector selects nothing (callers decide which applies).
 */
export function selectorMatches(selector: unknown, labels: Labels): boolean {
  const sel = asMap(selector);
  if (!sel) return false;
  const ml = asMap(sel.matchLabels);
  if (ml) for (const [k, v] of Object.entries(ml)) if (labels[k] !== String(v)) return false;
  for (const e of asList(sel.matchExpressions)) {
    const expr = asMap(e);
    const key = asString(expr?.key);
    if (!expr || key === undefined) return false;
    const values = asStringList(expr.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // unknown operator: the API server rejects it; select nothing
    }
  }
  return true;
}

/** Equality-only selector (Service.spec.selector): every pair must match; empty selects nothing. */
export function mapSelectorMatches(selector: unknown, labels: Labels): boolean {
  const sel = asMap(selector);
  if (!sel || Object.keys(sel).length === 0) return false;
  return Object.entries(sel).every(([k, v]) => labels[k] === String(v));
}
