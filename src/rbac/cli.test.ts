/**
 * The `kubeharden rbac` commands end to end in-process (offline mode): output shape, exit codes,
 * JSON, explanations with source positions, --with-defaults, input errors.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { rbacIo } from '../cli/commands/rbac.js';

let dir: string;
let file: string;

const MANIFESTS = `apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: builder, namespace: ci}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec:
      serviceAccountName: builder
      containers: [{name: c, image: "x:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-maker, namespace: ci}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [create, get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-make-pods, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-maker}
subjects:
- {kind: Group, name: devs}
- {kind: User, name: alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: builder-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: builder, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-view, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: bob}
`;

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { ...rbacIo };
  rbacIo.stdout = (s) => void (stdout += s);
  rbacIo.stderr = (s) => void (stderr += s);
  const ew = process.stderr.write.bind(process.stderr);
  // Usage errors are printed by main()/commander on process.stderr: keep them out of the test log.
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += typeof s === 'string' ? s : ''), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'kubeharden', 'rbac', ...args]);
    return { code, stdout, stderr };
  } finally {
    Object.assign(rbacIo, saved);
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-rbac-cli-'));
  file = join(dir, 'rbac.yaml');
  writeFileSync(file, MANIFESTS);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rbac can-i', () => {
  test('yes/no first, exit 0/1 like kubectl', async () => {
    const yes = await run('can-i', 'create', 'pods', '-n', 'ci', '--as', 'carol', '--as-group', 'devs', '-f', file);
    assert.equal(yes.code, 0);
    assert.equal(yes.stdout, 'yes\n');
    const no = await run('can-i', 'create', 'pods', '-n', 'web', '--as', 'carol', '--as-group', 'devs', '-f', file);
    assert.equal(no.code, 1);
    assert.equal(no.stdout, 'no\n');
    const quiet = await run('can-i', 'get', 'secrets', '-A', '--as', 'system:serviceaccount:ci:builder', '-f', file, '-q');
    assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  });

  test('--explain names binding, role and rule with positions, through aggregation with --with-defaults', async () => {
    const r = await run('can-i', 'list', 'secrets', '-n', 'web', '--as', 'bob', '-f', file, '--with-defaults', '--explain');
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'yes');
    assert.match(r.stdout, /RBAC: allowed by RoleBinding "bob-view\/web" of ClusterRole "view" to User "bob" \(.*rbac\.yaml:\d+\)/);
    assert.match(r.stdout, /aggregated from rule 0 of ClusterRole "secret-reader" \(.*rbac\.yaml:\d+\)/);
    const without = await run('can-i', 'list', 'secrets', '-n', 'web', '--as', 'bob', '-f', file);
    assert.equal(without.code, 1, 'view does not exist without --with-defaults');
    assert.match(without.stderr, /--with-defaults/);
  });

  test('-o json carries the grant; kubectl TYPE/NAME syntax; cluster-scoped resources asked cluster-wide', async () => {
    const r = await run('can-i', 'get', 'pods/web-1', '-n', 'ci', '--as', 'alice', '-f', file, '-o', 'json');
    const j = JSON.parse(r.stdout) as { allowed: boolean; request: { name: string }; grant: { binding: { name: string; source: string }; rule: { index: number } } };
    assert.equal(j.allowed, true);
    assert.equal(j.request.name, 'web-1');
    assert.equal(j.grant.binding.name, 'devs-make-pods');
    assert.equal(j.grant.rule.index, 0);
    const nodes = await run('can-i', 'get', 'nodes', '-n', 'ci', '--as', 'alice', '-f', file);
    assert.equal(nodes.code, 1);
    assert.match(nodes.stderr, /not namespace scoped/);
  });

  test('--list prints the effective rules like kubectl auth can-i --list', async () => {
    const r = await run('can-i', '--list', '-n', 'ci', '--as', 'alice', '-f', file);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Resources   Non-Resource URLs   Resource Names   Verbs\npods        []                  []               [create get]\n');
  });

  test('usage and input errors exit 2', async () => {
    assert.equal((await run('can-i', 'get', 'pods', '-f', file)).code, 2, 'offline needs --as');
    assert.equal((await run('can-i', 'get', '--as', 'x', '-f', file)).code, 2, 'missing target');
    assert.equal((await run('can-i', 'get', 'pods', '--as-group', 'g', '-f', file)).code, 2, '--as-group needs --as');
    const missing = await run('can-i', 'get', 'pods', '--as', 'x', '-f', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml/);
    const skipped = await run('can-i', 'create', 'pods', '-n', 'ci', '--as', 'alice', '-f', file, '-f', join(dir, 'nope.yaml'), '--skip-invalid');
    assert.equal(skipped.code, 0, '--skip-invalid answers from the readable inputs');
    assert.match(skipped.stderr, /skipped: .*nope\.yaml/);
  });
});

describe('rbac who-can / lookup / risks', () => {
  test('who-can lists subjects with bindings and expands ServiceAccounts to workloads', async () => {
    const r = await run('who-can', 'get', 'secrets', '-n', 'web', '-f', file, '--with-defaults', '-o', 'json');
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout) as { subjects: Array<{ kind: string; name: string; namespace?: string; workloads?: Array<{ kind: string; name: string }> }> };
    const names = j.subjects.map((s) => `${s.kind}:${s.namespace ? `${s.namespace}/` : ''}${s.name}`);
    assert.equal(names[0], 'Group:system:masters');
    assert.ok(names.includes('User:bob'));
    assert.ok(names.includes('ServiceAccount:ci/builder'));
    assert.deepEqual(j.subjects.find((s) => s.name === 'builder')?.workloads?.map((w) => `${w.kind}/${w.name}`), ['Deployment/builder']);
    const text = await run('who-can', 'get', 'secrets', '-n', 'web', '-f', file);
    assert.match(text.stdout, /ServiceAccount ci\/builder runs: Deployment ci\/builder/);
  });

  test('lookup shows bindings, scope and inherited groups; --list the effective rules', async () => {
    const r = await run('lookup', 'alice', '-f', file, '--with-defaults', '-o', 'json');
    const j = JSON.parse(r.stdout) as { bindings: Array<{ scope: string; binding: { name: string }; via?: string }> };
    assert.ok(j.bindings.some((b) => b.binding.name === 'devs-make-pods' && b.scope === 'ci' && !b.via));
    assert.ok(j.bindings.some((b) => b.via === 'Group "system:authenticated"'));
    const none = await run('lookup', 'nobody-at-all', '-f', file, '--direct');
    assert.match(none.stdout, /No RBAC bindings found/);
    const list = await run('lookup', 'ServiceAccount:ci/builder', '--list', '-n', 'ci', '-f', file);
    assert.match(list.stdout, /secrets\s+\[\]\s+\[\]\s+\[get list\]/);
  });

  test('risks: transitive pod creation ⇒ ServiceAccount; exit 1 at --fail-on', async () => {
    const r = await run('risks', '-f', file, '-o', 'json');
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { findings: Array<{ id: string; subject: { name: string }; path?: Array<{ to: { name: string } }> }> };
    const t = j.findings.find((f) => f.id === 'read-secrets' && f.subject.name === 'devs');
    assert.deepEqual(t?.path?.map((p) => p.to.name), ['builder']);
    const low = await run('risks', '-f', file, '--fail-on', 'critical', '--subject', 'User:bob');
    assert.equal(low.code, 0);
  });
});
