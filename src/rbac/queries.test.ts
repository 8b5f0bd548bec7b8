import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { covers } from './covers.js';
import { normaliseRule } from './policy.js';
import { formatRulesTable, listRules, splitForReview } from './rules-list.js';
import { effectiveRules, lookup } from './lookup.js';
import { parseTarget } from './request.js';
import { ResourceCatalog } from './resources.js';
import { analyzeRisks, type RiskFinding } from './risks.js';
import { impersonatedUser } from './identity.js';
import { policyFromYaml } from './test-helpers.js';
import type { PolicyRule } from './types.js';

const rule = (r: Partial<PolicyRule>): PolicyRule => normaliseRule(r);

describe('Covers', () => {
  test('atomic tuples, */sub, names and URLs', () => {
    const owner = [rule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] }), rule({ verbs: ['get'], nonResourceURLs: ['/api/*'] })];
    assert.equal(covers(owner, [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/status'] })]).covered, true);
    assert.equal(covers(owner, [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] })]).covered, false);
    assert.equal(covers(owner, [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] })]).covered, true, 'nameless owner covers any name');
    const named = [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] })];
    assert.equal(covers(named, [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })]).covered, false, 'named owner never covers nameless');
    assert.equal(covers(owner, [rule({ verbs: ['get'], nonResourceURLs: ['/api/v1'] })]).covered, true);
    const r = covers(owner, [rule({ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] })]);
    assert.deepEqual(r.uncovered, [rule({ verbs: ['delete'], apiGroups: [''], resources: ['pods'] })]);
  });
});

describe('effective rules (kubectl auth can-i --list)', () => {
  test('breakdown, compaction and order are kubectl\'s', () => {
    const rules = listRules(
      splitForReview(
        [
          rule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] }),
          rule({ verbs: ['watch'], apiGroups: [''], resources: ['pods'] }),
          rule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/api/*'] }),
          rule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] }),
        ],
        false,
      ),
    );
    assert.equal(
      formatRulesTable(rules),
      [
        'Resources          Non-Resource URLs   Resource Names   Verbs',
        'pods               []                  []               [get list watch]',
        'deployments        []                  []               [get list]',
        'deployments.apps   []                  []               [get list]',
        'pods.apps          []                  []               [get list]',
        '                   [/api/*]            []               [get]',
        '                   [/healthz]          []               [get]',
        'secrets            []                  [a]              [get]',
        'secrets            []                  [b]              [get]',
        '',
      ].join('\n'),
    );
  });

  test('system:masters lists everything', () => {
    const p = policyFromYaml('kind: ClusterRole\nmetadata: {name: x}\n');
    const eff = effectiveRules(p, { name: 'root', groups: ['system:masters'] }, 'default');
    // Go's tabwriter: minimum cell width 10 including the padding of 3.
    assert.equal(formatRulesTable(eff.rules, false), '*.*       []        []        [*]\n          [*]       []        [*]\n');
  });
});

describe('request parsing', () => {
  const catalog = new ResourceCatalog();
  catalog.addCrd({ spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'widgets', singular: 'widget', shortNames: ['wd'] } } });
  test('resources resolve like kubectl (groups, short names, case)', () => {
    assert.deepEqual(parseTarget('create', 'Deployments', { namespace: 'ns', catalog }).attrs, { resourceRequest: true, verb: 'create', apiGroup: 'apps', resource: 'deployments', subresource: '', name: '', namespace: 'ns' });
    assert.equal((parseTarget('get', 'po/web', { namespace: 'ns', catalog }).attrs as { name: string }).name, 'web');
    assert.equal((parseTarget('get', 'deploy.v1.apps', { namespace: 'ns', catalog }).attrs as { apiGroup: string }).apiGroup, 'apps');
    assert.equal((parseTarget('get', 'wd', { namespace: 'ns', catalog }).attrs as { apiGroup: string }).apiGroup, 'example.com');
  });
  test('cluster-scoped resources are asked cluster-wide; a Namespace object is its own namespace', () => {
    const r = parseTarget('get', 'nodes', { namespace: 'ns', namespaceExplicit: true, catalog });
    assert.equal((r.attrs as { namespace: string }).namespace, '');
    assert.equal(r.warnings.length, 1);
    assert.equal((parseTarget('patch', 'namespaces/team-a', { namespace: 'default', catalog }).attrs as { namespace: string }).namespace, 'team-a');
    assert.equal((parseTarget('get', 'widgets', { namespace: 'ns', catalog }).attrs as { namespace: string }).namespace, '');
  });
  test('TYPE/NAME that looks like a subresource gets a hint', () => {
    const r = parseTarget('get', 'pods/log', { namespace: 'ns', catalog });
    assert.equal((r.attrs as { name: string }).name, 'log');
    assert.match(r.warnings[0], /--subresource log/);
  });
  test('URLs and unknown resources', () => {
    assert.deepEqual(parseTarget('get', '/healthz', { namespace: 'ns', catalog }).attrs, { resourceRequest: false, verb: 'get', path: '/healthz' });
    const u = parseTarget('get', 'gizmos', { namespace: 'ns', catalog });
    assert.equal(u.warnings.length, 1);
    assert.equal((u.attrs as { apiGroup: string }).apiGroup, '');
  });
});

describe('lookup', () => {
  const p = policyFromYaml(
    `
kind: RoleBinding
metadata: {name: rb, namespace: ns1}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: web}, {kind: User, name: web}]
---
kind: ClusterRoleBinding
metadata: {name: gone}
roleRef: {kind: ClusterRole, name: does-not-exist}
subjects: [{kind: User, name: web}]
`,
    { defaults: true },
  );
  test('explicit kind, bare names, inherited groups, missing roles', () => {
    const sa = lookup(p, { subject: { kind: 'ServiceAccount', namespace: 'ns1', name: 'web' }, kindExplicit: true });
    assert.deepEqual(sa.map((e) => `${e.binding.name}@${e.scope}`), ['rb@ns1']);
    const any = lookup(p, { subject: { kind: 'User', name: 'web' }, kindExplicit: false });
    assert.equal(any.length, 3);
    const missing = any.find((e) => e.binding.name === 'gone');
    assert.ok(missing?.error && !missing.role);
    const inh = lookup(p, { subject: { kind: 'ServiceAccount', namespace: 'ns1', name: 'web' }, kindExplicit: true }, { inherited: true });
    assert.ok(inh.some((e) => e.via === 'Group "system:authenticated"' && e.binding.name === 'system:basic-user'));
  });
});

describe('risks', () => {
  const find = (fs: RiskFinding[], id: string, subject: string): RiskFinding[] => fs.filter((f) => f.id === id && `${f.subject.kind}:${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}` === subject);

  test('create pods in N ⇒ every ServiceAccount in N, followed transitively', () => {
    const p = policyFromYaml(`
kind: Role
metadata: {name: pods, namespace: a}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
kind: RoleBinding
metadata: {name: dev, namespace: a}
roleRef: {kind: Role, name: pods}
subjects: [{kind: Group, name: devs}]
---
kind: ServiceAccount
metadata: {name: deployer, namespace: a}
---
kind: ClusterRole
metadata: {name: deploy-b}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [create]}]
---
kind: RoleBinding
metadata: {name: deployer, namespace: b}
roleRef: {kind: ClusterRole, name: deploy-b}
subjects: [{kind: ServiceAccount, name: deployer, namespace: a}]
---
kind: ServiceAccount
metadata: {name: admin-bot, namespace: b}
---
kind: ClusterRoleBinding
metadata: {name: admin-bot}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: admin-bot, namespace: b}]
`, { defaults: true });
    const r = analyzeRisks(p);
    const esc = find(r.findings, 'escalate', 'Group:devs');
    assert.equal(esc.length, 1, 'devs → a/deployer → b/admin-bot (cluster-admin) holds escalate');
    assert.deepEqual(
      esc[0].path?.map((s) => `${s.to.namespace}/${s.to.name}`),
      ['a/deployer', 'b/admin-bot'],
    );
    assert.equal(esc[0].severity, 'critical');
    const direct = find(r.findings, 'create-workloads', 'Group:devs').filter((f) => !f.path);
    assert.deepEqual(direct.map((f) => [f.scope, f.severity]), [['a', 'high']]);
    assert.equal(find(r.findings, 'wildcard', 'ServiceAccount:b/admin-bot')[0].severity, 'critical');
    assert.equal(r.findings.filter((f) => f.subject.name === 'system:masters').length, 0, 'built-in grants are not reported by default');
  });

  test('exact matching: literals, names, create with names grants nothing, AND conditions', () => {
    const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: tricky}
rules:
- {apiGroups: ["*"], resources: ["pods/*", "*/*"], verbs: ["*"]}
- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [db-creds]}
- {apiGroups: [""], resources: [pods], verbs: [create], resourceNames: [x]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
---
kind: ClusterRoleBinding
metadata: {name: t}
roleRef: {kind: ClusterRole, name: tricky}
subjects: [{kind: Group, name: g}]
`);
    const fs = analyzeRisks(p).findings.filter((f) => f.subject.name === 'g');
    const ids = fs.map((f) => f.id).sort();
    assert.deepEqual(ids, ['read-secrets', 'wildcard'], 'no exec/create-workloads from literals or named create; bind without create bindings is not #8');
    const secrets = fs.find((f) => f.id === 'read-secrets');
    assert.deepEqual(secrets?.names, ['db-creds']);
    assert.equal(secrets?.severity, 'high', 'name-restricted: one level lower than critical');
  });

  test('impersonating system:masters, special subjects, bind + create bindings, nodes/proxy get', () => {
    const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: imp}
rules: [{apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [system:masters]}]
---
kind: ClusterRoleBinding
metadata: {name: imp}
roleRef: {kind: ClusterRole, name: imp}
subjects: [{kind: User, name: mallory}]
---
kind: ClusterRole
metadata: {name: binder}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
- {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
---
kind: RoleBinding
metadata: {name: anon, namespace: ns1}
roleRef: {kind: ClusterRole, name: binder}
subjects: [{kind: Group, name: system:unauthenticated}]
`);
    const fs = analyzeRisks(p).findings;
    assert.ok(find(fs, 'impersonate', 'User:mallory').some((f) => f.title === 'Can become system:masters' && f.severity === 'critical'));
    assert.ok(find(fs, 'bind', 'Group:system:unauthenticated').some((f) => f.scope === 'ns1'));
    assert.equal(find(fs, 'nodes-proxy', 'Group:system:unauthenticated').length, 0, 'a RoleBinding never grants nodes/proxy');
    assert.equal(find(fs, 'special-subjects', 'Group:system:unauthenticated')[0].severity, 'critical');
    assert.ok(find(fs, 'user-bound-directly', 'User:mallory').length === 1);
  });

  test('create + read Secrets in N ⇒ every ServiceAccount in N (token Secrets)', () => {
    const p = policyFromYaml(`
kind: Role
metadata: {name: s, namespace: a}
rules: [{apiGroups: [""], resources: [secrets], verbs: [create, get]}]
---
kind: RoleBinding
metadata: {name: s, namespace: a}
roleRef: {kind: Role, name: s}
subjects: [{kind: User, name: minter}]
---
kind: ClusterRole
metadata: {name: nodes}
rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
---
kind: ClusterRoleBinding
metadata: {name: bot}
roleRef: {kind: ClusterRole, name: nodes}
subjects: [{kind: ServiceAccount, name: bot, namespace: a}]
`);
    const f = find(analyzeRisks(p).findings, 'nodes-proxy', 'User:minter');
    assert.equal(f.length, 1);
    assert.match(f[0].path?.[0].how ?? '', /token Secret/);
  });

  test('identities bound only by the bootstrap policy are components: no transitive findings unless --include-builtin', () => {
    const p = policyFromYaml(
      `
kind: ClusterRole
metadata: {name: nodes}
rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
---
kind: ClusterRoleBinding
metadata: {name: bot}
roleRef: {kind: ClusterRole, name: nodes}
subjects: [{kind: ServiceAccount, name: bot, namespace: a}]
`,
      { defaults: true },
    );
    const kcm = (fs: RiskFinding[]) => fs.filter((f) => f.subject.name === 'system:kube-controller-manager' && f.path);
    assert.equal(kcm(analyzeRisks(p).findings).length, 0);
    assert.ok(kcm(analyzeRisks(p, { includeBuiltin: true }).findings).some((f) => f.id === 'nodes-proxy'));
  });

  test('dangling roles and missing ServiceAccounts', () => {
    const p = policyFromYaml(`
kind: RoleBinding
metadata: {name: rb, namespace: ns1}
roleRef: {kind: Role, name: later}
subjects: [{kind: ServiceAccount, name: ghost}]
`);
    const fs = analyzeRisks(p, { serviceAccountsComplete: true }).findings;
    assert.equal(fs.find((f) => f.id === 'dangling-role')?.severity, 'low');
    assert.equal(fs.find((f) => f.id === 'missing-service-account')?.severity, 'low');
    assert.equal(analyzeRisks(p).findings.find((f) => f.id === 'missing-service-account')?.severity, 'info');
  });

  test('risks agree with the authorizer on what a subject can do', () => {
    const p = policyFromYaml(`
kind: Role
metadata: {name: r, namespace: kube-system}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [patch]}]
---
kind: RoleBinding
metadata: {name: rb, namespace: kube-system}
roleRef: {kind: Role, name: r}
subjects: [{kind: User, name: ops}]
`);
    const f = analyzeRisks(p).findings.find((x) => x.id === 'kube-system-configmaps');
    assert.equal(f?.scope, 'kube-system');
    assert.equal(f?.severity, 'high');
    assert.ok(effectiveRules(p, impersonatedUser('ops'), 'kube-system').rules.length > 0);
  });
});
