/**
 * kubectl's label selector syntax (`env=prod,tier!=cache,team in (a,b),!legacy`) as a
 * LabelSelector for a binding's namespaceSelector. Throws on anything it cannot read.
 */
import type { LabelSelectorSpec } from './export.js';

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]{0,61}[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]{0,61}[a-z0-9A-Z])?)?$/;

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new Error(`unbalanced ")" in "${s}"`);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new Error(`unbalanced "(" in "${s}"`);
  out.push(cur.trim());
  return out;
}

function key(k: string, term: string): string {
  if (!KEY.test(k)) throw new Error(`"${k}" in "${term}" is not a label key`);
  return k;
}

function value(v: string, term: string): string {
  if (!VALUE.test(v)) throw new Error(`"${v}" in "${term}" is not a label value`);
  return v;
}

export function parseLabelSelector(s: string): LabelSelectorSpec {
  const out: LabelSelectorSpec = {};
  if (s.trim() === '') throw new Error('empty selector (omit the flag to bind in every namespace)');
  for (const term of terms(s)) {
    if (term === '') throw new Error(`empty term in "${s}"`);
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term))) {
      const values = m[3].split(',').map((v) => value(v.trim(), term));
      (out.matchExpressions ??= []).push({ key: key(m[1], term), operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term))) {
      (out.matchExpressions ??= []).push({ key: key(m[1], term), operator: 'NotIn', values: [value(m[2], term)] });
    } else if ((m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term))) {
      (out.matchLabels ??= {})[key(m[1], term)] = value(m[2], term);
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      (out.matchExpressions ??= []).push({ key: key(m[1], term), operator: 'DoesNotExist' });
    } else if (KEY.test(term)) {
      (out.matchExpressions ??= []).push({ key: term, operator: 'Exists' });
    } else {
      throw new Error(`cannot read "${term}" (examples: env=prod, tier!=cache, team in (a,b), !legacy)`);
    }
  }
  return out;
}
