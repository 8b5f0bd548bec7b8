/**
 * `metav1.LabelSelectorAsSelector` with its validation: an invalid selector is an error (the
 * aggregation controller then leaves the role untouched), an empty selector `{}` selects every
 * ClusterRole, and matchLabels AND matchExpressions must all hold.
 */
import { asList, asMap, asString, isMap } from '../k8s/json.js';

export type CompiledSelector = (labels: Readonly<Record<string, string>>) => boolean;

export type SelectorResult = { ok: true; matches: CompiledSelector } | { ok: false; error: string };

export function compileSelector(selector: unknown): SelectorResult {
  if (selector === null || selector === undefined) return { ok: true, matches: () => false };
  const sel = asMap(selector);
  if (!sel) return { ok: false, error: 'selector is not an object' };
  const reqs: Array<(l: Readonly<Record<string, string>>) => boolean> = [];
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isMap(ml)) return { ok: false, error: 'matchLabels is not a map' };
    for (const [k, v] of Object.entries(ml)) {
      if (typeof v !== 'string') return { ok: false, error: `matchLabels["${k}"] is not a string` };
      reqs.push((l) => Object.prototype.hasOwnProperty.call(l, k) && l[k] === v);
    }
  }
  for (const [i, e] of asList(sel.matchExpressions).entries()) {
    const expr = asMap(e);
    const key = asString(expr?.key);
    if (!expr || !key) return { ok: false, error: `matchExpressions[${i}] has no key` };
    const values = Array.isArray(expr.values) ? expr.values : [];
    if (values.some((v) => typeof v !== 'string')) return { ok: false, error: `matchExpressions[${i}].values must be strings` };
    const vals = values as string[];
    const has = (l: Readonly<Record<string, string>>): boolean => Object.prototype.hasOwnProperty.call(l, key);
    switch (expr.operator) {
      case 'In':
        if (vals.length === 0) return { ok: false, error: `matchExpressions[${i}]: operator In needs values` };
        reqs.push((l) => has(l) && vals.includes(l[key]));
        break;
      case 'NotIn':
        if (vals.length === 0) return { ok: false, error: `matchExpressions[${i}]: operator NotIn needs values` };
        reqs.push((l) => !has(l) || !vals.includes(l[key]));
        break;
      case 'Exists':
        if (vals.length > 0) return { ok: false, error: `matchExpressions[${i}]: operator Exists takes no values` };
        reqs.push(has);
        break;
      case 'DoesNotExist':
        if (vals.length > 0) return { ok: false, error: `matchExpressions[${i}]: operator DoesNotExist takes no values` };
        reqs.push((l) => !has(l));
        break;
      default:
        return { ok: false, error: `matchExpressions[${i}]: unknown operator ${JSON.stringify(expr.operator)}` };
    }
  }
  return { ok: true, matches: (l) => reqs.every((r) => r(l)) };
}
