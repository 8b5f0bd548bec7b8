/**
 * Label selectors of NetworkPolicies, validated like the API server does
 * (`ValidateLabelSelector`) and compiled once: matchLabels AND matchExpressions, where `In`
 * needs the key with a listed value, `NotIn` matches when the key is absent or its value is not
 * listed, `Exists`/`DoesNotExist` test the key only. An empty selector selects everything.
 */
import { asList, asMap, isMap } from '../k8s/json.js';
import type { Labels } from '../k8s/labels.js';
import type { Path } from '../load/types.js';

export interface SelectorProblem {
  path: Path;
  message: string;
}

export type Requirement =
  | { op: 'In' | 'NotIn'; key: string; values: ReadonlySet<string> }
  | { op: 'Exists' | 'DoesNotExist'; key: string };

export interface Selector {
  /** Selects everything (no matchLabels, no matchExpressions). */
  readonly empty: boolean;
  /** The API server would reject it: it selects nothing (never wider than written). */
  readonly invalid: boolean;
  /** kubectl's notation: `app=web,tier in (a,b),!legacy`; `{}` for the empty selector. */
  readonly text: string;
  /** The requirements, ANDed (matchLabels entries become single-value `In`). */
  readonly requirements: readonly Requirement[];
  matches(labels: Labels): boolean;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label key: [prefix/]name, name ≤ 63 characters, prefix a DNS subdomain ≤ 253. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `label key prefix "${prefix}" must be a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) return `label key "${key}" is not a valid label name (≤ 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`;
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) return `label value "${value}" is not valid (≤ 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`;
  return undefined;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Validates and compiles a LabelSelector at `path`. Problems make the policy invalid (the API server rejects it). */
export function compileSelector(raw: unknown, path: Path, problems: SelectorProblem[]): Selector {
  const before = problems.length;
  const reqs = readRequirements(raw, path, problems);
  return makeSelector(reqs, problems.length > before);
}

function readRequirements(raw: unknown, path: Path, problems: SelectorProblem[]): Requirement[] {
  const sel = asMap(raw) ?? {};
  if (raw !== undefined && raw !== null && !isMap(raw)) problems.push({ path, message: 'must be a label selector (a map)' });
  const reqs: Requirement[] = [];
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null && !isMap(ml)) problems.push({ path: [...path, 'matchLabels'], message: 'must be a map of label keys to values' });
  for (const [k, v] of Object.entries(asMap(ml) ?? {})) {
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) problems.push({ path: [...path, 'matchLabels', k], message: keyProblem });
    if (typeof v !== 'string') {
      problems.push({ path: [...path, 'matchLabels', k], message: `value of "${k}" must be a string (quote it)` });
      continue;
    }
    const valueProblem = labelValueProblem(v);
    if (valueProblem) problems.push({ path: [...path, 'matchLabels', k], message: valueProblem });
    reqs.push({ op: 'In', key: k, values: new Set([v]) });
  }
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null && !Array.isArray(me)) problems.push({ path: [...path, 'matchExpressions'], message: 'must be a list' });
  asList(me).forEach((e, i) => {
    const p = [...path, 'matchExpressions', i];
    const expr = asMap(e);
    if (!expr) {
      problems.push({ path: p, message: 'must be a map with key, operator and values' });
      return;
    }
    const key = expr.key;
    if (typeof key !== 'string') {
      problems.push({ path: [...p, 'key'], message: 'key is required' });
      return;
    }
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) problems.push({ path: [...p, 'key'], message: keyProblem });
    const op = expr.operator;
    if (typeof op !== 'string' || !OPERATORS.includes(op)) {
      problems.push({ path: [...p, 'operator'], message: `operator must be one of ${OPERATORS.join(', ')} (got ${JSON.stringify(op ?? null)})` });
      return;
    }
    const values = asList(expr.values);
    if (expr.values !== undefined && expr.values !== null && !Array.isArray(expr.values)) problems.push({ path: [...p, 'values'], message: 'values must be a list' });
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) problems.push({ path: [...p, 'values'], message: `values must be non-empty for operator ${op}` });
      values.forEach((v, j) => {
        if (typeof v !== 'string') problems.push({ path: [...p, 'values', j], message: 'values must be strings (quote them)' });
        else {
          const vp = labelValueProblem(v);
          if (vp) problems.push({ path: [...p, 'values', j], message: vp });
        }
      });
      reqs.push({ op, key, values: new Set(values.filter((v): v is string => typeof v === 'string')) });
    } else {
      if (values.length > 0) problems.push({ path: [...p, 'values'], message: `values must be empty for operator ${op}` });
      reqs.push({ op: op as 'Exists' | 'DoesNotExist', key });
    }
  });
  return reqs;
}

function makeSelector(reqs: Requirement[], invalid = false): Selector {
  const has = Object.prototype.hasOwnProperty;
  return {
    empty: reqs.length === 0 && !invalid,
    invalid,
    text: invalid ? '(invalid selector)' : reqs.length === 0 ? '{}' : reqs.map(requirementText).join(','),
    requirements: reqs,
    matches(labels: Labels): boolean {
      if (invalid) return false;
      for (const r of reqs) {
        const present = has.call(labels, r.key);
        switch (r.op) {
          case 'In':
            if (!present || !r.values.has(labels[r.key])) return false;
            break;
          case 'NotIn':
            if (present && r.values.has(labels[r.key])) return false;
            break;
          case 'Exists':
            if (!present) return false;
            break;
          case 'DoesNotExist':
            if (present) return false;
            break;
        }
      }
      return true;
    },
  };
}

function requirementText(r: Requirement): string {
  switch (r.op) {
    case 'In':
      return r.values.size === 1 ? `${r.key}=${[...r.values][0]}` : `${r.key} in (${[...r.values].join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...r.values].join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/** The selector that selects everything. */
export const SELECT_ALL: Selector = makeSelector([]);

/**
 * Parses kubectl's selector notation (`app=web,tier in (a,b),!legacy,env!=prod,x`) into a
 * selector; throws with a message on bad syntax. Used for SRC/DST arguments.
 */
export function parseSelectorText(text: string): Selector {
  const reqs: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const s = raw.trim();
    if (!s) throw new Error(`empty requirement in selector "${text}"`);
    let m: RegExpExecArray | null;
    if ((m = /^([^\s=!(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
      const values = m[3].split(',').map((v) => v.trim()).filter(Boolean);
      if (values.length === 0) throw new Error(`"${s}": ${m[2]} needs at least one value`);
      reqs.push({ op: m[2] === 'in' ? 'In' : 'NotIn', key: m[1], values: new Set(values) });
    } else if ((m = /^([^\s=!(),]+)\s*!=\s*([^\s=!(),]*)$/.exec(s))) {
      reqs.push({ op: 'NotIn', key: m[1], values: new Set([m[2]]) });
    } else if ((m = /^([^\s=!(),]+)\s*==?\s*([^\s=!(),]*)$/.exec(s))) {
      reqs.push({ op: 'In', key: m[1], values: new Set([m[2]]) });
    } else if ((m = /^!\s*([^\s=!(),]+)$/.exec(s))) {
      reqs.push({ op: 'DoesNotExist', key: m[1] });
    } else if ((m = /^([^\s=!(),]+)$/.exec(s))) {
      reqs.push({ op: 'Exists', key: m[1] });
    } else throw new Error(`cannot read "${s}" in selector "${text}" (examples: app=web, tier in (a,b), !legacy)`);
    const keyProblem = labelKeyProblem(reqs[reqs.length - 1].key);
    if (keyProblem) throw new Error(keyProblem);
  }
  return makeSelector(reqs);
}
