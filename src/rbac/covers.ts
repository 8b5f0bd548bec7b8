/**
 * `Covers(ownerRules, servantRules)` from `staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go`:
 * the servant rules are broken into atomic (group, resource, verb, name) and (url, verb) tuples;
 * each must be covered by a single owner rule. This is the escalation check the API server runs
 * when someone without `escalate`/`bind` creates a role or binding. Also used to compare roles.
 */
import type { PolicyRule } from './types.js';

const rule = (p: Partial<PolicyRule>): PolicyRule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...p });

/** `BreakdownRule`: one rule per group × resource × verb (× name), then per URL × verb. */
export function breakdownRule(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of r.apiGroups)
    for (const resource of r.resources)
      for (const verb of r.verbs) {
        if (r.resourceNames.length > 0)
          for (const name of r.resourceNames) out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] }));
        else out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb] }));
      }
  for (const url of r.nonResourceURLs) for (const verb of r.verbs) out.push(rule({ nonResourceURLs: [url], verbs: [verb] }));
  return out;
}

const has = (set: readonly string[], e: string): boolean => set.includes(e);
const hasAll = (set: readonly string[], contains: readonly string[]): boolean => contains.every((e) => set.includes(e));

function resourceCoversAll(set: readonly string[], covers: readonly string[]): boolean {
  if (has(set, '*') || hasAll(set, covers)) return true;
  for (const path of covers) {
    if (has(set, path)) continue;
    if (!path.includes('/')) return false;
    const sub = path.slice(path.indexOf('/') + 1);
    if (!has(set, `*/${sub}`)) return false;
  }
  return true;
}

export function nonResourceURLCovers(owner: string, sub: string): boolean {
  if (owner === sub) return true;
  return owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, ''));
}

function nonResourceURLsCoversAll(set: readonly string[], covers: readonly string[]): boolean {
  return covers.every((p) => set.some((o) => nonResourceURLCovers(o, p)));
}

/** Does `owner` cover the atomic `sub` rule (`ruleCovers`)? */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbMatches = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groupMatches = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resourceMatches = resourceCoversAll(owner.resources, sub.resources);
  const urlMatches = nonResourceURLsCoversAll(owner.nonResourceURLs, sub.nonResourceURLs);
  const nameMatches =
    sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbMatches && groupMatches && resourceMatches && nameMatches && urlMatches;
}

/** True when the owner rules cover every servant rule; `uncovered` lists the atomic rules left over. */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): { covered: boolean; uncovered: PolicyRule[] } {
  const uncovered: PolicyRule[] = [];
  for (const s of servantRules) for (const sub of breakdownRule(s)) if (!ownerRules.some((o) => ruleCovers(o, sub))) uncovered.push(sub);
  return { covered: uncovered.length === 0, uncovered };
}
