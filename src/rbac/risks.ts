/**
 * risks: every subject holding a permission of the escalation catalogue, with severity, scope and
 * the grant (binding → role → rule) behind it; transitive paths through "can create pods in N ⇒
 * can act as every ServiceAccount in N" (and token requests, exec, impersonation); Users bound
 * directly instead of through Groups; bindings to roles or ServiceAccounts that do not exist.
 */
import type { Severity } from '../engine/types.js';
import { severityRank, SEVERITIES } from '../engine/types.js';
import { apiGroupMatches, combinedResource, firstAllowingRule, resourceMatches, verbMatches } from './match.js';
import { CATALOGUE, type CatalogueRow, type ProbeRequest } from './catalogue.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS,
  SYSTEM_MASTERS,
  effectiveSubject,
  serviceAccountGroups,
  subjectKey,
  subjectProblem,
} from './identity.js';
import type { RbacPolicy, ResolvedBinding } from './policy.js';
import { resourceRequest, type PolicyRule, type RbacRole, type Subject } from './types.js';

export interface GrantRef {
  binding: { kind: string; name: string; namespace?: string };
  role: { kind: string; name: string; namespace?: string };
  ruleIndex: number;
  rule: PolicyRule;
  builtin: boolean;
}

export interface PathStep {
  /** member: an implicit group membership; escalation: a permission that lets it become `to`. */
  kind: 'member' | 'escalation';
  from: Subject;
  to: Subject;
  /** e.g. "can create pods in namespace ns1" or "member of Group system:authenticated". */
  how: string;
  grant?: GrantRef;
}

export interface RiskFinding {
  /** Catalogue row id (create-workloads, read-secrets…) or user-bound-directly, dangling-role, missing-service-account, unmatchable-subject. */
  id: string;
  /** Row of the §A.3 catalogue, when the finding is one. */
  row?: number;
  title: string;
  severity: Severity;
  subject: Subject;
  /** '' = cluster-wide, else the namespace. */
  scope: string;
  message: string;
  grants: GrantRef[];
  /** The permission is limited to these resource names. */
  names?: string[];
  /** For transitive findings: how the subject reaches the identity that holds the permission. */
  path?: PathStep[];
  /** Every grant behind it comes from the built-in bootstrap policy. */
  builtin: boolean;
}

export interface RiskOptions {
  /** Report findings that only come from the built-in bootstrap policy. */
  includeBuiltin?: boolean;
  /** The ServiceAccounts in the policy are all that exist (live mode with list access). */
  serviceAccountsComplete?: boolean;
  /** Follow transitive paths (default true). */
  transitive?: boolean;
  /** Only report for this subject. */
  subject?: Subject;
  minSeverity?: Severity;
}

interface Held {
  rb: ResolvedBinding & { role: RbacRole };
  scope: string;
}

interface Holding {
  row: CatalogueRow;
  scope: string;
  grants: GrantRef[];
  names?: string[];
  severity: Severity;
  /** Per requirement: the request that matched. */
  matched: ProbeRequest[];
}

function grantRef(h: Held, ruleIndex: number): GrantRef {
  const b = h.rb.binding;
  const r = h.rb.role;
  return {
    binding: { kind: b.kind, name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}) },
    role: { kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
    ruleIndex,
    rule: r.rules[ruleIndex],
    builtin: b.origin === 'builtin',
  };
}

function lower(s: Severity): Severity {
  const i = severityRank(s);
  return SEVERITIES[Math.max(0, i - 1)];
}

function scopeText(scope: string): string {
  return scope ? `in namespace ${scope}` : 'cluster-wide';
}

export function describeSubjectShort(s: Subject): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? '?'}/${s.name}`;
  return `${s.kind} ${s.name}`;
}

/** Evaluates one request over the held grants in a scope: a full grant, or the names it is limited to. */
function evalRequest(held: readonly Held[], req: ProbeRequest, scope: string): { grant: GrantRef; names?: string[] } | undefined {
  const name = req.selfNamespace && scope ? scope : '';
  const attrs = resourceRequest(req.verb, req.resource, { apiGroup: req.group ?? '', subresource: req.subresource ?? '', name, namespace: scope });
  let named: { grant: GrantRef; names: Set<string> } | undefined;
  for (const h of held) {
    if (h.scope !== '' && (req.cluster || h.scope !== scope)) continue;
    const rules = h.rb.role.rules;
    const i = firstAllowingRule(attrs, rules);
    if (i >= 0) return { grant: grantRef(h, i) };
    // Name-restricted grants: everything matches but the name.
    const combined = combinedResource(attrs);
    rules.forEach((r, j) => {
      if (r.resourceNames.length === 0 || !verbMatches(r, attrs.verb) || !apiGroupMatches(r, attrs.apiGroup) || !resourceMatches(r, combined, attrs.subresource)) return;
      if (!named) named = { grant: grantRef(h, j), names: new Set() };
      for (const n of r.resourceNames) named.names.add(n);
    });
  }
  // create never carries a name, so a name-restricted create grant grants nothing.
  if (named && req.verb !== 'create') return { grant: named.grant, names: [...named.names].sort() };
  if (named && req.subresource) return { grant: named.grant, names: [...named.names].sort() }; // create on a named subresource (pods/exec, serviceaccounts/token)
  return undefined;
}

function evalRow(row: CatalogueRow, held: readonly Held[], scope: string): Holding | undefined {
  if (!row.all) return undefined;
  if (row.namespaces && scope && !row.namespaces.includes(scope)) return undefined;
  const grants: GrantRef[] = [];
  const matched: ProbeRequest[] = [];
  let names: string[] | undefined;
  for (const req of row.all) {
    let best: { grant: GrantRef; names?: string[]; req: ProbeRequest } | undefined;
    for (const r of req) {
      const g = evalRequest(held, r, scope);
      if (!g) continue;
      if (!g.names) {
        best = { ...g, req: r };
        break;
      }
      if (!best) best = { ...g, req: r };
    }
    if (!best) return undefined;
    grants.push(best.grant);
    matched.push(best.req);
    if (best.names) names = [...new Set([...(names ?? []), ...best.names])].sort();
  }
  const wide = scope === '' || scope === 'kube-system';
  let severity = wide ? (row.severityWide ?? row.severity) : row.severity;
  if (names) severity = lower(severity);
  const h: Holding = { row, scope, grants, severity, matched };
  if (names) h.names = names;
  return h;
}

/** Index: subject key → the bindings naming that subject directly, with the scope they hold in. */
function heldIndex(policy: RbacPolicy): Map<string, Held[]> {
  const index = new Map<string, Held[]>();
  const add = (rb: ResolvedBinding, ns: string): void => {
    if (!rb.role) return;
    const seen = new Set<string>();
    for (const raw of rb.binding.subjects) {
      if (subjectProblem(raw, ns)) continue;
      const k = subjectKey(cleanSubject(effectiveSubject(raw, ns)));
      if (seen.has(k)) continue;
      seen.add(k);
      let list = index.get(k);
      if (!list) index.set(k, (list = []));
      list.push({ rb: rb as Held['rb'], scope: ns });
    }
  };
  policy.crbResolved.forEach((rb) => add(rb, ''));
  for (const [ns, list] of policy.rbResolved) for (const rb of list) add(rb, ns);
  return index;
}

function cleanSubject(s: Subject): Subject {
  return { kind: s.kind, name: s.name, ...(s.kind === 'ServiceAccount' && s.namespace ? { namespace: s.namespace } : {}) };
}

interface NodeInfo {
  subject: Subject;
  held: Held[];
  holdings: Holding[];
  wildcards: RiskFinding[];
}

export interface RiskReport {
  findings: RiskFinding[];
  /** Subjects analysed. */
  subjects: number;
}

interface RiskContext {
  /** Every subject named by a binding. */
  subjects: Map<string, Subject>;
  /** ServiceAccounts by namespace (for "every ServiceAccount in N"). */
  sasByNs: Map<string, Set<string>>;
  /** The holdings of a subject (memoized). */
  node: NodeFn;
}

/** What risks and blast-radius share: subjects, ServiceAccounts by namespace, holdings per subject. */
function riskContext(policy: RbacPolicy): RiskContext {
  const nodes = new Map<string, NodeInfo>();

  // Every subject named by a binding, plus known ServiceAccounts.
  const subjects = new Map<string, Subject>();
  const held = heldIndex(policy);
  const addSubject = (s: Subject): void => {
    const clean = cleanSubject(s);
    const k = subjectKey(clean);
    if (!subjects.has(k)) subjects.set(k, clean);
  };
  for (const b of policy.allBindings()) {
    const ns = b.namespace ?? '';
    for (const raw of b.subjects) if (!subjectProblem(raw, ns)) addSubject(effectiveSubject(raw, ns));
  }
  // ServiceAccounts by namespace (for "every ServiceAccount in N").
  const sasByNs = new Map<string, Set<string>>();
  const addSa = (ns: string, name: string): void => {
    let set = sasByNs.get(ns);
    if (!set) sasByNs.set(ns, (set = new Set()));
    set.add(name);
  };
  for (const sa of policy.serviceAccounts.values()) addSa(sa.namespace, sa.name);
  for (const w of policy.workloads) addSa(w.namespace, w.serviceAccountName);
  for (const s of subjects.values()) if (s.kind === 'ServiceAccount' && s.namespace) addSa(s.namespace, s.name);
  for (const ns of policy.namespaces) addSa(ns, 'default');

  const heldIndexLookup = (s: Subject): Held[] => held.get(subjectKey(cleanSubject(s))) ?? [];
  const node = (s: Subject): NodeInfo => {
    const k = subjectKey(s);
    let n = nodes.get(k);
    if (n) return n;
    const held = heldIndexLookup(s);
    const scopes = ['', ...new Set(held.filter((h) => h.scope !== '').map((h) => h.scope))];
    const holdings: Holding[] = [];
    for (const row of CATALOGUE) {
      const cluster = evalRow(row, held, '');
      if (cluster) holdings.push(cluster);
      for (const scope of scopes.slice(1)) {
        if (cluster && !cluster.names) continue; // already held everywhere
        const h = evalRow(row, held, scope);
        if (h && !(cluster && h.names && cluster.names && h.names.every((x) => cluster.names?.includes(x)))) holdings.push(h);
      }
    }
    n = { subject: cleanSubject(s), held, holdings, wildcards: wildcardFindings(s, held) };
    nodes.set(k, n);
    return n;
  };
  return { subjects, sasByNs, node };
}

export function analyzeRisks(policy: RbacPolicy, opts: RiskOptions = {}): RiskReport {
  const includeBuiltin = opts.includeBuiltin ?? false;
  const transitive = opts.transitive ?? true;
  const { subjects, sasByNs, node } = riskContext(policy);

  const findings: RiskFinding[] = [];
  const keep = (f: RiskFinding): void => {
    if (!includeBuiltin && f.builtin) return;
    if (opts.minSeverity && severityRank(f.severity) < severityRank(opts.minSeverity)) return;
    findings.push(f);
  };

  const roots = opts.subject ? [cleanSubject(opts.subject)] : [...subjects.values()];
  let graph: EscalationGraph | undefined;
  if (transitive) {
    graph = new EscalationGraph(policy, node, sasByNs);
    graph.build(roots);
    graph.solve();
  }
  for (const s of roots) {
    const n = node(s);
    for (const h of n.holdings) keep(holdingFinding(s, h));
    for (const f of n.wildcards) keep(f);
    const special = specialSubjectFinding(s, n.held);
    if (special) keep(special);
    // Identities that only the built-in bootstrap policy binds (kube-controller-manager, …) are
    // cluster components: their reach is by design unless --include-builtin asks for it.
    const componentOnly = n.held.length > 0 && n.held.every((h) => h.rb.binding.origin === 'builtin');
    if (graph && (includeBuiltin || !componentOnly)) for (const f of transitiveFindingsFor(graph, n, implicitGroupsOf(s).map((g) => node(g)))) keep(f);
  }

  // Binding hygiene.
  for (const rb of [...policy.crbResolved, ...[...policy.rbResolved.values()].flat()]) {
    const b = rb.binding;
    const ns = b.namespace ?? '';
    const builtin = b.origin === 'builtin';
    if (rb.error) {
      keep({
        id: 'dangling-role',
        title: 'Binding to a role that does not exist',
        severity: 'low',
        subject: b.subjects[0] ?? { kind: 'User', name: '' },
        scope: ns,
        message: `${b.kind} ${ns ? `${ns}/` : ''}${b.name} references ${b.roleRef.kind} "${b.roleRef.name}", which ${policy.complete ? 'does not exist' : 'is not among the scanned objects (it may exist in the cluster)'}: it grants nothing now and goes live as soon as someone creates that role`,
        grants: [],
        builtin,
      });
    }
    for (const raw of b.subjects) {
      const problem = subjectProblem(raw, ns);
      if (problem) {
        keep({ id: 'unmatchable-subject', title: 'Subject that never matches', severity: 'info', subject: raw, scope: ns, message: `${b.kind} ${ns ? `${ns}/` : ''}${b.name}: ${problem}`, grants: [], builtin });
        continue;
      }
      const s = effectiveSubject(raw, ns);
      if (s.kind === 'User' && !s.name.startsWith('system:') && !builtin && (!opts.subject || subjectKey(opts.subject) === subjectKey(s))) {
        keep({
          id: 'user-bound-directly',
          title: 'User bound directly instead of through a Group',
          severity: 'low',
          subject: s,
          scope: ns,
          message: `${b.kind} ${ns ? `${ns}/` : ''}${b.name} binds User "${s.name}" directly; bind Groups from the identity provider so access follows membership`,
          grants: [],
          builtin,
        });
      }
      if (s.kind === 'ServiceAccount' && s.namespace && s.name !== 'default' && !policy.serviceAccount(s.namespace, s.name)) {
        const complete = opts.serviceAccountsComplete ?? false;
        keep({
          id: 'missing-service-account',
          title: 'Binding to a ServiceAccount that does not exist',
          severity: complete ? 'low' : 'info',
          subject: s,
          scope: ns,
          message: `${b.kind} ${ns ? `${ns}/` : ''}${b.name} binds ServiceAccount ${s.namespace}/${s.name}, which ${complete ? 'does not exist' : 'is not among the scanned objects (it may exist in the cluster)'}: whoever creates it gets these rights`,
          grants: [],
          builtin,
        });
      }
    }
  }

  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.row ?? 99) - (b.row ?? 99) || subjectKey(a.subject).localeCompare(subjectKey(b.subject)) || a.scope.localeCompare(b.scope));
  return { findings, subjects: roots.length };
}

function implicitGroupsOf(s: Subject): Subject[] {
  if (s.kind === 'ServiceAccount' && s.namespace) return [...serviceAccountGroups(s.namespace), ALL_AUTHENTICATED].map((name) => ({ kind: 'Group', name }));
  if (s.kind === 'User') return [{ kind: 'Group', name: s.name === ANONYMOUS ? ALL_UNAUTHENTICATED : ALL_AUTHENTICATED }];
  return [];
}

function holdingFinding(s: Subject, h: Holding): RiskFinding {
  const f: RiskFinding = {
    id: h.row.id,
    row: h.row.row,
    title: h.row.title,
    severity: h.severity,
    subject: s,
    scope: h.scope,
    message: `${describeSubjectShort(s)} ${h.row.title.charAt(0).toLowerCase()}${h.row.title.slice(1)} ${scopeText(h.scope)}${h.names ? ` (only ${h.names.join(', ')})` : ''}: ${h.row.why}`,
    grants: h.grants,
    builtin: h.grants.every((g) => g.builtin),
  };
  if (h.names) f.names = h.names;
  return f;
}

function wildcardFindings(s: Subject, held: readonly Held[]): RiskFinding[] {
  const out: RiskFinding[] = [];
  const row = CATALOGUE.find((r) => r.id === 'wildcard') as CatalogueRow;
  for (const h of held) {
    h.rb.role.rules.forEach((r, i) => {
      const verbsStar = r.verbs.includes('*');
      const resStar = r.resources.includes('*');
      const urlStar = r.nonResourceURLs.includes('*') && verbsStar;
      if (!verbsStar && !resStar && !urlStar) return;
      const all = verbsStar && resStar && r.apiGroups.includes('*');
      const what = all ? 'every verb on every resource (cluster-admin in this scope)' : verbsStar && resStar ? `every verb on every resource of ${r.apiGroups.map((g) => g || 'core').join(', ')}` : verbsStar ? `every verb on ${r.resources.join(', ') || r.nonResourceURLs.join(', ')}` : `${r.verbs.join(', ')} on every resource of ${r.apiGroups.map((g) => g || 'core').join(', ')}`;
      const g = grantRef(h, i);
      out.push({
        id: row.id,
        row: row.row,
        title: row.title,
        severity: all && h.scope === '' ? 'critical' : row.severity,
        subject: s,
        scope: h.scope,
        message: `${describeSubjectShort(s)} holds ${what} ${scopeText(h.scope)} through ${g.binding.kind} ${g.binding.name} → ${g.role.kind} ${g.role.name} rule ${i}`,
        grants: [g],
        builtin: g.builtin,
      });
    });
  }
  return out;
}

function specialSubjectFinding(s: Subject, held: readonly Held[]): RiskFinding | undefined {
  const special = (s.kind === 'Group' && (s.name === ALL_UNAUTHENTICATED || s.name === ALL_AUTHENTICATED)) || (s.kind === 'User' && s.name === ANONYMOUS);
  if (!special || held.length === 0) return undefined;
  const row = CATALOGUE.find((r) => r.id === 'special-subjects') as CatalogueRow;
  const grants: GrantRef[] = held.map((h) => ({ ...grantRef(h, 0), ruleIndex: -1, rule: { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [] } }));
  const nonBuiltin = grants.filter((g) => !g.builtin);
  const severity: Severity = s.name === ALL_AUTHENTICATED ? 'high' : 'critical';
  const list = (nonBuiltin.length ? nonBuiltin : grants).map((g) => `${g.role.kind} ${g.role.name} (${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name})`);
  return {
    id: row.id,
    row: row.row,
    title: row.title,
    severity,
    subject: s,
    scope: '',
    message: `${describeSubjectShort(s)} is granted ${list.join(', ')}: ${s.name === ALL_AUTHENTICATED ? 'every authenticated identity, every ServiceAccount included,' : 'anyone who can reach the API server, without credentials,'} gets these rights`,
    grants: nonBuiltin.length ? nonBuiltin : grants,
    builtin: nonBuiltin.length === 0,
  };
}

type NodeFn = (s: Subject) => NodeInfo;

/**
 * The "can become" graph and, per identity, the best gain of each catalogue row reachable from it
 * (most severe, then shortest path), computed once for all identities as a fixpoint. "Every
 * ServiceAccount in N" and "the ServiceAccounts of pods in N" are shared virtual nodes, so a
 * cluster-wide pod creator costs one edge, not one per ServiceAccount.
 */
interface GEdge {
  to: number;
  kind: 'member' | 'escalation' | 'virtual';
  how: string;
  grant?: GrantRef;
}

interface GNode {
  subject?: Subject;
  info?: NodeInfo;
  edges: GEdge[];
}

interface Gain {
  sev: number;
  dist: number;
  /** Index of the edge taken from this node. */
  via: number;
  holder: number;
  holding?: Holding;
}

const MASTERS_KEY = 'masters';

class EscalationGraph {
  readonly nodes: GNode[] = [];
  readonly #ids = new Map<string, number>();
  gains: Array<Map<string, Gain>> = [];

  constructor(
    private readonly policy: RbacPolicy,
    private readonly node: NodeFn,
    private readonly sasByNs: Map<string, Set<string>>,
  ) {}

  id(s: Subject): number {
    const k = subjectKey(s);
    let i = this.#ids.get(k);
    if (i === undefined) {
      i = this.nodes.length;
      this.#ids.set(k, i);
      this.nodes.push({ subject: s, edges: [] });
    }
    return i;
  }

  virtual(key: string): number {
    const k = `\u0001${key}`;
    let i = this.#ids.get(k);
    if (i === undefined) {
      i = this.nodes.length;
      this.#ids.set(k, i);
      this.nodes.push({ edges: [] });
    }
    return i;
  }

  /** Builds every node reachable from the roots. */
  build(roots: Subject[]): void {
    const queue: number[] = roots.map((r) => this.id(r));
    const done = new Set<number>();
    while (queue.length) {
      const i = queue.pop() as number;
      if (done.has(i)) continue;
      done.add(i);
      const g = this.nodes[i];
      if (g.subject && !g.info) {
        g.info = this.node(g.subject);
        g.edges = this.realEdges(g.info);
      }
      for (const e of g.edges) if (!done.has(e.to)) queue.push(e.to);
    }
  }

  private sasVirtual(scope: string): number {
    const key = `sas:${scope || '*'}`;
    const existing = this.#ids.get(`\u0001${key}`);
    if (existing !== undefined) return existing;
    const v = this.virtual(key);
    const nss = scope ? [scope] : [...this.sasByNs.keys()].sort();
    const edges: GEdge[] = [];
    if (scope) for (const name of [...(this.sasByNs.get(scope) ?? [])].sort()) edges.push({ to: this.id({ kind: 'ServiceAccount', namespace: scope, name }), kind: 'virtual', how: '' });
    else for (const ns of nss) edges.push({ to: this.sasVirtual(ns), kind: 'virtual', how: '' });
    this.nodes[v].edges = edges;
    return v;
  }

  private podsVirtual(scope: string): number {
    const key = `pods:${scope || '*'}`;
    const existing = this.#ids.get(`\u0001${key}`);
    if (existing !== undefined) return existing;
    const v = this.virtual(key);
    const edges: GEdge[] = [];
    if (scope) {
      const seen = new Set<string>();
      for (const w of this.policy.workloads) {
        if (w.namespace !== scope || seen.has(w.serviceAccountName)) continue;
        seen.add(w.serviceAccountName);
        edges.push({ to: this.id({ kind: 'ServiceAccount', namespace: scope, name: w.serviceAccountName }), kind: 'virtual', how: `${w.kind} ${w.namespace}/${w.name} runs as it` });
      }
    } else for (const ns of [...new Set(this.policy.workloads.map((w) => w.namespace))].sort()) edges.push({ to: this.podsVirtual(ns), kind: 'virtual', how: '' });
    this.nodes[v].edges = edges;
    return v;
  }

  private realEdges(n: NodeInfo): GEdge[] {
    const s = n.subject;
    const out: GEdge[] = [];
    if (s.kind === 'ServiceAccount' && s.namespace)
      for (const g of [...serviceAccountGroups(s.namespace), ALL_AUTHENTICATED]) out.push({ to: this.id({ kind: 'Group', name: g }), kind: 'member', how: `member of Group ${g}` });
    if (s.kind === 'User') {
      const g = s.name === ANONYMOUS ? ALL_UNAUTHENTICATED : ALL_AUTHENTICATED;
      out.push({ to: this.id({ kind: 'Group', name: g }), kind: 'member', how: `member of Group ${g}` });
    }
    const namedSas = (scope: string, names: string[]): number[] =>
      (scope ? [scope] : [...this.sasByNs.keys()].sort()).flatMap((ns) => names.map((name) => this.id({ kind: 'ServiceAccount', namespace: ns, name })));
    for (const h of n.holdings) {
      const grant = h.grants[0];
      const edge = h.row.edge;
      if (h.row.id === 'write-secrets' && !h.names) {
        const read = n.holdings.some((x) => x.row.id === 'read-secrets' && (x.scope === '' || x.scope === h.scope));
        if (read) out.push({ to: this.sasVirtual(h.scope), kind: 'escalation', how: `can create a token Secret for any ServiceAccount ${scopeText(h.scope)} and read it`, grant });
      }
      if (edge === 'service-accounts') out.push({ to: this.sasVirtual(h.scope), kind: 'escalation', how: `can create pods ${scopeText(h.scope)} and run them as any ServiceAccount there`, grant });
      else if (edge === 'token-service-accounts') {
        const how = `can request tokens for ServiceAccounts ${scopeText(h.scope)}`;
        if (h.names) for (const to of namedSas(h.scope, h.names)) out.push({ to, kind: 'escalation', how, grant });
        else out.push({ to: this.sasVirtual(h.scope), kind: 'escalation', how, grant });
      } else if (edge === 'pod-service-accounts') {
        if (!h.names) out.push({ to: this.podsVirtual(h.scope), kind: 'escalation', how: `can run code in the pods ${scopeText(h.scope)}`, grant });
      } else if (edge === 'impersonate') {
        for (const [resource, kind] of [
          ['users', 'User'],
          ['groups', 'Group'],
        ] as const) {
          const g = evalRequest(n.held, { verb: 'impersonate', resource, group: '', cluster: true }, '');
          if (g?.names) for (const name of g.names) out.push({ to: this.id({ kind, name }), kind: 'escalation', how: `can impersonate ${kind} ${name}`, grant: g.grant });
        }
        for (const scope of ['', ...new Set(n.held.map((x) => x.scope).filter(Boolean))]) {
          const g = evalRequest(n.held, { verb: 'impersonate', resource: 'serviceaccounts' }, scope);
          if (!g) continue;
          const how = `can impersonate ServiceAccounts ${scopeText(scope)}`;
          if (g.names) for (const to of namedSas(scope, g.names)) out.push({ to, kind: 'escalation', how, grant: g.grant });
          else out.push({ to: this.sasVirtual(scope), kind: 'escalation', how, grant: g.grant });
        }
      }
    }
    return out;
  }

  /** Best gain per row for every node: relax along edges until nothing improves. */
  solve(): void {
    const n = this.nodes.length;
    this.gains = Array.from({ length: n }, () => new Map<string, Gain>());
    const better = (a: Gain, b: Gain | undefined): boolean => !b || a.sev > b.sev || (a.sev === b.sev && a.dist < b.dist);
    for (let pass = 0; pass < n + 1; pass++) {
      let changed = false;
      for (let i = 0; i < n; i++) {
        const gi = this.gains[i];
        const edges = this.nodes[i].edges;
        for (let e = 0; e < edges.length; e++) {
          const m = edges[e].to;
          const target = this.nodes[m];
          const step = edges[e].kind === 'virtual' ? 0 : 1;
          if (target.info) {
            for (const h of target.info.holdings) {
              const cand: Gain = { sev: severityRank(h.severity), dist: step, via: e, holder: m, holding: h };
              if (better(cand, gi.get(h.row.id))) {
                gi.set(h.row.id, cand);
                changed = true;
              }
            }
          }
          if (target.subject?.kind === 'Group' && target.subject.name === SYSTEM_MASTERS) {
            const cand: Gain = { sev: severityRank('critical'), dist: step, via: e, holder: m };
            if (better(cand, gi.get(MASTERS_KEY))) {
              gi.set(MASTERS_KEY, cand);
              changed = true;
            }
          }
          for (const [k, g] of this.gains[m]) {
            const cand: Gain = { sev: g.sev, dist: g.dist + step, via: e, holder: g.holder, holding: g.holding };
            if (better(cand, gi.get(k))) {
              gi.set(k, cand);
              changed = true;
            }
          }
        }
      }
      if (!changed) break;
    }
  }

  /** The steps from node i to the holder of its gain `key`. */
  path(i: number, key: string): PathStep[] {
    const steps: PathStep[] = [];
    let cur = i;
    let pending: PathStep | undefined;
    for (let guard = 0; guard < this.nodes.length + 2; guard++) {
      const g = this.gains[cur].get(key);
      if (!g) break;
      const e = this.nodes[cur].edges[g.via];
      const next = this.nodes[e.to];
      if (this.nodes[cur].subject) {
        pending = { kind: e.kind === 'member' ? 'member' : 'escalation', from: this.nodes[cur].subject as Subject, to: next.subject ?? { kind: '', name: '' }, how: e.how, ...(e.grant ? { grant: e.grant } : {}) };
        steps.push(pending);
      } else if (pending && e.how) pending.how = `${pending.how} (${e.how})`;
      if (pending && next.subject) pending.to = next.subject;
      // The stored gain is the best one, so when the edge lands on the holder its own holding
      // (at the shortest distance) is what was chosen: the path ends here.
      if (e.to === g.holder) break;
      cur = e.to;
    }
    return steps;
  }
}

function transitiveFindingsFor(graph: EscalationGraph, root: NodeInfo, rootGroups: NodeInfo[]): RiskFinding[] {
  const i = graph.id(root.subject);
  const members = new Set([i, ...rootGroups.map((g) => graph.id(g.subject))]);
  // What the root already holds, directly or through its implicit groups.
  const held = new Map<string, number>();
  for (const n of [root, ...rootGroups]) for (const h of n.holdings) held.set(h.row.id, Math.max(held.get(h.row.id) ?? -1, severityRank(h.severity)));
  const out: RiskFinding[] = [];
  for (const [key, g] of graph.gains[i] ?? []) {
    if (members.has(g.holder)) continue;
    if ((held.get(key) ?? -1) >= g.sev) continue;
    const path = graph.path(i, key);
    if (!path.some((p) => p.kind === 'escalation')) continue;
    const holder = graph.nodes[g.holder].subject as Subject;
    const via = path.map((p) => p.how).join(' → ');
    if (key === MASTERS_KEY) {
      if (root.subject.kind === 'Group' && root.subject.name === SYSTEM_MASTERS) continue;
      out.push({
        id: 'impersonate',
        row: 9,
        title: 'Can become system:masters',
        severity: 'critical',
        subject: root.subject,
        scope: '',
        message: `${describeSubjectShort(root.subject)} can act as a member of system:masters (${via}), which bypasses authorization`,
        grants: [],
        path,
        builtin: path.every((p) => !p.grant || p.grant.builtin),
      });
      continue;
    }
    const h = g.holding as Holding;
    const f = holdingFinding(root.subject, h);
    f.path = path;
    f.message = `${describeSubjectShort(root.subject)} can become ${describeSubjectShort(holder)} (${via}), which ${h.row.title.charAt(0).toLowerCase()}${h.row.title.slice(1)} ${scopeText(h.scope)}`;
    f.builtin = f.builtin && path.every((p) => !p.grant || p.grant.builtin);
    out.push(f);
  }
  return out;
}

export interface RowDanger {
  id: string;
  row: number;
  severity: Severity;
  title: string;
  names?: string[];
}

/**
 * The catalogue rows a role's rules grant on their own in one scope ('' cluster-wide), most severe
 * first, including wildcards: what `rbac unused` ranks an unused binding or rule by. `rules`
 * defaults to all of the role's rules (pass one to rank a single rule).
 */
export function rulesDanger(rb: ResolvedBinding & { role: RbacRole }, scope: string, rules: readonly PolicyRule[] = rb.role.rules): RowDanger[] {
  const role: RbacRole = rules === rb.role.rules ? rb.role : { ...rb.role, rules: [...rules] };
  const held: Held[] = [{ rb: { ...rb, role }, scope }];
  const out: RowDanger[] = [];
  for (const row of CATALOGUE) {
    const h = evalRow(row, held, scope);
    if (h) out.push({ id: row.id, row: row.row, severity: h.severity, title: row.title, ...(h.names ? { names: h.names } : {}) });
  }
  const subject: Subject = { kind: 'User', name: '' };
  for (const f of wildcardFindings(subject, held)) if (!out.some((o) => o.id === f.id && severityRank(o.severity) >= severityRank(f.severity))) out.push({ id: f.id, row: f.row ?? 17, severity: f.severity, title: f.title });
  return out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.row - b.row);
}

export interface BecomeStep {
  from: Subject;
  to: Subject;
  /** e.g. "can create pods in namespace ci and run them as any ServiceAccount there". */
  how: string;
  grant?: GrantRef;
}

export interface ReachedIdentity {
  subject: Subject;
  /** The shortest chain of escalations from the start (its length is the chain length). */
  chain: BecomeStep[];
  /** Catalogue rows the identity holds itself. */
  holdings: Array<{ id: string; row: number; severity: Severity; scope: string; names?: string[] }>;
}

/**
 * Every identity `start` can become by following escalation edges ("can create pods in N ⇒ every
 * ServiceAccount in N", exec into pods, token requests, token Secrets, impersonation) to a
 * fixpoint, each with its shortest chain (implicit group membership costs nothing). What
 * blast-radius reports for a compromised workload's ServiceAccount.
 */
export class Reachability {
  readonly #ctx: RiskContext;
  readonly #graph: EscalationGraph;

  /** One context and graph for many starts (blast radius of every workload). */
  constructor(policy: RbacPolicy) {
    this.#ctx = riskContext(policy);
    this.#graph = new EscalationGraph(policy, this.#ctx.node, this.#ctx.sasByNs);
  }

  from(start: Subject): { start: ReachedIdentity; reached: ReachedIdentity[] } {
    return reach(this.#ctx, this.#graph, start);
  }
}

export function reachableIdentities(policy: RbacPolicy, start: Subject): { start: ReachedIdentity; reached: ReachedIdentity[] } {
  return new Reachability(policy).from(start);
}

function reach(ctx: RiskContext, graph: EscalationGraph, start: Subject): { start: ReachedIdentity; reached: ReachedIdentity[] } {
  const root = cleanSubject(start);
  graph.build([root]);
  const from = graph.id(root);
  const n = graph.nodes.length;
  const dist = new Array<number>(n).fill(Infinity);
  const prev = new Array<{ node: number; edge: number } | undefined>(n);
  dist[from] = 0;
  // 0-1 breadth-first search: membership and virtual hops cost 0, escalations 1.
  const deque: number[] = [from];
  while (deque.length) {
    const i = deque.shift() as number;
    graph.nodes[i].edges.forEach((e, k) => {
      const w = e.kind === 'escalation' ? 1 : 0;
      if (dist[i] + w < dist[e.to]) {
        dist[e.to] = dist[i] + w;
        prev[e.to] = { node: i, edge: k };
        if (w === 0) deque.unshift(e.to);
        else deque.push(e.to);
      }
    });
  }
  const chainTo = (t: number): BecomeStep[] => {
    const hops: Array<{ node: number; edge: number }> = [];
    for (let c = t; prev[c]; c = (prev[c] as { node: number }).node) hops.unshift(prev[c] as { node: number; edge: number });
    const steps: BecomeStep[] = [];
    let lastSubject = root;
    let pending: BecomeStep | undefined;
    for (const h of hops) {
      const e = graph.nodes[h.node].edges[h.edge];
      const target = graph.nodes[e.to].subject;
      if (graph.nodes[h.node].subject) lastSubject = graph.nodes[h.node].subject as Subject;
      if (e.kind === 'escalation') {
        pending = { from: lastSubject, to: target ?? lastSubject, how: e.how, ...(e.grant ? { grant: e.grant } : {}) };
        steps.push(pending);
      } else if (e.kind === 'virtual' && pending) {
        if (e.how) pending.how = `${pending.how} (${e.how})`;
        if (target) pending.to = target;
      }
    }
    return steps;
  };
  const identity = (i: number): ReachedIdentity => {
    const g = graph.nodes[i];
    const info = g.info ?? ctx.node(g.subject as Subject);
    return {
      subject: g.subject as Subject,
      chain: chainTo(i),
      holdings: info.holdings.map((h) => ({ id: h.row.id, row: h.row.row, severity: h.severity, scope: h.scope, ...(h.names ? { names: h.names } : {}) })),
    };
  };
  const reached: ReachedIdentity[] = [];
  for (let i = 0; i < n; i++) {
    const sub = graph.nodes[i].subject;
    if (i === from || !sub || dist[i] === Infinity || dist[i] === 0) continue;
    // Groups reached are memberships of identities reached; only system:masters is one to report.
    if (sub.kind === 'Group' && sub.name !== SYSTEM_MASTERS) continue;
    reached.push(identity(i));
  }
  reached.sort((a, b) => a.chain.length - b.chain.length || subjectKey(a.subject).localeCompare(subjectKey(b.subject)));
  return { start: identity(from), reached };
}
