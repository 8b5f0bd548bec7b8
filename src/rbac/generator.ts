/**
 * A seeded generator of random RBAC worlds and requests for differential testing against the
 * real API server: wildcards, subresources (`*∕scale`, `pods/*` literals), resourceNames,
 * nonResourceURLs with trailing `*`, ClusterRole aggregation (matchLabels and matchExpressions,
 * nested, cyclic, and into the built-in view/edit/admin), group and ServiceAccount subjects,
 * RoleBindings to ClusterRoles, dangling references.
 *
 * Everything it produces passes API validation (resource rules have apiGroups; URL rules only
 * in ClusterRoles; ServiceAccount subjects of ClusterRoleBindings have a namespace), and its
 * aggregation selectors only ever select generated roles (every selector requires the generated
 * `member` label), so the built-in roles of a live cluster never change what it aggregates.
 */
import type { RequestAttributes, UserInfo } from './types.js';
import { serviceAccountUser, serviceAccountUsername } from './identity.js';

/** mulberry32: small, fast, good enough for test data; same seed → same world. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

export interface GeneratedWorld {
  seed: number;
  prefix: string;
  namespaces: string[];
  users: string[];
  groups: string[];
  serviceAccounts: Array<{ namespace: string; name: string }>;
  /** Every object, in apply order (Namespaces first is up to the caller; they are listed here too). */
  objects: Json[];
  requests: Array<{ user: UserInfo; attrs: RequestAttributes }>;
  /** Labels: every generated role carries `${prefix}/member`. */
  memberLabel: string;
}

export interface GeneratorOptions {
  namespaces?: number;
  clusterRoles?: number;
  rolesPerNamespace?: number;
  bindings?: number;
  requests?: number;
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', 'approve', 'use'];
const GROUPS = ['', '', 'apps', 'batch', 'rbac.authorization.k8s.io', 'example.com'];
const RESOURCES: Array<[string, string]> = [
  ['', 'pods'],
  ['', 'pods/log'],
  ['', 'pods/exec'],
  ['', 'pods/status'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'services'],
  ['', 'services/status'],
  ['', 'nodes'],
  ['', 'nodes/proxy'],
  ['', 'namespaces'],
  ['', 'serviceaccounts/token'],
  ['apps', 'deployments'],
  ['apps', 'deployments/scale'],
  ['apps', 'replicasets/scale'],
  ['batch', 'jobs'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['example.com', 'widgets'],
  ['example.com', 'widgets/status'],
];
const WILD_RESOURCES = ['*', '*/scale', '*/status', 'pods/*', '*/*', 'Pods'];
const NAMES = ['alpha', 'beta', 'gamma'];
const URLS = ['/healthz', '/kh', '/kh/a', '/kh/a/b', '/khx', '/metrics', '/api', '/apis/kh', '/logs/x', '/version'];
const URL_RULES = ['/healthz', '/kh/*', '/kh/a', '/kh*', '/metrics', '*', '/logs/*', '/api'];

/** The seeded choices every step draws from, in one sequence (same seed → same world). */
interface Random {
  next: () => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
  /** 1..max distinct items. */
  some: <T>(xs: readonly T[], max: number) => T[];
}

function random(seed: number): Random {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  return {
    next,
    pick,
    chance: (p) => next() < p,
    some: <T>(xs: readonly T[], max: number): T[] => {
      const n = 1 + Math.floor(next() * max);
      const out: T[] = [];
      for (let i = 0; i < n; i++) {
        const x = pick(xs);
        if (!out.includes(x)) out.push(x);
      }
      return out;
    },
  };
}

/** The names of one world: everything carries the seed's prefix, so worlds never collide in a cluster. */
interface WorldNames {
  seed: number;
  prefix: string;
  member: string;
  aggKeys: string[];
  namespaces: string[];
  users: string[];
  groups: string[];
  serviceAccounts: Array<{ namespace: string; name: string }>;
}

function worldNames(seed: number, opts: GeneratorOptions): WorldNames {
  const prefix = `khg${seed % 100000}`;
  const namespaces = Array.from({ length: opts.namespaces ?? 3 }, (_, i) => `${prefix}-ns${i}`);
  return {
    seed,
    prefix,
    member: `${prefix}.kubeharden.test/member`,
    aggKeys: [0, 1, 2].map((i) => `${prefix}.kubeharden.test/agg-${i}`),
    namespaces,
    users: Array.from({ length: 6 }, (_, i) => `${prefix}-user${i}`),
    groups: Array.from({ length: 4 }, (_, i) => `${prefix}-group${i}`),
    serviceAccounts: namespaces.flatMap((ns) => ['sa0', 'sa1', 'default'].map((name) => ({ namespace: ns, name }))),
  };
}

export function generateWorld(seed: number, opts: GeneratorOptions = {}): GeneratedWorld {
  const rand = random(seed);
  const names = worldNames(seed, opts);
  const objects: Json[] = [];
  for (const ns of names.namespaces) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const sa of names.serviceAccounts) if (sa.name !== 'default') objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa.name, namespace: sa.namespace } });
  const clusterRoleNames = addClusterRoles(rand, names, opts.clusterRoles ?? 12, objects);
  clusterRoleNames.push(...addAggregationCycle(names, objects));
  const roleNames = addRoles(rand, names, opts.rolesPerNamespace ?? 3, objects);
  addBindings(rand, names, opts.bindings ?? 30, clusterRoleNames, roleNames, objects);
  const requests = generateRequests(rand, names, opts.requests ?? 2400, objects);
  const { prefix, namespaces, users, groups, serviceAccounts, member } = names;
  return { seed, prefix, namespaces, users, groups, serviceAccounts, objects, requests, memberLabel: member };
}

/** A random resource rule (wildcards, subresources, resourceNames, odd case) or URL rule. */
function resourceRule({ chance, pick, some }: Random): Json {
  const rule: Json = {};
  const wild = chance(0.25);
  rule.apiGroups = chance(0.15) ? ['*'] : some(GROUPS, 2);
  rule.resources = wild ? [pick(WILD_RESOURCES), ...(chance(0.5) ? [pick(RESOURCES)[1]] : [])] : some(RESOURCES.map((x) => x[1]), 3);
  rule.verbs = chance(0.12) ? ['*'] : [...some(VERBS, 3), ...(chance(0.05) ? ['GET'] : [])];
  if (chance(0.2)) rule.resourceNames = some(NAMES, 2);
  // Keep rules that grant something for real groups: align apiGroups with a resource's group.
  if (!wild && chance(0.6)) {
    const res = (rule.resources as string[])[0];
    const g = RESOURCES.find((x) => x[1] === res)?.[0] ?? '';
    if (!(rule.apiGroups as string[]).includes(g) && !(rule.apiGroups as string[]).includes('*')) (rule.apiGroups as string[]).push(g);
  }
  return rule;
}

function urlRule({ chance, some }: Random): Json {
  return { nonResourceURLs: some(URL_RULES, 2), verbs: chance(0.2) ? ['*'] : some(['get', 'post', 'put', 'delete', 'head'], 2) };
}

/** ClusterRoles: plain members (with aggregation labels), aggregators (selectors), URL roles. Returns their names. */
function addClusterRoles(rand: Random, names: WorldNames, count: number, objects: Json[]): string[] {
  const { chance, pick, next } = rand;
  const { prefix, member, aggKeys, seed } = names;
  const clusterRoleNames: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-cr${i}`;
    clusterRoleNames.push(name);
    const labels: Record<string, string> = { [member]: 'true' };
    for (const k of aggKeys) if (chance(0.3)) labels[k] = pick(['true', 'x']);
    if (i === 1) labels['rbac.authorization.k8s.io/aggregate-to-edit'] = 'true'; // flows into edit and admin
    const obj: Json = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels } };
    if (i >= count - 3) {
      // Aggregators; the last two select each other's keys (a cycle) when their labels line up.
      const selectors: Json[] = [];
      const k = aggKeys[i % aggKeys.length];
      const form = (i + seed) % 4;
      if (form === 0) selectors.push({ matchLabels: { [member]: 'true', [k]: 'true' } });
      else if (form === 1) selectors.push({ matchLabels: { [member]: 'true' }, matchExpressions: [{ key: k, operator: 'In', values: ['true', 'x'] }] });
      else if (form === 2) selectors.push({ matchExpressions: [{ key: member, operator: 'Exists' }, { key: k, operator: 'NotIn', values: ['x'] }, { key: aggKeys[(i + 1) % 3], operator: 'Exists' }] });
      else selectors.push({ matchExpressions: [{ key: member, operator: 'In', values: ['true'] }, { key: k, operator: 'DoesNotExist' }, { key: aggKeys[(i + 2) % 3], operator: 'Exists' }] });
      if (chance(0.5)) selectors.push({ matchLabels: { [member]: 'true', [aggKeys[(i + 1) % 3]]: 'x' } });
      obj.aggregationRule = { clusterRoleSelectors: selectors };
      // Hand-written rules are overwritten by the controller. Only on aggregators no selector can
      // reach (no agg-* labels): inside a cycle, whether they survive depends on sync order.
      if (chance(0.3)) {
        for (const key of aggKeys) delete labels[key];
        obj.rules = [resourceRule(rand)];
      } else obj.rules = [];
    } else if (i % 5 === 4) obj.rules = [urlRule(rand), ...(chance(0.5) ? [urlRule(rand)] : [])];
    else obj.rules = Array.from({ length: 1 + Math.floor(next() * 3) }, () => resourceRule(rand));
    objects.push(obj);
  }
  return clusterRoleNames;
}

/**
 * An aggregation cycle: each selects the other (plus some members). No hand-written rules, and
 * no agg-* labels, so no other aggregator reaches them: the least fixpoint is well defined.
 */
function addAggregationCycle({ prefix, member, aggKeys }: WorldNames, objects: Json[]): string[] {
  const cycleKey = `${prefix}.kubeharden.test/cycle`;
  const out: string[] = [];
  for (const [me, other, k] of [
    ['a', 'b', 0],
    ['b', 'a', 1],
  ] as const) {
    const name = `${prefix}-cycle-${me}`;
    out.push(name);
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: { [member]: 'true', [cycleKey]: me } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [cycleKey]: other } }, { matchLabels: { [member]: 'true', [aggKeys[k]]: 'true' } }] },
      rules: [],
    });
  }
  return out;
}

/** Roles per namespace; returns their names by namespace. */
function addRoles(rand: Random, { namespaces }: WorldNames, perNamespace: number, objects: Json[]): Map<string, string[]> {
  const roleNames = new Map<string, string[]>();
  for (const ns of namespaces) {
    const names: string[] = [];
    for (let i = 0; i < perNamespace; i++) {
      const name = `role${i}`;
      names.push(name);
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules: Array.from({ length: 1 + Math.floor(rand.next() * 3) }, () => resourceRule(rand)) });
    }
    roleNames.set(ns, names);
  }
  return roleNames;
}

/** RoleBindings and ClusterRoleBindings to users, groups and ServiceAccounts, some to missing roles. */
function addBindings(rand: Random, names: WorldNames, count: number, clusterRoleNames: readonly string[], roleNames: ReadonlyMap<string, string[]>, objects: Json[]): void {
  const { chance, pick, next } = rand;
  const { prefix, users, groups, namespaces, serviceAccounts } = names;
  const subject = (bindingNs: string | undefined): Json => {
    const x = next();
    if (x < 0.3) return { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: pick(users) };
    if (x < 0.55) return { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: pick(groups) };
    if (x < 0.6) return { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${pick(namespaces)}` };
    const sa = pick(serviceAccounts);
    if (bindingNs && sa.namespace === bindingNs && chance(0.5)) return { kind: 'ServiceAccount', name: sa.name }; // namespace defaults to the binding's
    return { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
  };
  for (let i = 0; i < count; i++) {
    const cluster = chance(0.35);
    const ns = pick(namespaces);
    const subjects = Array.from({ length: 1 + Math.floor(next() * 3) }, () => subject(cluster ? undefined : ns));
    let roleRef: Json;
    if (cluster || chance(0.5)) {
      const name = chance(0.06) ? `${prefix}-missing` : chance(0.08) ? pick(['view', 'edit']) : pick(clusterRoleNames);
      roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name };
    } else {
      roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: chance(0.08) ? 'missing-role' : pick(roleNames.get(ns) as string[]) };
    }
    const meta: Json = cluster ? { name: `${prefix}-crb${i}` } : { name: `rb${i}`, namespace: ns };
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding', metadata: meta, roleRef, subjects });
  }
}

/** Requests: identities × attributes, biased toward what the rules mention (some aimed at a granted rule, off by one field). */
function generateRequests(rand: Random, names: WorldNames, count: number, objects: readonly Json[]): GeneratedWorld['requests'] {
  const { chance, pick, next } = rand;
  const { users, groups, namespaces, serviceAccounts } = names;
  const identity = (): UserInfo => {
    const x = next();
    if (x < 0.45) {
      const gs = groups.filter(() => chance(0.3));
      if (chance(0.15)) gs.push(`system:serviceaccounts:${pick(namespaces)}`);
      if (chance(0.02)) gs.push('system:masters');
      return { name: pick(users), groups: [...gs, 'system:authenticated'] };
    }
    if (x < 0.9) {
      const sa = pick(serviceAccounts);
      return serviceAccountUser(sa.namespace, sa.name);
    }
    if (x < 0.95) return { name: pick(users), groups: [] };
    return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  };
  const requests: GeneratedWorld['requests'] = [];
  const bindings = objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
  for (let i = 0; i < count; i++) {
    if (chance(0.55)) {
      const q = aimedRequest(rand, names, bindings, objects);
      if (q) {
        requests.push(q);
        continue;
      }
    }
    const user = identity();
    if (chance(0.15)) {
      requests.push({ user, attrs: { resourceRequest: false, verb: pick(['get', 'post', 'put', 'delete', 'head', 'GET']), path: pick(URLS) } });
      continue;
    }
    const [group, combined] = chance(0.9) ? pick(RESOURCES) : [pick(GROUPS), pick(['Pods', 'widgets', 'anything'])];
    const [resource, subresource = ''] = combined.split('/');
    const namespace = chance(0.8) ? pick(namespaces) : chance(0.5) ? '' : 'other';
    const name = chance(0.35) ? pick([...NAMES, 'delta']) : '';
    requests.push({ user, attrs: { resourceRequest: true, verb: chance(0.03) ? 'GET' : pick(VERBS), apiGroup: chance(0.05) ? 'example.com' : group, resource, subresource, name, namespace } });
  }
  return requests;
}

/** A request aimed at a rule some binding grants, as one of that binding's subjects, sometimes off by one field. */
function aimedRequest(rand: Random, { users, namespaces }: WorldNames, bindings: readonly Json[], objects: readonly Json[]): { user: UserInfo; attrs: RequestAttributes } | undefined {
  const { chance, pick, next } = rand;
  const b = pick(bindings);
  const meta = b.metadata as Json;
  const ns = meta.namespace as string | undefined;
  const ref = b.roleRef as Json;
  const role = objects.find((o) => o.kind === ref.kind && (o.metadata as Json).name === ref.name && (ref.kind === 'ClusterRole' || (o.metadata as Json).namespace === ns));
  // Aggregated roles' own rules are not what they grant; near misses are still useful probes.
  const rules = (role?.rules as Json[] | undefined) ?? [];
  if (rules.length === 0) return undefined;
  const rule = pick(rules);
  const s = pick(b.subjects as Json[]);
  let user: UserInfo;
  if (s.kind === 'User') user = { name: s.name as string, groups: ['system:authenticated'] };
  else if (s.kind === 'Group') user = { name: pick(users), groups: [s.name as string, 'system:authenticated'] };
  else user = serviceAccountUser((s.namespace as string | undefined) ?? (ns as string), s.name as string);
  const verbs = rule.verbs as string[];
  let verb = pick(verbs);
  if (verb === '*') verb = pick(VERBS);
  if (rule.nonResourceURLs) {
    let path = pick(rule.nonResourceURLs as string[]);
    if (path.endsWith('*')) path = `${path.slice(0, -1)}${pick(['', 'x', '/y', 'a/b'])}`;
    if (chance(0.3)) path = pick(URLS);
    return { user, attrs: { resourceRequest: false, verb, path } };
  }
  let group = pick(rule.apiGroups as string[]);
  if (group === '*') group = pick(GROUPS);
  let res = pick(rule.resources as string[]);
  if (res === '*') res = pick(RESOURCES)[1];
  else if (res.startsWith('*/')) res = `${pick(['deployments', 'pods', 'widgets'])}${res.slice(1)}`;
  const [resource, subresource = ''] = res.split('/');
  const names = (rule.resourceNames as string[] | undefined) ?? [];
  const name = names.length && chance(0.8) ? pick(names) : chance(0.3) ? pick(NAMES) : '';
  const namespace = ns ?? (chance(0.8) ? pick(namespaces) : '');
  const attrs: RequestAttributes = { resourceRequest: true, verb, apiGroup: group, resource, subresource, name, namespace };
  if (chance(0.3)) {
    const f = Math.floor(next() * 5);
    if (f === 0) attrs.verb = pick(VERBS);
    else if (f === 1) attrs.apiGroup = pick(GROUPS);
    else if (f === 2) attrs.subresource = pick(['', 'status', 'scale', 'log']);
    else if (f === 3) attrs.name = '';
    else attrs.namespace = pick([...namespaces, '']);
  }
  return { user, attrs };
}

/** Candidate subjects for who-can comparisons: every generated identity and group. */
export function candidateSubjects(w: GeneratedWorld): Array<{ kind: string; name: string; namespace?: string; user: UserInfo }> {
  return [
    ...w.users.map((name) => ({ kind: 'User', name, user: { name, groups: [] } })),
    ...w.groups.map((name) => ({ kind: 'Group', name, user: { name: `${w.prefix}-nobody`, groups: [name] } })),
    ...w.namespaces.map((ns) => ({ kind: 'Group', name: `system:serviceaccounts:${ns}`, user: { name: `${w.prefix}-nobody`, groups: [`system:serviceaccounts:${ns}`] } })),
    ...w.serviceAccounts.map((sa) => ({ kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name, user: { name: serviceAccountUsername(sa.namespace, sa.name), groups: [] } })),
    { kind: 'Group', name: 'system:masters', user: { name: `${w.prefix}-nobody`, groups: ['system:masters'] } },
  ];
}
