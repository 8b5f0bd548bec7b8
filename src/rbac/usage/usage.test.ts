/**
 * rbac suggest and rbac unused on hand-made audit logs: exact rules (verbs as the authorizer sees
 * them, subresources, single resourceNames, URLs, scopes), denied requests apart, attribution by
 * the reason annotation and by the authorizer, unused bindings/rules/subjects ranked by danger,
 * system RBAC left out, and the CLI's exit codes on bad input.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SuggestBuilder } from './suggest.js';
import { UsageTracker } from './unused.js';
import { parseAuditSubject } from './audit-subject.js';
import { parseRbacReason } from './reason.js';
import { policyFromYaml } from '../test-helpers.js';
import { buildPolicy } from '../policy.js';
import { bootstrapInputs } from '../defaults.js';
import { isAllowed } from '../authorizer.js';
import { serviceAccountUser } from '../identity.js';
import { requestOf, type AuditRequest } from '../../audit/event.js';
import { auditEvent, jsonLines, type EventSpec } from '../../audit/test-events.js';
import { main } from '../../cli/main.js';
import { rbacIo } from '../../cli/commands/rbac.js';
import { resourceRequest, type RequestAttributes } from '../types.js';

const SA = 'system:serviceaccount:web:app';
const SA_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:web', 'system:authenticated'];

function req(s: EventSpec): AuditRequest {
  const r = requestOf(auditEvent(s), 'test.log', 1);
  assert.ok(!('kind' in r), JSON.stringify(r));
  return r as AuditRequest;
}

const sa = (s: Omit<EventSpec, 'user'>): AuditRequest => req({ user: SA, groups: SA_GROUPS, ...s });

describe('rbac suggest', () => {
  test('exact rules: verbs apart, subresources, one name → resourceNames, several → any, URLs and cluster scope', () => {
    const b = new SuggestBuilder({ subject: parseAuditSubject({ serviceaccount: 'web:app' }) });
    for (const r of [
      sa({ verb: 'get', resource: 'pods', namespace: 'web', name: 'p1' }),
      sa({ verb: 'get', resource: 'pods', namespace: 'web', name: 'p2' }),
      sa({ verb: 'list', resource: 'pods', namespace: 'web' }),
      sa({ verb: 'watch', resource: 'pods', namespace: 'web' }),
      sa({ verb: 'get', resource: 'secrets', namespace: 'web', name: 'db' }),
      sa({ verb: 'get', resource: 'secrets', namespace: 'web', name: 'db' }),
      sa({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'web', name: 'p1' }),
      sa({ verb: 'create', resource: 'configmaps', namespace: 'web', name: 'from-body' }),
      sa({ verb: 'deletecollection', resource: 'jobs', apiGroup: 'batch', namespace: 'jobs' }),
      sa({ verb: 'get', path: '/metrics' }),
      sa({ verb: 'get', path: '/api' }), // every identity has discovery: not repeated
      sa({ verb: 'list', resource: 'nodes' }),
      sa({ verb: 'delete', resource: 'secrets', namespace: 'web', name: 'db', decision: 'forbid' }),
      req({ user: 'someone-else', verb: 'get', resource: 'secrets', namespace: 'web' }),
    ])
      b.add(r);
    const s = b.result();
    assert.equal(s.allowed, 12);
    assert.equal(s.coveredByDefaults, 1);
    assert.deepEqual(s.denied.map((d) => [d.attrs, d.count]), [[resourceRequest('delete', 'secrets', { namespace: 'web', name: 'db' }), 1]]);
    const byKind = (kind: string, ns?: string) => s.objects.find((o) => o.kind === kind && (o.metadata as { namespace?: string }).namespace === ns) as { rules: unknown[]; subjects?: unknown[] };
    assert.deepEqual(byKind('ClusterRole').rules, [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    assert.deepEqual(byKind('Role', 'web').rules, [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/exec'], resourceNames: ['p1'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] },
    ]);
    assert.deepEqual(byKind('Role', 'jobs').rules, [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['deletecollection'] }]);
    assert.deepEqual(byKind('RoleBinding', 'web').subjects, [{ kind: 'ServiceAccount', name: 'app', namespace: 'web' }]);

    // The suggestion allows exactly the allowed requests (with the built-in roles) and not the denied one.
    const policy = buildPolicy([...bootstrapInputs(), ...s.objects.map((object) => ({ object, origin: 'input' as const }))]);
    const user = serviceAccountUser('web', 'app');
    const can = (a: RequestAttributes) => isAllowed(policy, user, a);
    assert.ok(can(resourceRequest('get', 'secrets', { namespace: 'web', name: 'db' })));
    assert.ok(!can(resourceRequest('get', 'secrets', { namespace: 'web', name: 'other' })));
    assert.ok(!can(resourceRequest('delete', 'secrets', { namespace: 'web', name: 'db' })));
    assert.ok(!can(resourceRequest('list', 'secrets', { namespace: 'web' })));
    assert.ok(!can(resourceRequest('get', 'pods', { namespace: 'other', name: 'p1' })));
    assert.ok(!can(resourceRequest('create', 'pods', { namespace: 'web', subresource: 'exec', name: 'p2' })));
  });

  test('--generalize-names, --namespace-scoped, impersonation', () => {
    const b = new SuggestBuilder({ subject: parseAuditSubject({ user: 'alice' }), generalizeNames: true, namespaceScoped: true });
    b.add(req({ user: 'alice', verb: 'get', resource: 'secrets', namespace: 'web', name: 'db' }));
    b.add(req({ user: 'alice', verb: 'list', resource: 'namespaces' }));
    b.add(req({ user: 'admin', impersonate: { user: 'alice', groups: ['dev', 'system:authenticated'] }, verb: 'get', resource: 'pods', namespace: 'web' }));
    const s = b.result();
    assert.deepEqual(s.objects.map((o) => o.kind), ['Role', 'RoleBinding']);
    assert.deepEqual((s.objects[0] as { rules: unknown[] }).rules, [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get'] }]);
    assert.equal(s.notGranted.length, 1);

    const imp = new SuggestBuilder({ subject: parseAuditSubject({ user: 'admin' }) });
    imp.add(req({ user: 'admin', impersonate: { user: 'system:serviceaccount:web:app', groups: SA_GROUPS }, verb: 'get', resource: 'pods', namespace: 'web' }));
    imp.add(req({ user: 'admin', impersonate: { user: 'alice', groups: ['dev', 'system:authenticated'] }, verb: 'get', resource: 'pods', namespace: 'web' }));
    const objs = imp.result().objects;
    assert.deepEqual((objs.find((o) => o.kind === 'ClusterRole') as { rules: unknown[] }).rules, [
      { apiGroups: [''], resources: ['groups'], resourceNames: ['dev'], verbs: ['impersonate'] },
      { apiGroups: [''], resources: ['users'], resourceNames: ['alice'], verbs: ['impersonate'] },
    ]);
    assert.deepEqual((objs.find((o) => o.kind === 'Role') as { rules: unknown[] }).rules, [{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['app'], verbs: ['impersonate'] }]);
  });

  test('subject flags', () => {
    assert.deepEqual(parseAuditSubject({ user: 'system:serviceaccount:a:b' }), { kind: 'ServiceAccount', namespace: 'a', name: 'b' });
    assert.throws(() => parseAuditSubject({}), /exactly one of/);
    assert.throws(() => parseAuditSubject({ user: 'a', group: 'b' }), /exactly one of/);
    assert.throws(() => parseAuditSubject({ serviceaccount: 'nope' }), /NAMESPACE:NAME/);
  });
});

const POLICY = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: web}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: web}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
- {apiGroups: [apps], resources: [deployments], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: app}, {kind: User, name: dave}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-again, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: bob}, {kind: Group, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: ghost}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:vendor-thing"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: nobody}]
`;

describe('rbac unused', () => {
  test('attribution by reason and by the authorizer; unused bindings, rules and subjects ranked by danger', () => {
    const policy = policyFromYaml(POLICY, { defaults: true });
    const t = new UsageTracker(policy);
    // The reason names the second binding: the first, though it allows the same, was not used for it.
    t.add(sa({ verb: 'get', resource: 'pods', namespace: 'web', name: 'p', reason: 'RBAC: allowed by RoleBinding "app-again/web" of Role "app" to ServiceAccount "app/web"' }));
    t.add(sa({ verb: 'list', resource: 'secrets', namespace: 'web' })); // no reason: the authorizer picks RoleBinding app
    t.add(req({ user: 'alice', verb: 'get', resource: 'nodes', reason: 'RBAC: allowed by ClusterRoleBinding "alice-admin" of ClusterRole "cluster-admin" to User "alice"' }));
    t.add(req({ user: 'x', verb: 'get', resource: 'pods', reason: 'RBAC: allowed by ClusterRoleBinding "deleted-since" of ClusterRole "view" to User "x"' }));
    t.add(req({ user: 'eve', verb: 'get', resource: 'secrets', namespace: 'web', decision: 'forbid' }));
    const r = t.report();
    const find = (kind: string, text: RegExp) => r.findings.filter((f) => f.kind === kind && text.test(f.message));
    assert.equal(find('binding', /ClusterRoleBinding ops-admin/).length, 1);
    assert.equal(find('binding', /ClusterRoleBinding ops-admin/)[0].severity, 'critical');
    assert.equal(find('binding', /alice-admin|RoleBinding web\/app /).length, 0);
    assert.equal(find('binding', /RoleBinding web\/ghost/).length, 1);
    assert.equal(find('binding', /system:vendor-thing/).length, 0, 'system bindings are left out');
    const rules = r.findings.filter((f) => f.kind === 'rule');
    // cluster-admin's URL rule was not used by alice (her resource rule was), nor app's deployments rule.
    assert.deepEqual(rules.map((f) => [f.role?.name, f.ruleIndex, f.severity]), [['cluster-admin', 1, 'high'], ['app', 2, 'high']]);
    assert.ok(r.findings.some((f) => f.kind === 'missing-service-account' && f.subject?.name === 'ghost'));
    assert.deepEqual(r.findings.filter((f) => f.kind === 'absent-subject').map((f) => `${f.subject?.kind} ${f.subject?.name}`).sort(), ['Group ops', 'User bob', 'User dave']);
    assert.deepEqual(r.findings.filter((f) => f.kind === 'user-not-group').map((f) => f.subject?.name).sort(), ['alice', 'bob']);
    assert.deepEqual(r.stats.goneBindings, { 'ClusterRoleBinding deleted-since': 1 });
    assert.equal(r.stats.byReason, 2);
    assert.equal(r.stats.byAuthorizer, 1);
    assert.equal(r.stats.denied, 1);
    // Ranked: critical first.
    assert.equal(r.findings[0].severity, 'critical');
    const all = new UsageTracker(policy, { includeSystem: true }).report();
    assert.ok(all.findings.some((f) => f.kind === 'binding' && f.binding?.name === 'system:vendor-thing'));
  });

  test('reason strings', () => {
    assert.deepEqual(parseRbacReason('RBAC: allowed by RoleBinding "a/b/ns" of Role "r" to ServiceAccount "sa/ns"'), undefined);
    assert.deepEqual(parseRbacReason('RBAC: allowed by RoleBinding "rb/ns" of ClusterRole "view" to Group "g"'), { kind: 'RoleBinding', name: 'rb', namespace: 'ns', roleKind: 'ClusterRole', roleName: 'view', subjectKind: 'Group', subjectName: 'g' });
    assert.equal(parseRbacReason(''), undefined);
  });
});

describe('rbac suggest/unused CLI', () => {
  let dir: string;
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...rbacIo };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeharden-usage-'));
    rbacIo.stdout = (s) => void out.push(s);
    rbacIo.stderr = (s) => void err.push(s);
  });
  after(() => {
    Object.assign(rbacIo, saved);
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    process.exitCode = undefined;
    const code = await main(['node', 'kubeharden', 'rbac', ...args]);
    process.exitCode = undefined;
    return { code, out: out.join(''), err: err.join('') };
  };

  test('suggest writes applicable YAML; a truncated line is located and exits 2 with the rest used', async () => {
    const log = join(dir, 'audit.log');
    const events = [auditEvent({ user: SA, groups: SA_GROUPS, verb: 'get', resource: 'pods', namespace: 'web' }), auditEvent({ user: SA, groups: SA_GROUPS, verb: 'list', resource: 'pods', namespace: 'web' })];
    writeFileSync(log, jsonLines(events));
    const ok = await cli('suggest', '--audit-log', log, '--serviceaccount', 'web:app');
    assert.equal(ok.code, 0, ok.err);
    const docs = parseAllDocuments(ok.out).map((d) => d.toJS() as { kind: string; rules?: unknown[] });
    assert.deepEqual(docs.map((d) => d.kind), ['Role', 'RoleBinding']);
    assert.deepEqual(docs[0].rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    const json = await cli('suggest', '--audit-log', log, '--serviceaccount', 'web:app', '-o', 'json');
    assert.equal((JSON.parse(json.out) as { objects: unknown[] }).objects.length, 2);

    writeFileSync(log, `${jsonLines(events)}${JSON.stringify(events[0]).slice(0, 50)}\n`);
    const bad = await cli('suggest', '--audit-log', log, '--serviceaccount', 'web:app');
    assert.equal(bad.code, 2);
    assert.match(bad.err, new RegExp(`error: ${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: not valid JSON`));
    assert.equal(parseAllDocuments(bad.out).length, 2);
    assert.equal((await cli('suggest', '--audit-log', log, '--serviceaccount', 'web:app', '--skip-invalid')).code, 0);
    assert.equal((await cli('suggest', '--audit-log', log)).code, 2);
    const typo = await cli('suggest', '--audit-log', log, '--servceaccount', 'web:app');
    assert.equal(typo.code, 2);
    assert.equal((await cli('suggest', '--audit-log', join(dir, 'missing.log'), '--user', 'x')).code, 2);
  });

  test('unused: text, JSON, --fail-on', async () => {
    const log = join(dir, 'unused.log');
    writeFileSync(log, jsonLines([auditEvent({ user: SA, groups: SA_GROUPS, verb: 'get', resource: 'pods', namespace: 'web' })]));
    const rbac = join(dir, 'rbac.yaml');
    writeFileSync(rbac, POLICY);
    const text = await cli('unused', '-f', rbac, '--with-defaults', '--audit-log', log);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^CRITICAL unused binding {2}ClusterRoleBinding alice-admin → ClusterRole cluster-admin/m);
    const json = JSON.parse((await cli('unused', '-f', rbac, '--with-defaults', '--audit-log', log, '-o', 'json')).out) as { findings: Array<{ kind: string }> };
    assert.ok(json.findings.some((f) => f.kind === 'rule'));
    assert.equal((await cli('unused', '-f', rbac, '--with-defaults', '--audit-log', log, '--fail-on', 'high')).code, 1);
    const y = parse((await cli('unused', '-f', rbac, '--with-defaults', '--audit-log', log, '-o', 'yaml')).out) as { findings: unknown[] };
    assert.equal(y.findings.length, json.findings.length);
  });
});
