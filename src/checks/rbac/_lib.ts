/**
 * Shared machinery of the RBAC-object checks. Matching uses the RBAC engine's exact semantics
 * (src/rbac/match.ts): `*∕*` and `pods/*` are literals, `pods` does not cover `pods/exec`, `*` in
 * apiGroups does not widen resources, an empty apiGroups list matches nothing. Every rule is
 * inspected (not only rules[0]), and findings point at the exact offending list entry, e.g.
 * ['rules', 2, 'resources', 0].
 */
import type { LoadedObject, Path } from '../../load/types.js';
import type { CheckContext, CheckMeta, ObjectCheck, RawFinding } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { apiGroupMatches, resourceMatches, verbMatches } from '../../rbac/match.js';
import { buildPolicy, inputsFromLoaded, normaliseRule, type RbacPolicy } from '../../rbac/policy.js';
import type { PolicyRule } from '../../rbac/types.js';
import type { Permission } from '../../rbac/catalogue.js';
import type { ObjectIndex } from '../../engine/object-index.js';
import { ruleCheckCel } from './cel.js';
import { lowerSeverity, type Target } from './target.js';

/** The rule checks name their targets through this library. */
export type { Target };

export const ROLE_KINDS = ['Role', 'ClusterRole'] as const;
export const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'] as const;

export interface RawRule {
  index: number;
  rule: PolicyRule;
  raw: Record<string, unknown>;
}

/**
 * The rules of a Role/ClusterRole that take effect. An aggregated ClusterRole's written rules are
 * replaced by the aggregation controller, so they are skipped (the roles it aggregates are checked).
 */
export function effectiveRawRules(o: LoadedObject): RawRule[] {
  const obj = o.object;
  if (o.kind === 'ClusterRole' && asMap(obj.aggregationRule)) return [];
  return asList(obj.rules).flatMap((r, index) => {
    const raw = asMap(r);
    return raw ? [{ index, rule: normaliseRule(raw), raw }] : [];
  });
}

/**
 * The targets a check looks for, from the escalation catalogue's permissions (rbac/catalogue.ts
 * PERMISSIONS): one target per resource, with every verb the permissions name for it, in order.
 */
export function targetsOf(...permissions: Permission[]): Target[] {
  const byResource = new Map<string, Target>();
  for (const p of permissions) {
    for (const [group, resource, subresource] of p.resources) {
      const key = `${group}\u0000${resource}\u0000${subresource ?? ''}`;
      const t = byResource.get(key);
      if (t) t.verbs = [...t.verbs, ...p.verbs.filter((v) => !t.verbs.includes(v))];
      else byResource.set(key, { verbs: [...p.verbs], group, resource, ...(subresource ? { subresource } : {}), ...(p.cluster ? { clusterOnly: true } : {}) });
    }
  }
  return [...byResource.values()];
}

export interface Hit {
  target: Target;
  verbs: string[];
  /** Index (in the raw list) of the resources entry that matched. */
  resourceIndex: number;
  /** The rule has resourceNames: only those names are granted. */
  names?: string[];
}

function rawIndex(raw: unknown, value: string): number {
  return asList(raw).findIndex((x) => x === value);
}

/** Which resources entry of a rule matches group/resource/subresource (engine semantics), or -1. */
export function matchingResourceEntry(rule: PolicyRule, raw: Record<string, unknown>, resource: string, subresource = ''): number {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources) {
    const single: PolicyRule = { ...rule, resources: [r] };
    if (resourceMatches(single, combined, subresource)) return rawIndex(raw.resources, r);
  }
  return -1;
}

/** Evaluates the targets against one rule: the verbs granted per matching resources entry. */
export function ruleHits(r: RawRule, targets: readonly Target[], kind: string): Hit[] {
  const hits: Hit[] = [];
  const { rule, raw } = r;
  for (const t of targets) {
    if (t.clusterOnly && kind === 'Role') continue;
    if (!apiGroupMatches(rule, t.group)) continue;
    const entry = matchingResourceEntry(rule, raw, t.resource, t.subresource ?? '');
    if (entry < 0) continue;
    const verbs = t.verbs.filter((v) => verbMatches(rule, v));
    if (verbs.length === 0) continue;
    // create (of a whole object) and deletecollection never carry a name, so a named rule never
    // grants them; get/list/watch/update… of the named objects it does (list/watch through
    // fieldSelector=metadata.name), and create on a subresource is a request on a named object.
    const effective = rule.resourceNames.length > 0 ? verbs.filter((v) => !((v === 'create' && !t.subresource) || v === 'deletecollection')) : verbs;
    if (effective.length === 0) continue;
    const h: Hit = { target: t, verbs: effective, resourceIndex: entry };
    if (rule.resourceNames.length > 0) h.names = [...rule.resourceNames];
    hits.push(h);
  }
  return hits;
}

export function roleLabel(o: LoadedObject): string {
  return `${o.kind} "${o.namespace ? `${o.namespace}/` : ''}${o.name}"`;
}

function targetLabel(t: Target): string {
  return t.label ?? `${t.resource}${t.subresource ? `/${t.subresource}` : ''}${t.group ? `.${t.group}` : ''}`;
}

export interface RuleCheckSpec {
  meta: CheckMeta;
  targets: readonly Target[];
  /** Message tail: what the grant allows an attacker to do. */
  impact: string;
  /** Skip hits (e.g. Roles outside kube-system); default keeps all. */
  keep?: (o: LoadedObject, hit: Hit) => boolean;
  /** `keep` as CEL over rule `r` and `object`, for the target (undefined: keep every hit of it). */
  keepCel?: (t: Target, kind: string) => string | undefined;
  /** A condition on the whole Role (CEL over `object`) without which nothing is reported. */
  whenCel?: (kind: string) => string;
}

/**
 * A check over Role/ClusterRole rules: one finding per rule, naming every permission of the
 * check the rule grants (verbs on each resource), at its first offending resources entry, and
 * rated by the most severe. Name-restricted grants are reported one severity lower.
 */
export function ruleCheck(spec: RuleCheckSpec): ObjectCheck {
  return {
    scope: 'object',
    kinds: ROLE_KINDS,
    meta: spec.meta,
    cel: ruleCheckCel(spec),
    *check(o: LoadedObject): Iterable<RawFinding> {
      for (const r of effectiveRawRules(o)) {
        const hits: Hit[] = [];
        for (const h of ruleHits(r, spec.targets, o.kind)) {
          if (spec.keep && !spec.keep(o, h)) continue;
          if (h.target.fallback && hits.some((x) => x.resourceIndex === h.resourceIndex)) continue;
          hits.push(h);
        }
        if (hits.length === 0) continue;
        const what = hits.map((h) => `${h.verbs.join('/')} on ${targetLabel(h.target)}`).join(', ');
        const names = hits.find((h) => h.names)?.names;
        const base = hits.map((h) => h.target.severity ?? spec.meta.severity).reduce((a, b) => (severityRank(a) >= severityRank(b) ? a : b));
        const severity = names ? lowerSeverity(base) : base;
        const finding: RawFinding = {
          message: `${roleLabel(o)} rule ${r.index} grants ${what}${names ? ` (only ${names.join(', ')})` : ''}: ${spec.impact}`,
          path: ['rules', r.index, 'resources', Math.min(...hits.map((h) => h.resourceIndex))],
        };
        if (severity !== spec.meta.severity) finding.severity = severity;
        yield finding;
      }
    },
  };
}

// ---- bindings --------------------------------------------------------------------------------

export interface RawSubject {
  index: number;
  kind: string;
  name: string;
  namespace?: string;
}

export function subjectsOf(o: LoadedObject): RawSubject[] {
  return asList(o.object.subjects).flatMap((s, index) => {
    const m = asMap(s);
    if (!m) return [];
    const out: RawSubject = { index, kind: asString(m.kind) ?? '', name: asString(m.name) ?? '' };
    const ns = asString(m.namespace);
    if (ns) out.namespace = ns;
    return [out];
  });
}

export function roleRefOf(o: LoadedObject): { kind: string; name: string } {
  const m = asMap(o.object.roleRef) ?? {};
  return { kind: asString(m.kind) ?? '', name: asString(m.name) ?? '' };
}

/** The scan's RBAC objects as a policy (aggregation computed), built once per scan. */
export function scanPolicy(ctx: CheckContext): RbacPolicy {
  return ctx.index.derived(buildScanPolicy);
}

function buildScanPolicy(index: ObjectIndex): RbacPolicy {
  return buildPolicy(inputsFromLoaded(index.objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')));
}

export const subjectPath = (s: RawSubject): Path => ['subjects', s.index, 'name'];
