/**
 * `kubectl auth can-i --list` output: the rules of a SelfSubjectRulesReview broken down,
 * compacted and sorted exactly like kubectl (`staging/src/k8s.io/kubectl/pkg/util/rbac`,
 * `pkg/cmd/auth/cani.go`), printed through a tabwriter(minwidth 10, padding 3).
 */
import { breakdownRule } from './covers.js';
import type { PolicyRule } from './types.js';

/** Rules as a SelfSubjectRulesReview returns them: resource rules and non-resource rules apart. */
export function splitForReview(rules: readonly PolicyRule[], masters: boolean): PolicyRule[] {
  const out: PolicyRule[] = [];
  if (masters) {
    out.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] });
    out.push({ verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] });
  }
  for (const r of rules) {
    if (r.resources.length > 0) out.push({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames, nonResourceURLs: [] });
    if (r.nonResourceURLs.length > 0) out.push({ verbs: r.verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: r.nonResourceURLs });
  }
  return out;
}

function simpleKey(r: PolicyRule): string | undefined {
  if (r.resourceNames.length > 1 || r.nonResourceURLs.length > 0) return undefined;
  if (r.apiGroups.length !== 1 || r.resources.length !== 1) return undefined;
  return JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames.length > 0, r.resourceNames[0] ?? '']);
}

/** `CompactRules`: merges single group/resource(/name) rules that differ only by verb. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const k = simpleKey(r);
    if (k === undefined) {
      compacted.push(r);
      continue;
    }
    const existing = simple.get(k);
    if (existing) {
      for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
    } else simple.set(k, { ...r, verbs: [...r.verbs] });
  }
  compacted.push(...simple.values());
  return compacted;
}

const goList = (l: readonly string[]): string => `[${l.join(' ')}]`;

/** Go's generated `PolicyRule.String()`, which kubectl sorts by. */
export function goRuleString(r: PolicyRule): string {
  return `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;
}

/** Breakdown + compaction + stable sort, as kubectl prints them. */
export function listRules(reviewRules: readonly PolicyRule[]): PolicyRule[] {
  const broken = reviewRules.flatMap(breakdownRule);
  const compact = compactRules(broken);
  return compact
    .map((r, i) => ({ r, i, s: goRuleString(r) }))
    .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i))
    .map((x) => x.r);
}

/** `describe.CombineResourceGroup` */
export function combineResourceGroup(resources: readonly string[], groups: readonly string[]): string {
  if (resources.length === 0) return '';
  const slash = resources[0].indexOf('/');
  let out = slash < 0 ? resources[0] : resources[0].slice(0, slash);
  if (groups.length > 0 && groups[0] !== '') out += `.${groups[0]}`;
  if (slash >= 0) out += `/${resources[0].slice(slash + 1)}`;
  return out;
}

/** Go text/tabwriter with minwidth 10, tabwidth 4, padding 3, padchar ' ' (kubectl's). */
export function tabwrite(rows: ReadonlyArray<readonly string[]>): string {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) widths[c] = Math.max(10, ...rows.map((r) => (r[c] ?? '').length + 3));
  return rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]) : cell)).join('')).join('\n') + (rows.length ? '\n' : '');
}

export function formatRulesTable(rules: readonly PolicyRule[], headers = true): string {
  const rows: string[][] = [];
  if (headers) rows.push(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  for (const r of rules) rows.push([combineResourceGroup(r.resources, r.apiGroups), goList(r.nonResourceURLs), goList(r.resourceNames), goList(r.verbs)]);
  return tabwrite(rows);
}
