/**
 * lookup: the bindings of a subject (rbac-lookup), with scope and role, plus the bindings it
 * reaches through the groups the API server adds implicitly, and its effective rules in a
 * namespace (`kubectl auth can-i --list`).
 */
import { ALL_AUTHENTICATED, ANONYMOUS, ALL_UNAUTHENTICATED, effectiveSubject, serviceAccountGroups, serviceAccountUser, impersonatedUser } from './identity.js';
import type { RbacPolicy, ResolvedBinding } from './policy.js';
import type { RbacBinding, RbacRole, Subject, UserInfo } from './types.js';
import { rulesFor } from './authorizer.js';
import { listRules, splitForReview } from './rules-list.js';
import type { PolicyRule } from './types.js';

export interface LookupEntry {
  subject: Subject;
  binding: RbacBinding;
  role: RbacRole | undefined;
  /** Why the binding grants nothing. */
  error?: string;
  /** '' = cluster-wide (ClusterRoleBinding), else the namespace. */
  scope: string;
  /** Set when the binding names a group the subject is implicitly in, not the subject itself. */
  via?: string;
}

export interface LookupQuery {
  subject: Subject;
  /** When false, match the name in any subject kind (a bare `lookup NAME`). */
  kindExplicit: boolean;
}

function subjectMatches(q: LookupQuery, s: Subject): boolean {
  if (q.kindExplicit && q.subject.kind !== s.kind) return false;
  if (q.subject.name !== s.name) return false;
  if (q.subject.namespace && s.kind === 'ServiceAccount' && s.namespace !== q.subject.namespace) return false;
  return true;
}

/** Implicit groups of a concrete subject (ServiceAccounts, Users). */
export function implicitGroups(s: Subject): string[] {
  if (s.kind === 'ServiceAccount' && s.namespace) return [...serviceAccountGroups(s.namespace), ALL_AUTHENTICATED];
  if (s.kind === 'User') return s.name === ANONYMOUS ? [ALL_UNAUTHENTICATED] : [ALL_AUTHENTICATED];
  return [];
}

export function lookup(policy: RbacPolicy, q: LookupQuery, opts: { inherited?: boolean } = {}): LookupEntry[] {
  const out: LookupEntry[] = [];
  const direct = new Set<string>();
  const visit = (rb: ResolvedBinding, scope: string): void => {
    for (const raw of rb.binding.subjects) {
      const s = effectiveSubject(raw, scope);
      if (!subjectMatches(q, s)) continue;
      const e: LookupEntry = { subject: s, binding: rb.binding, role: rb.role, scope };
      if (rb.error) e.error = rb.error;
      out.push(e);
      direct.add(`${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`);
    }
  };
  policy.crbResolved.forEach((rb) => visit(rb, ''));
  for (const [ns, list] of policy.rbResolved) for (const rb of list) visit(rb, ns);

  if (opts.inherited) {
    const subjects: Subject[] = q.kindExplicit ? [q.subject] : [...new Set(out.map((e) => e.subject))];
    if (subjects.length === 0 && !q.kindExplicit) subjects.push({ kind: 'User', name: q.subject.name });
    const seen = new Set<string>();
    for (const s of subjects) {
      for (const g of implicitGroups(s)) {
        const key = `${g}\u0000${s.kind}\u0000${s.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const visitGroup = (rb: ResolvedBinding, scope: string): void => {
          if (rb.binding.subjects.some((x) => x.kind === 'Group' && x.name === g)) {
            const e: LookupEntry = { subject: s, binding: rb.binding, role: rb.role, scope, via: `Group "${g}"` };
            if (rb.error) e.error = rb.error;
            out.push(e);
          }
        };
        policy.crbResolved.forEach((rb) => visitGroup(rb, ''));
        for (const [ns, list] of policy.rbResolved) for (const rb of list) visitGroup(rb, ns);
      }
    }
  }
  return out;
}

/** The user a subject acts as (for effective rules). Groups act as an anonymous member. */
export function userForSubject(s: Subject): UserInfo {
  if (s.kind === 'ServiceAccount' && s.namespace) return serviceAccountUser(s.namespace, s.name);
  if (s.kind === 'Group') return { name: '', groups: [s.name] };
  return impersonatedUser(s.name);
}

export interface EffectiveRules {
  /** kubectl's compacted and sorted form. */
  rules: PolicyRule[];
  /** Every rule with the binding and role granting it. */
  grants: ReturnType<typeof rulesFor>['rules'];
  errors: string[];
  masters: boolean;
}

export function effectiveRules(policy: RbacPolicy, user: UserInfo, namespace: string): EffectiveRules {
  const r = rulesFor(policy, user, namespace);
  return { rules: listRules(splitForReview(r.rules.map((x) => x.rule), r.masters)), grants: r.rules, errors: r.errors, masters: r.masters };
}
