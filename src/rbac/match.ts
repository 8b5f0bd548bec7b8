/**
 * Rule matching, ported line for line from kubernetes/kubernetes
 * `pkg/apis/rbac/v1/evaluation_helpers.go` and `plugin/pkg/auth/authorizer/rbac/rbac.go` (RuleAllows).
 *
 * - verbs / apiGroups: `*` or exact (case-sensitive); an empty list matches nothing.
 * - resources: `*` matches every resource and subresource; otherwise the exact combined
 *   `resource/subresource`; `*∕sub` matches any resource's `sub`. `pods` never covers `pods/log`;
 *   `pods/*` and `*∕*` are literals.
 * - resourceNames: empty = any name; otherwise exact, so a nameless request never matches.
 * - nonResourceURLs: `*`, exact, or a trailing `*` as a plain string prefix (`/healthz*` matches
 *   `/healthzfoo`; `/foo/*` does not match `/foo`).
 */
import type { NonResourceAttributes, PolicyRule, RequestAttributes, ResourceAttributes } from './types.js';

export const VERB_ALL = '*';
export const API_GROUP_ALL = '*';
export const RESOURCE_ALL = '*';
export const NON_RESOURCE_ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs) if (v === VERB_ALL || v === verb) return true;
  return false;
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups) if (g === API_GROUP_ALL || g === group) return true;
  return false;
}

export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const r of rule.resources) {
    if (r === RESOURCE_ALL) return true;
    if (r === combinedResource) return true;
    if (subresource.length === 0) continue;
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  for (const n of rule.resourceNames) if (n === name) return true;
  return false;
}

/** strings.TrimRight(s, "*") */
function trimRightStars(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 42) end--;
  return s.slice(0, end);
}

export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === NON_RESOURCE_ALL) return true;
    if (u === url) return true;
    if (u.endsWith('*') && url.startsWith(trimRightStars(u))) return true;
  }
  return false;
}

export function combinedResource(a: ResourceAttributes): string {
  return a.subresource.length > 0 ? `${a.resource}/${a.subresource}` : a.resource;
}

export function resourceRuleAllows(a: ResourceAttributes, rule: PolicyRule): boolean {
  return (
    verbMatches(rule, a.verb) &&
    apiGroupMatches(rule, a.apiGroup) &&
    resourceMatches(rule, combinedResource(a), a.subresource) &&
    resourceNameMatches(rule, a.name)
  );
}

export function nonResourceRuleAllows(a: NonResourceAttributes, rule: PolicyRule): boolean {
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

export function ruleAllows(a: RequestAttributes, rule: PolicyRule): boolean {
  return a.resourceRequest ? resourceRuleAllows(a, rule) : nonResourceRuleAllows(a, rule);
}

/** Index of the first rule that allows the request, or -1. */
export function firstAllowingRule(a: RequestAttributes, rules: readonly PolicyRule[]): number {
  for (let i = 0; i < rules.length; i++) if (ruleAllows(a, rules[i])) return i;
  return -1;
}
