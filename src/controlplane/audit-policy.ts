/**
 * Evaluates an audit.k8s.io/v1 Policy the way the API server does
 * (k8s.io/apiserver/pkg/audit/policy/checker.go): rules in order, the first rule that matches a
 * request decides its level, and a request no rule matches is not recorded (level None).
 */
import type { Path } from '../load/types.js';
import { asList, asMap, asString, asStringList } from '../k8s/json.js';

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof LEVELS)[number];

export interface AuditRequest {
  user: string;
  groups: readonly string[];
  verb: string;
  /** Resource requests; absent for a non-resource URL. */
  resource?: { group: string; resource: string; subresource?: string; namespace: string; name?: string };
  path?: string;
}

export interface AuditDecision {
  level: AuditLevel;
  /** Index of the deciding rule; undefined when no rule matched. */
  rule?: number;
  /** Path of the deciding rule's `level` (or of `rules` when none matched). */
  path: Path;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function resourceMatches(rule: Record<string, unknown>, r: NonNullable<AuditRequest['resource']>): boolean {
  const namespaces = asStringList(rule.namespaces);
  if (namespaces.length && !namespaces.includes(r.namespace)) return false;
  const groups = asList(rule.resources);
  if (groups.length === 0) return true;
  const combined = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  for (const g of groups) {
    const gr = asMap(g);
    if (!gr || (asString(gr.group) ?? '') !== r.group) continue;
    const resources = asStringList(gr.resources);
    if (resources.length === 0) return true;
    const names = asStringList(gr.resourceNames);
    if (names.length && !names.includes(r.name ?? '')) continue;
    for (const res of resources) {
      if (res === combined || res === '*') return true;
      if (r.subresource && res.startsWith('*/') && r.subresource === res.slice(2)) return true;
      if (res.endsWith('/*') && r.resource === res.slice(0, -2)) return true;
    }
  }
  return false;
}

export function ruleMatches(rule: Record<string, unknown>, req: AuditRequest): boolean {
  const users = asStringList(rule.users);
  if (users.length && !users.includes(req.user)) return false;
  const userGroups = asStringList(rule.userGroups);
  if (userGroups.length && !req.groups.some((g) => userGroups.includes(g))) return false;
  const verbs = asStringList(rule.verbs);
  if (verbs.length && !verbs.includes(req.verb)) return false;
  if (asList(rule.namespaces).length || asList(rule.resources).length) return req.resource !== undefined && resourceMatches(rule, req.resource);
  const urls = asStringList(rule.nonResourceURLs);
  if (urls.length) return req.resource === undefined && req.path !== undefined && urls.some((u) => pathMatches(req.path as string, u));
  return true;
}

export function auditLevel(policy: Record<string, unknown>, req: AuditRequest): AuditDecision {
  const rules = asList(policy.rules);
  for (let i = 0; i < rules.length; i++) {
    const rule = asMap(rules[i]);
    if (!rule || !ruleMatches(rule, req)) continue;
    const level = asString(rule.level);
    return { level: (LEVELS as readonly string[]).includes(level ?? '') ? (level as AuditLevel) : 'None', rule: i, path: ['rules', i, 'level'] };
  }
  return { level: 'None', path: rules.length ? ['rules'] : [] };
}
