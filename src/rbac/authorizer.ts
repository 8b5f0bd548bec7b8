/**
 * The RBAC authorizer (`plugin/pkg/auth/authorizer/rbac/rbac.go`) with the `system:masters`
 * bypass the API server puts in front of it. `VisitRulesFor` order: ClusterRoleBindings first,
 * then, when the request has a namespace, the RoleBindings of that namespace; the first rule that
 * allows the request decides. RBAC never denies: no matching rule means "no opinion" = denied.
 */
import { ruleAllows } from './match.js';
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

export function authorize(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes): Decision {
  if (user.groups.includes(SYSTEM_MASTERS))
    return { allowed: true, reason: 'member of group system:masters: the API server allows every request before RBAC', bypass: 'system:masters', errors: [] };
  if (policy.superUser !== undefined && user.name === policy.superUser)
    return { allowed: true, reason: `user "${user.name}" is the configured super user`, bypass: 'superuser', errors: [] };
  const namespace = attrs.resourceRequest ? attrs.namespace : '';
  let grant: Grant | undefined;
  const errors: string[] = [];
  visitRulesFor(
    policy,
    user,
    namespace,
    (rb, subject) => {
      const rules = rb.role.rules;
      for (let j = 0; j < rules.length; j++) {
        if (ruleAllows(attrs, rules[j])) {
          grant = { binding: rb.binding, role: rb.role, ruleIndex: j, rule: rules[j], subject };
          return false;
        }
      }
      return true;
    },
    (rb) => errors.push(`${describeObject(rb.binding)}: ${rb.error ?? 'role not found'}`),
  );
  if (grant) return { allowed: true, reason: grantReason(grant), grant, errors };
  return { allowed: false, reason: 'no RBAC rule allows it', errors };
}

/** Just the boolean, for hot loops. */
export function isAllowed(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes): boolean {
  if (user.groups.includes(SYSTEM_MASTERS)) return true;
  if (policy.superUser !== undefined && user.name === policy.superUser) return true;
  const namespace = attrs.resourceRequest ? attrs.namespace : '';
  let allowed = false;
  visitRulesFor(policy, user, namespace, (rb) => {
    const rules = rb.role.rules;
    for (let j = 0; j < rules.length; j++)
      if (ruleAllows(attrs, rules[j])) {
        allowed = true;
        return false;
      }
    return true;
  });
  return allowed;
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
