/**
 * Differential test of the RBAC engine against the real kube-apiserver (test/cluster).
 *
 * A seeded generator (src/rbac/generator.ts) makes a random world — ClusterRoles with wildcards,
 * subresources, resourceNames and URL rules, aggregation (nested, cyclic, into the built-in
 * edit/admin), Roles, RoleBindings to Roles and ClusterRoles, ClusterRoleBindings, User, Group
 * and ServiceAccount subjects, dangling references — plus thousands of requests. The world is
 * applied to the cluster; after the authorizer's caches and the aggregation controller settle,
 * every request is asked three ways and all must agree:
 *   - the cluster: SubjectAccessReview (the real authorizer chain);
 *   - offline: the manifests read with the loader, plus the bundled bootstrap policy
 *     (`rbac can-i -f DIR --with-defaults`);
 *   - live: the RBAC objects read back from the cluster (`rbac can-i --kubeconfig`).
 * who-can must list exactly the candidate subjects SubjectAccessReview allows, and every subject
 * it lists must be allowed. A sample also goes through the CLI binary itself.
 *
 * Seed: $KUBEHARDEN_RBAC_SEED (default fixed). The control-plane binaries must be built
 * (scripts/build-control-plane.sh); like the other e2e tests this fails rather than skips.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { candidateSubjects, generateWorld, type GeneratedWorld } from '../../src/rbac/generator.js';
import { buildPolicy, inputsFromLoaded, type RbacPolicy } from '../../src/rbac/policy.js';
import { bootstrapInputs } from '../../src/rbac/defaults.js';
import { authorize } from '../../src/rbac/authorizer.js';
import { whoCan } from '../../src/rbac/locator.js';
import { loadLive } from '../../src/rbac/live.js';
import { ruleKey } from '../../src/rbac/aggregate.js';
import { normaliseRule } from '../../src/rbac/policy.js';
import { loadInputs } from '../../src/load/index.js';
import { describeRequest, type RequestAttributes, type Subject, type UserInfo } from '../../src/rbac/types.js';
import { serviceAccountUsername } from '../../src/rbac/identity.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SEED = Number(process.env.KUBEHARDEN_RBAC_SEED ?? 20251122);
const WHO_CAN_QUERIES = 150;

let c: Cluster;
let w: GeneratedWorld;
let dir: string;
let offline: RbacPolicy;
let live: RbacPolicy;
const sar = new Map<string, boolean>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sarKey(user: UserInfo, a: RequestAttributes): string {
  return JSON.stringify([user.name, [...user.groups].sort(), a]);
}

async function subjectAccessReview(user: UserInfo, a: RequestAttributes): Promise<boolean> {
  const key = sarKey(user, a);
  const cached = sar.get(key);
  if (cached !== undefined) return cached;
  const spec = a.resourceRequest
    ? { user: user.name, groups: user.groups, resourceAttributes: { verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, name: a.name, namespace: a.namespace } }
    : { user: user.name, groups: user.groups, nonResourceAttributes: { verb: a.verb, path: a.path } };
  const r = await c.api('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
  assert.equal(r.status, 201, r.body);
  const allowed = (r.json as { status?: { allowed?: boolean } }).status?.allowed === true;
  sar.set(key, allowed);
  return allowed;
}

/** Runs `fn` over items with bounded concurrency. */
async function pool<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function userForSubject(s: Subject): UserInfo {
  if (s.kind === 'User') return { name: s.name, groups: [] };
  if (s.kind === 'Group') return { name: `${w.prefix}-nobody`, groups: [s.name] };
  return { name: serviceAccountUsername(s.namespace ?? '', s.name), groups: [] };
}

/**
 * What aggregation put into the aggregated ClusterRoles, as sets of rules. Generated aggregated
 * roles are compared whole; the built-in admin/edit/view only by the generated rules they picked
 * up (their built-in content belongs to the cluster's release, the bundled copy to another one).
 */
function aggregatedView(names: string[], rulesOf: (name: string) => unknown[]): Record<string, string[]> {
  const generated = new Set(
    w.objects.filter((o) => o.kind === 'ClusterRole' && !o.aggregationRule).flatMap((o) => ((o.rules as unknown[] | undefined) ?? []).map((x) => ruleKey(normaliseRule(x)))),
  );
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const keys = rulesOf(name).map((x) => ruleKey(normaliseRule(x)));
    out[name] = [...new Set(name.startsWith(w.prefix) ? keys : keys.filter((k) => generated.has(k)))].sort();
  }
  return out;
}

async function aggregatedSnapshot(names: string[]): Promise<Record<string, string[]>> {
  const fetched = new Map<string, unknown[]>();
  for (const name of names) {
    const r = await c.api('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`);
    fetched.set(name, (r.json as { rules?: unknown[] | null }).rules ?? []);
  }
  return aggregatedView(names, (n) => fetched.get(n) ?? []);
}

function offlineAggregated(names: string[]): Record<string, string[]> {
  return aggregatedView(names, (n) => offline.getClusterRole(n)?.rules ?? []);
}

const sentinel = (kind: 'ClusterRoleBinding' | 'RoleBinding', ns: string): { objects: unknown[]; user: UserInfo; attrs: RequestAttributes } => {
  const name = `${w.prefix}-sentinel-${kind === 'RoleBinding' ? 'rb' : 'crb'}`;
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', metadata: { name, ...(kind === 'RoleBinding' ? { namespace: ns } : {}) }, rules: [{ apiGroups: ['kubeharden.test'], resources: ['sentinels'], verbs: ['get'] }] };
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, ...(kind === 'RoleBinding' ? { namespace: ns } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }] };
  return { objects: [role, binding], user: { name, groups: [] }, attrs: { resourceRequest: true, verb: 'get', apiGroup: 'kubeharden.test', resource: 'sentinels', subresource: '', name: '', namespace: ns } };
};

describe(`RBAC differential vs kube-apiserver (seed ${SEED})`, () => {
  before(async () => {
    const avail = controlPlaneAvailable();
    assert.ok(avail.ok, `control plane not available: ${avail.reason ?? ''}`);
    c = await startCluster();
    w = generateWorld(SEED, { namespaces: 4, clusterRoles: 30, rolesPerNamespace: 6, bindings: 150, requests: 3000 });
    for (const ns of w.namespaces) await c.namespace(ns);
    const sRb = sentinel('RoleBinding', w.namespaces[0]);
    const sCrb = sentinel('ClusterRoleBinding', '');
    const objects = [...w.objects.filter((o) => o.kind !== 'Namespace'), ...sRb.objects, ...sCrb.objects];
    dir = mkdtempSync(join(tmpdir(), 'kh-rbac-diff-'));
    // The offline side reads these files exactly as `rbac can-i -f DIR` would.
    writeFileSync(join(dir, 'namespaces.yaml'), w.objects.filter((o) => o.kind === 'Namespace').map((o) => stringify(o)).join('---\n'));
    writeFileSync(join(dir, 'world.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    const applied = await c.kubectl(['apply', '-f', join(dir, 'world.yaml')], { allowFail: true });
    assert.equal(applied.code, 0, applied.stderr);

    // The authorizer's informers have caught up once the last objects created grant.
    await c.waitFor(async () => (await subjectAccessReview(sRb.user, sRb.attrs)) && (await subjectAccessReview(sCrb.user, sCrb.attrs)), 60_000);
    sar.clear();

    const loaded = await loadInputs([dir]);
    assert.deepEqual(loaded.errors, []);
    offline = buildPolicy([...bootstrapInputs(), ...inputsFromLoaded(loaded.objects)]);

    // Aggregation: wait until the controller's results are stable (and, normally, equal ours).
    const aggregated = [...offline.clusterRoles.values()].filter((r) => r.aggregationRule).map((r) => r.name);
    const expected = offlineAggregated(aggregated);
    let prev = '';
    let stable = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const snap = JSON.stringify(await aggregatedSnapshot(aggregated));
      stable = snap === prev ? stable + 1 : 0;
      prev = snap;
      if ((snap === JSON.stringify(expected) && stable >= 2) || stable >= 10 || Date.now() > deadline) break;
      await sleep(500);
    }
    await sleep(1000); // the authorizer's ClusterRole informer follows the controller's writes

    const l = await loadLive({ kubeconfig: c.kubeconfig });
    assert.deepEqual(l.failures, []);
    live = buildPolicy(l.inputs, { aggregate: false });
  });

  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('aggregated ClusterRoles: offline fixpoint = aggregation controller', async () => {
    const names = [...offline.clusterRoles.values()].filter((r) => r.aggregationRule).map((r) => r.name);
    assert.ok(names.filter((n) => n.startsWith(w.prefix)).length >= 3);
    const snap = await aggregatedSnapshot(names);
    const want = offlineAggregated(names);
    for (const n of names) assert.deepEqual(snap[n], want[n], `ClusterRole ${n}`);
    assert.ok(want.edit.length > 0 && want.admin.length > 0, 'a generated role aggregates into edit and admin');
    assert.ok(offline.aggregation.cycles.length >= 2, 'the world has an aggregation cycle');
    assert.ok(want[`${w.prefix}-cycle-a`].length > 0, 'the cycle aggregates rules');
  });

  test(`can-i: SubjectAccessReview = offline = live for every generated request`, async () => {
    const answers = await pool(w.requests, 8, async (q) => subjectAccessReview(q.user, q.attrs));
    const mismatches: string[] = [];
    let allowed = 0;
    w.requests.forEach((q, i) => {
      const real = answers[i];
      if (real) allowed++;
      const off = authorize(offline, q.user, q.attrs);
      const lv = authorize(live, q.user, q.attrs);
      if (off.allowed !== real || lv.allowed !== real)
        mismatches.push(`${describeRequest(q.attrs)} as ${q.user.name} [${q.user.groups.join(',')}]: cluster=${real} offline=${off.allowed} (${off.reason}) live=${lv.allowed} (${lv.reason})`);
    });
    process.stdout.write(`# rbac differential: ${w.requests.length} requests, ${allowed} allowed, ${mismatches.length} mismatches\n`);
    assert.ok(w.requests.length >= 2000);
    assert.ok(allowed > w.requests.length * 0.1 && allowed < w.requests.length * 0.9, `a real mix of answers (${allowed} allowed)`);
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`);
  });

  test(`who-can: listed subjects = candidates SubjectAccessReview allows (${WHO_CAN_QUERIES} queries, offline and live)`, async () => {
    const candidates = candidateSubjects(w);
    const problems: string[] = [];
    let checked = 0;
    for (const { attrs } of w.requests.slice(0, WHO_CAN_QUERIES)) {
      for (const [label, policy] of [
        ['offline', offline],
        ['live', live],
      ] as const) {
        const listed = whoCan(policy, attrs).subjects.map((e) => e.subject);
        const listedKeys = new Set(listed.map((s) => `${s.kind}/${s.namespace ?? ''}/${s.name}`));
        // Every candidate: listed ⇔ allowed.
        const allowed = await pool(candidates, 8, (cand) => subjectAccessReview(cand.user, attrs));
        candidates.forEach((cand, i) => {
          checked++;
          const key = `${cand.kind}/${cand.namespace ?? ''}/${cand.name}`;
          if (listedKeys.has(key) !== allowed[i]) problems.push(`${label}: ${describeRequest(attrs)}: ${key} listed=${listedKeys.has(key)} SAR=${allowed[i]}`);
        });
        // Every listed subject (built-in ones too) is really allowed.
        const extra = listed.filter((s) => !candidates.some((cand) => cand.kind === s.kind && cand.name === s.name && (cand.namespace ?? '') === (s.namespace ?? '')));
        const ok = await pool(extra, 8, (s) => subjectAccessReview(userForSubject(s), attrs));
        extra.forEach((s, i) => {
          checked++;
          if (!ok[i]) problems.push(`${label}: ${describeRequest(attrs)}: listed ${s.kind} ${s.namespace ?? ''}/${s.name} but SAR denies`);
        });
      }
    }
    process.stdout.write(`# rbac who-can: ${checked} subject checks, ${problems.length} problems\n`);
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  });

  test('live: paginated lists read every object', async () => {
    const small = await loadLive({ kubeconfig: c.kubeconfig, pageSize: 7, pods: false });
    const big = await loadLive({ kubeconfig: c.kubeconfig, pods: false });
    const count = (l: typeof big, kind: string): number => l.inputs.filter((i) => (i.object as { kind?: string }).kind === kind).length;
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount']) {
      assert.ok(count(big, kind) > 7, `${kind}: enough objects to need several pages`);
      assert.equal(count(small, kind), count(big, kind), kind);
    }
  });

  test('live: a caller that cannot list says which lists and what that means', async () => {
    // carol may list Roles and RoleBindings in "default" only (her context namespace).
    const grant = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rbac-reader, namespace: default}
rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: carol-rbac-reader, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rbac-reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${c.identities.carol.user}}]
`;
    assert.equal((await c.apply(grant)).code, 0);
    await c.waitFor(async () => subjectAccessReview({ name: c.identities.carol.user, groups: ['system:authenticated'] }, { resourceRequest: true, verb: 'list', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', subresource: '', name: '', namespace: 'default' }));
    const l = await loadLive({ kubeconfig: c.identities.carol.kubeconfig });
    const forbidden = l.failures.map((f) => `${f.resource}@${f.namespace}:${f.kind}`).sort();
    assert.deepEqual(
      forbidden,
      ['clusterrolebindings', 'clusterroles', 'customresourcedefinitions', 'namespaces', 'pods', 'rolebindings', 'roles', 'serviceaccounts'].map((r) => `${r}@:forbidden`),
    );
    assert.equal(l.rbacComplete, false);
    assert.match(l.failures.find((f) => f.resource === 'roles')?.consequence ?? '', /namespace default was read/);
    assert.ok(l.inputs.some((i) => (i.object as { metadata?: { name?: string } }).metadata?.name === 'carol-rbac-reader'), 'the namespace fallback read her own binding');
    // The CLI fails closed: an answer from her partial view is no answer (exit 2, naming the
    // cluster, the context and each list refused) ...
    const cli = (...extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'rbac', 'can-i', 'list', 'roles', '--kubeconfig', c.identities.carol.kubeconfig, '--explain', ...extra], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: '' },
      });
    const refused = cli();
    assert.equal(refused.status, 2, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /error: cannot read all the RBAC objects of cluster "[^"]+" \(context "[^"]+", https:\/\/127\.0\.0\.1:\d+\)/);
    assert.match(refused.stderr, /cannot list clusterroles in all namespaces: forbidden \(403\): clusterroles\.rbac\.authorization\.k8s\.io is forbidden/);
    // ... unless she accepts a partial answer, which then says what it is missing.
    const r = cli('--skip-unreadable');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^yes\n/);
    assert.match(r.stdout, /^INCOMPLETE: not read: clusterroles in all namespaces of cluster/m);
    assert.match(r.stdout, /RoleBinding "carol-rbac-reader\/default"/);
    assert.match(r.stderr, /warning: not read: clusterroles in all namespaces/);
  });

  test('live: --verify asks the cluster too', async () => {
    const q = w.requests.find((x) => x.attrs.resourceRequest && x.attrs.namespace && x.attrs.apiGroup === '' && x.attrs.resource === 'pods' && x.user.groups.includes('system:authenticated') && !x.user.name.startsWith('system:'));
    assert.ok(q && q.attrs.resourceRequest);
    const groups = q.user.groups.filter((g) => g !== 'system:authenticated');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'rbac', 'can-i', q.attrs.verb, `pods${q.attrs.name ? `/${q.attrs.name}` : ''}`, ...(q.attrs.subresource ? ['--subresource', q.attrs.subresource] : []), '-n', q.attrs.namespace, '--as', q.user.name, ...groups.flatMap((g) => ['--as-group', g]), '--kubeconfig', c.kubeconfig, '--verify', '-o', 'json'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } },
    );
    const j = JSON.parse(r.stdout) as { allowed: boolean; cluster: { allowed: boolean } };
    assert.equal(j.cluster.allowed, await subjectAccessReview(q.user, q.attrs));
    assert.equal(j.allowed, j.cluster.allowed);
    assert.equal(r.status, j.allowed ? 0 : 1);
  });

  test('the CLI answers like the cluster (offline -f and live --kubeconfig)', async () => {
    // Requests the CLI can express exactly: known namespaced resources, users with system:authenticated.
    const expressible = w.requests.filter(
      (q) =>
        q.attrs.resourceRequest &&
        q.attrs.namespace !== '' &&
        ((q.attrs.apiGroup === '' && ['pods', 'secrets', 'configmaps', 'services'].includes(q.attrs.resource)) || (q.attrs.apiGroup === 'apps' && q.attrs.resource === 'deployments')) &&
        q.user.groups.includes('system:authenticated') &&
        !q.user.groups.includes('system:masters'),
    );
    const sample = expressible.filter((_, i) => i % Math.max(1, Math.floor(expressible.length / 8)) === 0).slice(0, 8);
    assert.ok(sample.length >= 5);
    for (const q of sample) {
      const a = q.attrs as Extract<RequestAttributes, { resourceRequest: true }>;
      const target = `${a.resource}${a.apiGroup ? `.${a.apiGroup}` : ''}${a.name ? `/${a.name}` : ''}`;
      const groups = q.user.groups.filter((g) => g !== 'system:authenticated' && !(q.user.name.startsWith('system:serviceaccount:') && g.startsWith('system:serviceaccounts')));
      const args = ['--import', 'tsx', 'src/cli/main.ts', 'rbac', 'can-i', a.verb, target, '-n', a.namespace, '--as', q.user.name, ...groups.flatMap((g) => ['--as-group', g]), ...(a.subresource ? ['--subresource', a.subresource] : []), '-q'];
      const real = await subjectAccessReview(q.user, q.attrs);
      for (const mode of [
        ['-f', dir, '--with-defaults'],
        ['--kubeconfig', c.kubeconfig],
      ]) {
        const r = spawnSync(process.execPath, [...args, ...mode], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } });
        assert.equal(r.status, real ? 0 : 1, `${args.slice(3).join(' ')} ${mode[0]}: exit ${r.status} (${r.stderr})`);
      }
    }
  });
});
