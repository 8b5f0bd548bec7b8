/**
 * The RBAC authorizer (`plugin/pkg/auth/authorizer/rbac/rbac.go`) with the `system:masters`
 * bypass the API server puts in front of it. `VisitRulesFor` order: ClusterRoleBindings first,
 * then, when the request has a namespace, the RoleBindings of that namespace; the first rule that
 * allows the request decides. RBAC never denies: no matching rule means "no opinion" = denied.
 */
import { ruleAllows } from './match.js';
import type { BindingIndex } from './policy.js';
import { SYSTEM_MASTERS, subjectAppliesTo } from './identity.js';
import { candidateBindings, type RbacPolicy, type ResolvedBinding } from './policy.js';
import type { PolicyRule, RbacBinding, RbacRole, RequestAttributes, Subject, UserInfo } from './types.js';
import { describeObject, describeSubject } from './types.js';

export interface Grant {
  binding: RbacBinding;
  role: RbacRole;
  /** Index into role.rules (the effective, possibly aggregated, rules). */
  ruleIndex: number;
  rule: PolicyRule;
  /** The subject of the binding that matched the user. */
  subject: Subject;
}

export interface Decision {
  allowed: boolean;
  /** Like the API server's reason: `RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "u"`. */
  reason: string;
  /** Set when the decision came from a rule. */
  grant?: Grant;
  /** Set when the user is in system:masters (or the configured super user). */
  bypass?: 'system:masters' | 'superuser';
  /** Bindings that apply to the user but reference roles that do not exist. */
  errors: string[];
}

export function grantReason(g: Grant): string {
  const sub = g.subject.kind === 'ServiceAccount' ? `ServiceAccount "${g.subject.name}/${g.subject.namespace ?? g.binding.namespace ?? ''}"` : describeSubject(g.subject);
  const binding = g.binding.kind === 'RoleBinding' ? `RoleBinding "${g.binding.name}/${g.binding.namespace ?? ''}"` : `ClusterRoleBinding "${g.binding.name}"`;
  return `RBAC: allowed by ${binding} of ${g.binding.roleRef.kind} "${g.binding.roleRef.name}" to ${sub}`;
}

function matchingSubject(b: RbacBinding, user: UserInfo, ns: string): Subject | undefined {
  for (const s of b.subjects) if (subjectAppliesTo(user, s, ns)) return s;
  return undefined;
}

/**
 * Visits the rules that apply to `user` in `namespace` in authorizer order. The visitor returns
 * false to stop. Bindings whose role is missing are reported through `onError`.
 */
export function visitRulesFor(
  policy: RbacPolicy,
  user: UserInfo,
  namespace: string,
  visit: (r: ResolvedBinding & { role: RbacRole }, subject: Subject) => boolean,
  onError?: (r: ResolvedBinding) => void,
): void {
  const crbs = candidateBindings(policy.crbIndex, user.name, user.groups);
  for (const i of crbs) {
    const rb = policy.crbResolved[i];
    const subject = matchingSubject(rb.binding, user, '');
    if (!subject) continue;
    if (!rb.role) {
      onError?.(rb);
      continue;
    }
    if (!visit(rb as ResolvedBinding & { role: RbacRole }, subject)) return;
  }
  if (!namespace) return;
  const idx = policy.rbIndex.get(namespace);
  if (!idx) return;
  const resolved = policy.rbResolved.get(namespace) as ResolvedBinding[];
  for (const i of candidateBindings(idx, user.name, user.groups)) {
    const rb = resolved[i];
    const subject = matchingSubject(rb.binding, user, namespace);
    if (!subject) continue;
    if (!rb.role) {
      onError?.(rb);
      continue;
    }
    if (!visit(rb as ResolvedBinding & { role: RbacRole }, subject)) return;
  }
}

/**
 * The first rule of `rules` allowing the request: RuleAllows with the combined resource computed
 * once per request (the hot loop of can-i).
 */
function firstAllowing(a: RequestAttributes, combined: string, rules: readonly PolicyRule[]): number {
  if (a.resourceRequest) {
    const sub = a.subresource;
    rules: for (let j = 0; j < rules.length; j++) {
      const r = rules[j];
      let ok = false;
      for (const v of r.verbs) if (v === '*' || v === a.verb) { ok = true; break; }
      if (!ok) continue;
      ok = false;
      for (const g of r.apiGroups) if (g === '*' || g === a.apiGroup) { ok = true; break; }
      if (!ok) continue;
      ok = false;
      for (const x of r.resources) {
        if (x === '*' || x === combined || (sub.length > 0 && x.length === sub.length + 2 && x.startsWith('*/') && x.endsWith(sub))) { ok = true; break; }
      }
      if (!ok) continue;
      if (r.resourceNames.length > 0) {
        for (const n of r.resourceNames) if (n === a.name) return j;
        continue rules;
      }
      return j;
    }
    return -1;
  }
  for (let j = 0; j < rules.length; j++) if (ruleAllows(a, rules[j])) return j;
  return -1;
}

interface Best {
  binding: number;
  rule: number;
}

/** Scans one ascending candidate list below `best.binding`; true when it found an allowing binding. */
function scanList(idx: BindingIndex, list: number[], a: RequestAttributes, combined: string, best: Best, missing: number[] | undefined, tag: number): boolean {
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (i >= best.binding) return false;
    const rules = idx.rules[i];
    if (!rules) {
      if (missing) missing.push(tag * (i + 1));
      continue;
    }
    const j = firstAllowing(a, combined, rules);
    if (j >= 0) {
      best.binding = i;
      best.rule = j;
      return true;
    }
  }
  return false;
}

/**
 * The lowest binding position (in binding order) whose role allows the request, with the rule,
 * or undefined. Candidate lists are ascending, so each list is scanned only below the best so far.
 * No closures here: this is the hot path of can-i.
 */
function firstAllowingBinding(idx: BindingIndex, user: UserInfo, a: RequestAttributes, combined: string, any: boolean, missing: number[] | undefined, tag: number): Best | undefined {
  const best: Best = { binding: Number.MAX_SAFE_INTEGER, rule: -1 };
  const ul = idx.byUser.get(user.name);
  if (ul && scanList(idx, ul, a, combined, best, missing, tag) && any) return best;
  const groups = user.groups;
  for (let k = 0; k < groups.length; k++) {
    const gl = idx.byGroup.get(groups[k]);
    if (gl && scanList(idx, gl, a, combined, best, missing, tag) && any) return best;
  }
  return best.rule >= 0 ? best : undefined;
}

function combinedOf(a: RequestAttributes): string {
  return a.resourceRequest ? (a.subresource.length > 0 ? `${a.resource}/${a.subresource}` : a.resource) : '';
}

function grantDecision(rb: ResolvedBinding, ns: string, rule: number, user: UserInfo): Decision {
  const role = rb.role as RbacRole;
  const grant: Grant = { binding: rb.binding, role, ruleIndex: rule, rule: role.rules[rule], subject: matchingSubject(rb.binding, user, ns) as Subject };
  // The reason is formatted on first read: most callers only look at `allowed` and `grant`.
  let reason: string | undefined;
  return {
    allowed: true,
    get reason(): string {
      return (reason ??= grantReason(grant));
    },
    grant,
    errors: [],
  };
}

const MASTERS_DECISION = 'member of group system:masters: the API server allows every request before RBAC';

export function authorize(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes): Decision {
  if (user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: MASTERS_DECISION, bypass: 'system:masters', errors: [] };
  if (policy.superUser !== undefined && user.name === policy.superUser)
    return { allowed: true, reason: `user "${user.name}" is the configured super user`, bypass: 'superuser', errors: [] };
  const namespace = attrs.resourceRequest ? attrs.namespace : '';
  const combined = combinedOf(attrs);
  const missing: number[] = [];
  const c = firstAllowingBinding(policy.crbIndex, user, attrs, combined, false, missing, 1);
  if (c) return grantDecision(policy.crbResolved[c.binding], '', c.rule, user);
  const idx = namespace ? policy.rbIndex.get(namespace) : undefined;
  if (idx) {
    const r = firstAllowingBinding(idx, user, attrs, combined, false, missing, -1);
    if (r) return grantDecision((policy.rbResolved.get(namespace) as ResolvedBinding[])[r.binding], namespace, r.rule, user);
  }
  if (missing.length === 0) return { allowed: false, reason: 'no RBAC rule allows it', errors: [] };
  const rbs = policy.rbResolved.get(namespace) ?? [];
  const errors = [...new Set(missing)]
    .sort((x, y) => y - x)
    .map((t) => (t > 0 ? policy.crbResolved[t - 1] : rbs[-t - 1]))
    .map((rb) => `${describeObject(rb.binding)}: ${rb.error ?? 'role not found'}`);
  return { allowed: false, reason: 'no RBAC rule allows it', errors };
}

/** Just the boolean, for hot loops. */
export function isAllowed(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes): boolean {
  if (user.groups.includes(SYSTEM_MASTERS)) return true;
  if (policy.superUser !== undefined && user.name === policy.superUser) return true;
  const combined = combinedOf(attrs);
  if (firstAllowingBinding(policy.crbIndex, user, attrs, combined, true, undefined, 1)) return true;
  const namespace = attrs.resourceRequest ? attrs.namespace : '';
  const idx = namespace ? policy.rbIndex.get(namespace) : undefined;
  return idx !== undefined && firstAllowingBinding(idx, user, attrs, combined, true, undefined, -1) !== undefined;
}

/** Every rule that applies to the user in the namespace (SelfSubjectRulesReview / `RulesFor`). */
export function rulesFor(policy: RbacPolicy, user: UserInfo, namespace: string): { rules: Array<{ rule: PolicyRule; grant: Grant }>; errors: string[]; masters: boolean } {
  const masters = user.groups.includes(SYSTEM_MASTERS);
  const rules: Array<{ rule: PolicyRule; grant: Grant }> = [];
  const errors: string[] = [];
  visitRulesFor(
    policy,
    user,
    namespace,
    (rb, subject) => {
      rb.role.rules.forEach((rule, ruleIndex) => rules.push({ rule, grant: { binding: rb.binding, role: rb.role, ruleIndex, rule, subject } }));
      return true;
    },
    (rb) => errors.push(`${describeObject(rb.binding)}: ${rb.error ?? 'role not found'}`),
  );
  return { rules, errors, masters };
}
