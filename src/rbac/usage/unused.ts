/**
 * `rbac unused`: which bindings, rules of bound roles, and bound subjects no request in an audit
 * window used, ranked by what they would give an attacker (the escalation catalogue).
 *
 * Each allowed request is attributed to the binding that allowed it: the one named by its
 * `authorization.k8s.io/reason` annotation (what the API server actually used), else the first
 * one kubeharden's authorizer finds (the same order as the API server's). The rule is the first
 * rule of that binding's role that allows the request. So a binding whose grants are always
 * reached first through another binding is unused: removing it changes nothing.
 *
 * Also reported, for bindings that are not system or vendor RBAC (system.ts; `includeSystem`):
 * ServiceAccounts bound but missing, Users/ServiceAccounts/Groups bound but absent from the whole
 * window, subjects of a used binding that never used it, and Users bound to a role that a Group
 * is also bound to (bind groups, not people).
 */
import type { Severity } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { authorize } from '../authorizer.js';
import { effectiveSubject, serviceAccountUsername, subjectKey, subjectProblem } from '../identity.js';
import { firstAllowingRule } from '../match.js';
import type { RbacPolicy, ResolvedBinding } from '../policy.js';
import { rulesDanger, type RowDanger } from '../risks.js';
import type { PolicyRule, RbacBinding, RbacRole, RequestAttributes, Subject, UserInfo } from '../types.js';
import type { AuditRequest } from '../../audit/event.js';
import { implicitGroup, impersonationRequests } from './impersonation.js';
import { parseRbacReason } from './reason.js';
import { systemBinding } from './system.js';

export interface UnusedOptions {
  /** Also report system and vendor RBAC (bootstrap policy, system:*, add-ons, kube-system). */
  includeSystem?: boolean;
  /** The policy's ServiceAccounts are all that exist (live, listed completely). */
  serviceAccountsComplete?: boolean;
}

export type UnusedKind = 'binding' | 'rule' | 'binding-subject' | 'missing-service-account' | 'absent-subject' | 'user-not-group';

export interface UnusedFinding {
  kind: UnusedKind;
  severity: Severity;
  message: string;
  binding?: RbacBinding;
  role?: RbacRole;
  /** For kind 'rule': the rule (index into the role's effective rules). */
  ruleIndex?: number;
  rule?: PolicyRule;
  subject?: Subject;
  /** Every binding concerned (absent subjects, user-not-group). */
  bindings?: RbacBinding[];
  /** What it grants, from the escalation catalogue, most severe first. */
  danger: RowDanger[];
}

export interface AttributionStats {
  /** Allowed requests attributed through the reason annotation. */
  byReason: number;
  /** … through kubeharden's authorizer (no or unusable reason annotation). */
  byAuthorizer: number;
  /** Reason named a binding whose role no longer allows the request (the role changed): re-evaluated. */
  staleReason: number;
  /** Allowed for system:masters members (no binding involved). */
  masters: number;
  /** Allowed by another authorizer (Node, webhook) or by RBAC objects not in the input. */
  notRbac: number;
  /** Bindings named by reasons that are not in the policy any more (deleted since), with counts. */
  goneBindings: Record<string, number>;
  denied: number;
}

export interface UnusedReport {
  findings: UnusedFinding[];
  stats: AttributionStats;
  /** Bindings considered (system and vendor ones excluded unless asked). */
  bindingsConsidered: number;
  bindingsExcluded: number;
}

interface BindingUse {
  rb: ResolvedBinding;
  scope: string;
  requests: number;
  ruleUses: number[];
  subjectUses: number[];
  excluded: boolean;
}

const SUBJECT_FINDING_SEVERITY_FLOOR: Severity = 'low';
/** Authorizer answers remembered (requests without a usable reason annotation repeat a lot). */
const MAX_CACHE = 20_000;

function maxSeverity(d: readonly RowDanger[], floor: Severity = 'info'): Severity {
  const top = d[0]?.severity;
  return top && severityRank(top) > severityRank(floor) ? top : floor;
}

function bindingText(b: RbacBinding): string {
  return `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
}

function subjectText(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? '?'}/${s.name}` : `${s.kind} ${s.name}`;
}

export class UsageTracker {
  readonly #uses = new Map<RbacBinding, BindingUse>();
  readonly #crbByName = new Map<string, BindingUse>();
  readonly #rbByKey = new Map<string, BindingUse>();
  readonly #users = new Set<string>();
  readonly #groups = new Set<string>();
  readonly #cache = new Map<string, { use?: BindingUse; rule: number; subject: number; masters?: boolean }>();
  readonly stats: AttributionStats = { byReason: 0, byAuthorizer: 0, staleReason: 0, masters: 0, notRbac: 0, goneBindings: {}, denied: 0 };

  constructor(
    private readonly policy: RbacPolicy,
    private readonly opts: UnusedOptions = {},
  ) {
    const add = (rb: ResolvedBinding, scope: string): void => {
      const use: BindingUse = {
        rb,
        scope,
        requests: 0,
        ruleUses: new Array<number>(rb.role?.rules.length ?? 0).fill(0),
        subjectUses: new Array<number>(rb.binding.subjects.length).fill(0),
        excluded: !opts.includeSystem && systemBinding(rb.binding) !== undefined,
      };
      this.#uses.set(rb.binding, use);
      if (scope === '') this.#crbByName.set(rb.binding.name, use);
      else this.#rbByKey.set(`${scope}/${rb.binding.name}`, use);
    };
    policy.crbResolved.forEach((rb) => add(rb, ''));
    for (const [ns, list] of policy.rbResolved) for (const rb of list) add(rb, ns);
  }

  add(r: AuditRequest): void {
    this.#seen(r.user);
    if (r.impersonator) this.#seen(r.impersonator);
    if (r.decision !== 'allow') {
      this.stats.denied++;
      return;
    }
    this.#attribute(r.user, r.attrs, r.reason);
    if (r.impersonator) for (const a of impersonationRequests(r.user)) this.#attribute(r.impersonator, a, undefined);
  }

  #seen(u: UserInfo): void {
    this.#users.add(u.name);
    for (const g of u.groups) this.#groups.add(g);
  }

  #attribute(user: UserInfo, attrs: RequestAttributes, reason: string | undefined): void {
    const named = reason === undefined ? undefined : parseRbacReason(reason);
    if (named) {
      const use = named.kind === 'ClusterRoleBinding' ? this.#crbByName.get(named.name) : this.#rbByKey.get(`${named.namespace}/${named.name}`);
      if (!use) {
        const k = `${named.kind} ${named.namespace ? `${named.namespace}/` : ''}${named.name}`;
        this.stats.goneBindings[k] = (this.stats.goneBindings[k] ?? 0) + 1;
        return;
      }
      const rule = use.rb.role ? firstAllowingRule(attrs, use.rb.role.rules) : -1;
      if (rule >= 0) {
        this.stats.byReason++;
        this.#mark(use, rule, this.#subjectIndex(use, named.subjectKind, named.subjectName));
        return;
      }
      this.stats.staleReason++;
    }
    this.#byAuthorizer(user, attrs);
  }

  #byAuthorizer(user: UserInfo, attrs: RequestAttributes): void {
    const k = JSON.stringify([user.name, user.groups, attrs]);
    let hit = this.#cache.get(k);
    if (!hit) {
      const d = authorize(this.policy, user, attrs);
      if (d.grant) {
        const use = this.#uses.get(d.grant.binding);
        hit = { use, rule: d.grant.ruleIndex, subject: use ? use.rb.binding.subjects.indexOf(d.grant.subject) : -1 };
      } else hit = { rule: -1, subject: -1, masters: d.bypass !== undefined };
      if (this.#cache.size < MAX_CACHE) this.#cache.set(k, hit);
    }
    if (hit.use) {
      this.stats.byAuthorizer++;
      this.#mark(hit.use, hit.rule, hit.subject);
    } else if (hit.masters) this.stats.masters++;
    else this.stats.notRbac++;
  }

  /** The binding subject a reason names: `ServiceAccount "name/ns"`, `User "u"`, `Group "g"`. */
  #subjectIndex(use: BindingUse, kind: string, name: string): number {
    const subjects = use.rb.binding.subjects;
    for (let i = 0; i < subjects.length; i++) {
      const s = effectiveSubject(subjects[i], use.scope);
      if (s.kind !== kind) continue;
      if (kind === 'ServiceAccount' ? `${s.name}/${s.namespace ?? ''}` === name : s.name === name) return i;
    }
    return -1;
  }

  #mark(use: BindingUse, rule: number, subject: number): void {
    use.requests++;
    if (rule >= 0 && rule < use.ruleUses.length) use.ruleUses[rule]++;
    if (subject >= 0) use.subjectUses[subject]++;
  }

  /** Requests attributed to a binding so far (tests, the e2e suite). */
  requestsOf(b: RbacBinding): number {
    return this.#uses.get(b)?.requests ?? 0;
  }

  report(): UnusedReport {
    const findings: UnusedFinding[] = [];
    const considered = [...this.#uses.values()].filter((u) => !u.excluded);
    const dangerOf = (u: BindingUse, rules?: readonly PolicyRule[]): RowDanger[] => (u.rb.role ? rulesDanger(u.rb as ResolvedBinding & { role: RbacRole }, u.scope, rules) : []);

    const hygiene = this.#subjectFindings(considered, dangerOf);
    // An absent subject is reported once as such, not again for each binding it did not use.
    const absent = new Set(hygiene.filter((f) => f.kind === 'absent-subject' || f.kind === 'missing-service-account').map((f) => subjectKey(f.subject as Subject)));

    // Bindings nobody used, and subjects of used bindings that never used them.
    for (const u of considered) {
      if (!u.rb.role) continue; // dangling: grants nothing (rbac risks reports it)
      const b = u.rb.binding;
      const danger = dangerOf(u);
      const roleText = `${b.roleRef.kind} ${u.rb.role.namespace ? `${u.rb.role.namespace}/` : ''}${b.roleRef.name}`;
      if (u.requests === 0) {
        findings.push({
          kind: 'binding',
          severity: maxSeverity(danger),
          binding: b,
          role: u.rb.role,
          danger,
          message: `${bindingText(b)} → ${roleText} was not used by any request (subjects: ${b.subjects.map((s) => subjectText(effectiveSubject(s, u.scope))).join(', ') || 'none'})`,
        });
        continue;
      }
      b.subjects.forEach((s, i) => {
        if (u.subjectUses[i] > 0 || subjectProblem(s, u.scope)) return;
        const subject = effectiveSubject(s, u.scope);
        if (absent.has(subjectKey({ kind: subject.kind, name: subject.name, ...(subject.kind === 'ServiceAccount' ? { namespace: subject.namespace } : {}) }))) return;
        findings.push({
          kind: 'binding-subject',
          severity: maxSeverity(danger),
          binding: b,
          role: u.rb.role,
          subject,
          danger,
          message: `${subjectText(subject)} never used ${bindingText(b)} → ${roleText} (its other subjects did)`,
        });
      });
    }

    // Rules of used roles that no request used (through any binding of the role).
    const byRole = new Map<RbacRole, BindingUse[]>();
    for (const u of considered) {
      if (!u.rb.role) continue;
      let l = byRole.get(u.rb.role);
      if (!l) byRole.set(u.rb.role, (l = []));
      l.push(u);
    }
    for (const [role, uses] of byRole) {
      const used = uses.filter((u) => u.requests > 0);
      if (used.length === 0) continue;
      const widest = used.find((u) => u.scope === '') ?? used[0];
      role.rules.forEach((rule, i) => {
        if (uses.some((u) => u.ruleUses[i] > 0)) return;
        const danger = dangerOf(widest, [rule]);
        const o = role.ruleOrigins[i];
        const from = o && o.role !== role.name ? ` (aggregated from rule ${o.index} of ClusterRole ${o.role})` : '';
        findings.push({
          kind: 'rule',
          severity: maxSeverity(danger),
          binding: widest.rb.binding,
          role,
          ruleIndex: i,
          rule,
          danger,
          message: `rule ${i} of ${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}${from} was not used through any of its ${uses.length} binding(s)`,
        });
      });
    }

    findings.push(...hygiene);
    const order: UnusedKind[] = ['binding', 'missing-service-account', 'absent-subject', 'binding-subject', 'rule', 'user-not-group'];
    findings.sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        order.indexOf(a.kind) - order.indexOf(b.kind) ||
        (a.binding ? bindingText(a.binding) : '').localeCompare(b.binding ? bindingText(b.binding) : '') ||
        (a.subject ? subjectKey(a.subject) : '').localeCompare(b.subject ? subjectKey(b.subject) : '') ||
        (a.ruleIndex ?? -1) - (b.ruleIndex ?? -1),
    );
    return { findings, stats: this.stats, bindingsConsidered: considered.length, bindingsExcluded: this.#uses.size - considered.length };
  }

  #subjectFindings(considered: BindingUse[], dangerOf: (u: BindingUse) => RowDanger[]): UnusedFinding[] {
    const out: UnusedFinding[] = [];
    const bySubject = new Map<string, { subject: Subject; uses: BindingUse[] }>();
    const roleSubjects = new Map<string, { groups: Set<string>; groupBindings: RbacBinding[]; users: Map<string, BindingUse[]> }>();
    for (const u of considered) {
      const b = u.rb.binding;
      const roleKey = `${b.roleRef.kind}\u0000${b.roleRef.kind === 'Role' ? u.scope : ''}\u0000${b.roleRef.name}`;
      let rs = roleSubjects.get(roleKey);
      if (!rs) roleSubjects.set(roleKey, (rs = { groups: new Set(), groupBindings: [], users: new Map() }));
      for (const raw of b.subjects) {
        if (subjectProblem(raw, u.scope)) continue;
        const s = effectiveSubject(raw, u.scope);
        const k = subjectKey({ kind: s.kind, name: s.name, ...(s.kind === 'ServiceAccount' ? { namespace: s.namespace } : {}) });
        let e = bySubject.get(k);
        if (!e) bySubject.set(k, (e = { subject: { kind: s.kind, name: s.name, ...(s.kind === 'ServiceAccount' ? { namespace: s.namespace } : {}) }, uses: [] }));
        if (!e.uses.includes(u)) e.uses.push(u);
        if (s.kind === 'Group') {
          rs.groups.add(s.name);
          if (!rs.groupBindings.includes(b)) rs.groupBindings.push(b);
        }
        if (s.kind === 'User' && !s.name.startsWith('system:')) {
          const l = rs.users.get(s.name) ?? [];
          if (!l.includes(u)) l.push(u);
          rs.users.set(s.name, l);
        }
      }
    }
    const complete = this.opts.serviceAccountsComplete ?? false;
    for (const { subject, uses } of bySubject.values()) {
      const danger = uses.map((u) => dangerOf(u)).flat().sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
      const severity = maxSeverity(danger, SUBJECT_FINDING_SEVERITY_FLOOR);
      const bindings = uses.map((u) => u.rb.binding);
      const list = bindings.map(bindingText).join(', ');
      if (subject.kind === 'ServiceAccount' && subject.namespace && !this.policy.serviceAccount(subject.namespace, subject.name) && subject.name !== 'default') {
        out.push({
          kind: 'missing-service-account',
          severity,
          subject,
          bindings,
          danger,
          message: `${subjectText(subject)} ${complete ? 'does not exist' : 'is not among the objects read'} but is bound by ${list}: whoever creates it gets these rights`,
        });
        continue;
      }
      const active =
        subject.kind === 'Group'
          ? this.#groups.has(subject.name)
          : this.#users.has(subject.kind === 'ServiceAccount' ? serviceAccountUsername(subject.namespace ?? '', subject.name) : subject.name);
      if (active || (subject.kind === 'Group' && implicitGroup(subject.name))) continue;
      out.push({
        kind: 'absent-subject',
        severity,
        subject,
        bindings,
        danger,
        message: `${subjectText(subject)} made no request in the window${subject.kind === 'Group' ? ' (no request came from a member)' : ''}, yet is bound by ${list}`,
      });
    }
    for (const rs of roleSubjects.values()) {
      if (rs.groups.size === 0) continue;
      for (const [user, uses] of rs.users) {
        const b = uses[0].rb.binding;
        out.push({
          kind: 'user-not-group',
          severity: 'low',
          subject: { kind: 'User', name: user },
          binding: b,
          bindings: uses.map((u) => u.rb.binding),
          danger: [],
          message: `User ${user} is bound to ${b.roleRef.kind} ${b.roleRef.name} directly (${uses.map((u) => bindingText(u.rb.binding)).join(', ')}) while Group ${[...rs.groups].sort().join(', ')} is bound to it (${rs.groupBindings.map(bindingText).join(', ')}): grant it through group membership`,
        });
      }
    }
    return out;
  }
}
