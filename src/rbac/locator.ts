/**
 * who-can: the subjects allowed to make a request, in the order of the upstream subject locator
 * (`plugin/pkg/auth/authorizer/rbac/subject_locator.go`): Group system:masters first, then the
 * super user (if any), then the subjects of allowing ClusterRoleBindings, then those of allowing
 * RoleBindings in the request's namespace, each in binding order; duplicates removed.
 *
 * Differences from upstream, on purpose: ServiceAccount subjects carry the namespace they
 * effectively have (the binding's when omitted), and subjects that can never match anyone (a
 * ClusterRoleBinding ServiceAccount without a namespace, unknown kinds) are reported apart.
 * With `allNamespaces`, RoleBindings of every namespace count, each for its own namespace.
 */
import { firstAllowingRule } from './match.js';
import { effectiveSubject, subjectKey, subjectProblem, SYSTEM_MASTERS } from './identity.js';
import type { RbacPolicy, ResolvedBinding, Workload } from './policy.js';
import type { RbacBinding, RbacRole, RequestAttributes, Subject } from './types.js';

export interface WhoCanGrant {
  binding: RbacBinding;
  role: RbacRole;
  ruleIndex: number;
  /** The namespace the grant holds in; '' for cluster-wide grants. */
  namespace: string;
}

export interface WhoCanEntry {
  subject: Subject;
  /** Empty for system:masters and the super user. */
  grants: WhoCanGrant[];
  /** system:masters / super user: allowed without any RBAC object. */
  implicit?: string;
  /** Pods and workloads running as this identity (ServiceAccounts and ServiceAccount groups). */
  workloads?: Workload[];
}

export interface WhoCanResult {
  subjects: WhoCanEntry[];
  /** Subjects of allowing bindings that never match anyone. */
  ignored: Array<{ subject: Subject; binding: RbacBinding; problem: string }>;
  /** Bindings that would be considered but reference missing roles. */
  errors: string[];
}

export interface WhoCanOptions {
  allNamespaces?: boolean;
  /** Attach workloads to ServiceAccount subjects and SA groups. */
  workloads?: boolean;
}

export function whoCan(policy: RbacPolicy, attrs: RequestAttributes, opts: WhoCanOptions = {}): WhoCanResult {
  const entries: WhoCanEntry[] = [{ subject: { kind: 'Group', name: SYSTEM_MASTERS }, grants: [], implicit: 'members of system:masters bypass authorization' }];
  const byKey = new Map<string, WhoCanEntry>([[subjectKey(entries[0].subject), entries[0]]]);
  if (policy.superUser !== undefined) {
    const e: WhoCanEntry = { subject: { kind: 'User', name: policy.superUser }, grants: [], implicit: 'configured super user' };
    entries.push(e);
    byKey.set(subjectKey(e.subject), e);
  }
  const ignored: WhoCanResult['ignored'] = [];
  const errors: string[] = [];
  // Per-query cache: the first allowing rule of each role (-1 when none).
  const roleCache = new Map<RbacRole, number>();
  const allowingRule = (role: RbacRole, a: RequestAttributes): number => {
    let r = roleCache.get(role);
    if (r === undefined) {
      r = firstAllowingRule(a, role.rules);
      roleCache.set(role, r);
    }
    return r;
  };

  const consider = (rb: ResolvedBinding, ns: string, a: RequestAttributes, cache: boolean): void => {
    if (!rb.role) {
      errors.push(`${rb.binding.kind} "${rb.binding.namespace ? `${rb.binding.namespace}/` : ''}${rb.binding.name}": ${rb.error ?? 'role not found'}`);
      return;
    }
    const ruleIndex = cache ? allowingRule(rb.role, a) : firstAllowingRule(a, rb.role.rules);
    if (ruleIndex < 0) return;
    for (const raw of rb.binding.subjects) {
      const problem = subjectProblem(raw, ns);
      if (problem) {
        ignored.push({ subject: raw, binding: rb.binding, problem });
        continue;
      }
      const subject = effectiveSubject(raw, ns);
      const clean: Subject = { kind: subject.kind, name: subject.name };
      if (subject.namespace && subject.kind === 'ServiceAccount') clean.namespace = subject.namespace;
      const k = subjectKey(clean);
      let e = byKey.get(k);
      if (!e) {
        e = { subject: clean, grants: [] };
        byKey.set(k, e);
        entries.push(e);
      }
      if (!e.implicit) e.grants.push({ binding: rb.binding, role: rb.role, ruleIndex, namespace: ns });
    }
  };

  policy.crbResolved.forEach((rb) => consider(rb, '', attrs, true));
  if (attrs.resourceRequest) {
    if (opts.allNamespaces) {
      for (const [ns, list] of policy.rbResolved) {
        // Role rules do not depend on the namespace, so the per-role cache stays valid.
        const a = { ...attrs, namespace: ns };
        for (const rb of list) consider(rb, ns, a, true);
      }
    } else if (attrs.namespace) {
      for (const rb of policy.rbResolved.get(attrs.namespace) ?? []) consider(rb, attrs.namespace, attrs, true);
    }
  }
  if (opts.workloads) for (const e of entries) attachWorkloads(policy, e);
  return { subjects: entries, ignored, errors };
}

function attachWorkloads(policy: RbacPolicy, e: WhoCanEntry): void {
  const s = e.subject;
  if (s.kind === 'ServiceAccount' && s.namespace) e.workloads = policy.workloadsOf(s.namespace, s.name);
  else if (s.kind === 'Group' && s.name === 'system:serviceaccounts') e.workloads = [...policy.workloads];
  else if (s.kind === 'Group' && s.name.startsWith('system:serviceaccounts:')) {
    const ns = s.name.slice('system:serviceaccounts:'.length);
    e.workloads = policy.workloads.filter((w) => w.namespace === ns);
  }
}
