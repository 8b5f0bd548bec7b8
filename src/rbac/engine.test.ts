import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ruleAllows, nonResourceURLMatches } from './match.js';
import { normaliseRule } from './policy.js';
import { policyFromYaml } from './test-helpers.js';
import { authorize, isAllowed } from './authorizer.js';
import { impersonatedUser, splitServiceAccountUsername, parseSubject, serviceAccountUser } from './identity.js';
import { whoCan } from './locator.js';
import { nonResourceRequest, resourceRequest, type PolicyRule } from './types.js';

const rule = (r: Partial<PolicyRule>): PolicyRule => normaliseRule(r);

describe('rule matching', () => {
  test('pods/* and */* are literals; */scale matches any scale', () => {
    const r = rule({ verbs: ['get'], apiGroups: ['*'], resources: ['pods/*', '*/*'] });
    assert.equal(ruleAllows(resourceRequest('get', 'pods', { subresource: 'log' }), r), false);
    assert.equal(ruleAllows(resourceRequest('get', 'pods'), r), false);
    assert.equal(ruleAllows(resourceRequest('get', 'pods/*'), r), true, 'a literal resource named pods/* would match');
    const s = rule({ verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] });
    assert.equal(ruleAllows(resourceRequest('get', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), s), true);
    assert.equal(ruleAllows(resourceRequest('get', 'deployments', { apiGroup: 'apps', subresource: 'status' }), s), false);
    assert.equal(ruleAllows(resourceRequest('get', 'deployments', { apiGroup: 'apps' }), s), false);
  });

  test('pods does not cover pods/log; * covers every subresource', () => {
    assert.equal(ruleAllows(resourceRequest('get', 'pods', { subresource: 'log' }), rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })), false);
    assert.equal(ruleAllows(resourceRequest('get', 'pods', { subresource: 'log' }), rule({ verbs: ['get'], apiGroups: [''], resources: ['*'] })), true);
  });

  test('* in apiGroups does not widen resources; an empty apiGroups list matches nothing', () => {
    assert.equal(ruleAllows(resourceRequest('get', 'secrets'), rule({ verbs: ['*'], apiGroups: ['*'], resources: ['configmaps'] })), false);
    assert.equal(ruleAllows(resourceRequest('get', 'pods'), rule({ verbs: ['get'], apiGroups: [], resources: ['pods'] })), false);
    assert.equal(ruleAllows(resourceRequest('get', 'pods'), rule({ verbs: ['get'], resources: ['pods'] })), false);
  });

  test('verbs are case-sensitive', () => {
    assert.equal(ruleAllows(resourceRequest('GET', 'pods'), rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })), false);
  });

  test('resourceNames: nameless requests never match a named rule', () => {
    const r = rule({ verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db'] });
    assert.equal(ruleAllows(resourceRequest('get', 'secrets', { name: 'db' }), r), true);
    assert.equal(ruleAllows(resourceRequest('get', 'secrets', { name: 'other' }), r), false);
    assert.equal(ruleAllows(resourceRequest('list', 'secrets'), r), false);
    assert.equal(ruleAllows(resourceRequest('create', 'secrets'), r), false);
  });

  test('nonResourceURLs: trailing * is a string prefix', () => {
    const r = rule({ verbs: ['get'], nonResourceURLs: ['/healthz*', '/foo/*'] });
    assert.equal(nonResourceURLMatches(r, '/healthzfoo'), true);
    assert.equal(nonResourceURLMatches(r, '/healthz'), true);
    assert.equal(nonResourceURLMatches(r, '/foo/bar'), true);
    assert.equal(nonResourceURLMatches(r, '/foo'), false);
    assert.equal(ruleAllows(nonResourceRequest('post', '/healthz'), r), false);
    // A URL rule never grants resources and vice versa.
    assert.equal(ruleAllows(resourceRequest('get', 'pods'), r), false);
  });
});

describe('identity', () => {
  test('impersonating a ServiceAccount adds its groups and system:authenticated', () => {
    assert.deepEqual(impersonatedUser('system:serviceaccount:ns1:web'), { name: 'system:serviceaccount:ns1:web', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] });
    assert.deepEqual(impersonatedUser('alice', ['devs']), { name: 'alice', groups: ['devs', 'system:authenticated'] });
    assert.deepEqual(impersonatedUser('alice', ['system:unauthenticated']), { name: 'alice', groups: ['system:unauthenticated'] });
    assert.deepEqual(impersonatedUser('system:anonymous'), { name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  test('service account usernames must be valid to count', () => {
    assert.deepEqual(splitServiceAccountUsername('system:serviceaccount:ns:name'), { namespace: 'ns', name: 'name' });
    assert.equal(splitServiceAccountUsername('system:serviceaccount:ns:a:b'), undefined);
    assert.equal(splitServiceAccountUsername('system:serviceaccount:NS:name'), undefined);
    assert.deepEqual(impersonatedUser('system:serviceaccount:NS:name').groups, ['system:authenticated']);
  });

  test('parseSubject', () => {
    assert.deepEqual(parseSubject('sa:ns1/web'), { kind: 'ServiceAccount', namespace: 'ns1', name: 'web' });
    assert.deepEqual(parseSubject('ServiceAccount:ns1:web'), { kind: 'ServiceAccount', namespace: 'ns1', name: 'web' });
    assert.deepEqual(parseSubject('system:serviceaccount:ns1:web'), { kind: 'ServiceAccount', namespace: 'ns1', name: 'web' });
    assert.deepEqual(parseSubject('Group:system:masters'), { kind: 'Group', name: 'system:masters' });
    assert.deepEqual(parseSubject('system:kube-scheduler'), { kind: 'User', name: 'system:kube-scheduler' });
  });
});

describe('authorizer', () => {
  const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [nodes], verbs: [get]}
- {nonResourceURLs: ["/metrics"], verbs: [get]}
---
kind: RoleBinding
metadata: {name: rb, namespace: ns1}
roleRef: {kind: ClusterRole, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: web}
- {kind: User, name: alice}
---
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {kind: ClusterRole, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: nons}
- {kind: Group, name: readers}
- {kind: Robot, name: r2}
---
kind: RoleBinding
metadata: {name: dangling, namespace: ns1}
roleRef: {kind: Role, name: nope}
subjects: [{kind: User, name: alice}]
`);
  const alice = impersonatedUser('alice');

  test('RoleBinding to a ClusterRole grants only in its namespace, never cluster-scoped or URLs', () => {
    assert.equal(isAllowed(p, alice, resourceRequest('get', 'pods', { namespace: 'ns1' })), true);
    assert.equal(isAllowed(p, alice, resourceRequest('get', 'pods', { namespace: 'ns2' })), false);
    assert.equal(isAllowed(p, alice, resourceRequest('get', 'pods')), false, 'all namespaces: only cluster-wide grants count');
    assert.equal(isAllowed(p, alice, resourceRequest('get', 'nodes')), false);
    assert.equal(isAllowed(p, alice, nonResourceRequest('get', '/metrics')), false);
  });

  test('ServiceAccount subjects default to the binding namespace; in a ClusterRoleBinding they never match without one', () => {
    assert.equal(isAllowed(p, serviceAccountUser('ns1', 'web'), resourceRequest('get', 'pods', { namespace: 'ns1' })), true);
    assert.equal(isAllowed(p, serviceAccountUser('ns2', 'web'), resourceRequest('get', 'pods', { namespace: 'ns1' })), false);
    assert.equal(isAllowed(p, serviceAccountUser('', 'nons'), resourceRequest('get', 'pods', { namespace: 'ns1' })), false);
    assert.equal(isAllowed(p, { name: 'system:serviceaccount::nons', groups: [] }, resourceRequest('get', 'pods')), false);
  });

  test('groups, unknown subject kinds, system:masters', () => {
    assert.equal(isAllowed(p, { name: 'x', groups: ['readers'] }, resourceRequest('get', 'nodes')), true);
    assert.equal(isAllowed(p, { name: 'r2', groups: [] }, resourceRequest('get', 'nodes')), false);
    const m = authorize(p, { name: 'root', groups: ['system:masters'] }, resourceRequest('delete', 'anything', { apiGroup: 'x.io' }));
    assert.equal(m.allowed, true);
    assert.equal(m.bypass, 'system:masters');
  });

  test('reason names binding, role and subject like the API server; missing roles are reported, not fatal', () => {
    const d = authorize(p, alice, resourceRequest('list', 'pods', { namespace: 'ns1' }));
    assert.equal(d.reason, 'RBAC: allowed by RoleBinding "rb/ns1" of ClusterRole "pod-reader" to User "alice"');
    assert.equal(d.grant?.ruleIndex, 0);
    const denied = authorize(p, alice, resourceRequest('delete', 'pods', { namespace: 'ns1' }));
    assert.equal(denied.allowed, false);
    assert.deepEqual(denied.errors, ['RoleBinding "ns1/dangling": role.rbac.authorization.k8s.io "nope" not found in namespace ns1']);
    const sa = authorize(p, serviceAccountUser('ns1', 'web'), resourceRequest('get', 'pods', { namespace: 'ns1' }));
    assert.equal(sa.reason, 'RBAC: allowed by RoleBinding "rb/ns1" of ClusterRole "pod-reader" to ServiceAccount "web/ns1"');
  });

  test('ClusterRoleBindings are visited before RoleBindings', () => {
    const q = policyFromYaml(`
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
kind: RoleBinding
metadata: {name: a, namespace: ns1}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: u}]
---
kind: ClusterRoleBinding
metadata: {name: z}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: Group, name: g}]
`);
    assert.match(authorize(q, { name: 'u', groups: ['g'] }, resourceRequest('get', 'pods', { namespace: 'ns1' })).reason, /ClusterRoleBinding "z"/);
  });
});

test('the same binding applied twice is one object: the last definition wins', () => {
  const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: old}]
---
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: new}]
`);
  assert.equal(p.clusterRoleBindings.length, 1);
  assert.equal(isAllowed(p, { name: 'old', groups: [] }, resourceRequest('get', 'pods')), false);
  assert.equal(isAllowed(p, { name: 'new', groups: [] }, resourceRequest('get', 'pods')), true);
  assert.match(p.warnings.join('\n'), /defined more than once/);
});

test('a RoleBinding applied twice replaces the first in place; same names in other namespaces or of the other kind are other objects', () => {
  const rb = (name: string, ns: string, user: string, kind = 'RoleBinding') =>
    `kind: ${kind}\nmetadata: {name: ${name}, namespace: ${ns}}\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: User, name: ${user}}]\n`;
  const p = policyFromYaml([rb('a', 'x', 'u1'), rb('b', 'x', 'u2'), rb('a', 'y', 'u3'), rb('a', 'x', 'u4'), rb('a', 'x', 'u5', 'ClusterRoleBinding')].join('---\n'));
  const users = (list: readonly { subjects: readonly { name: string }[] }[]) => list.map((b) => b.subjects[0].name);
  assert.deepEqual(users(p.roleBindings), ['u4', 'u2', 'u3']);
  assert.deepEqual(users(p.roleBindingsByNamespace.get('x') ?? []), ['u4', 'u2']);
  assert.deepEqual(users(p.roleBindingsByNamespace.get('y') ?? []), ['u3']);
  assert.deepEqual(users(p.clusterRoleBindings), ['u5']);
  assert.equal(p.warnings.filter((w) => /defined more than once/.test(w)).length, 1);
});

describe('aggregation', () => {
  test('nested aggregation of the bootstrap roles reaches a fixpoint: view ⊂ edit ⊂ admin', () => {
    const p = policyFromYaml(
      `
kind: ClusterRole
metadata: {name: crd-viewer, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get]}]
`,
      { defaults: true },
    );
    const widgets = resourceRequest('get', 'widgets', { apiGroup: 'example.com', namespace: 'ns1' });
    for (const role of ['view', 'edit', 'admin']) {
      const r = p.getClusterRole(role);
      assert.ok(r && r.rules.some((x) => x.resources.includes('widgets')), `${role} aggregates crd-viewer`);
    }
    assert.ok(!p.getClusterRole('view')?.rules.some((x) => x.resources.includes('secrets')), 'view cannot read secrets');
    assert.ok(p.getClusterRole('edit')?.rules.some((x) => x.resources.includes('secrets')), 'edit can');
    assert.equal(ruleAllows(widgets, p.getClusterRole('admin')?.rules.find((x) => x.resources.includes('widgets')) as PolicyRule), true);
    const admin = p.getClusterRole('admin');
    const i = admin?.rules.findIndex((x) => x.resources.includes('widgets')) ?? -1;
    assert.deepEqual(admin?.ruleOrigins[i], { role: 'crd-viewer', index: 0 }, 'provenance through two levels');
  });

  test('hand-written rules of an aggregated role are replaced; selectors, order, dedupe', () => {
    const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{key: team, operator: In, values: [a, b]}]
  - matchLabels: {extra: "yes"}
rules: [{apiGroups: [""], resources: [secrets], verbs: ["*"]}]
---
kind: ClusterRole
metadata: {name: z-b, labels: {team: b}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}, {apiGroups: [""], resources: [services], verbs: [get]}]
---
kind: ClusterRole
metadata: {name: a-a, labels: {team: a, extra: "yes"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
kind: ClusterRole
metadata: {name: c, labels: {team: c}}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
`);
    const agg = p.getClusterRole('agg');
    assert.deepEqual(
      agg?.rules.map((r) => r.resources[0]),
      ['pods', 'services'],
      'a-a before z-b by name, duplicate pods rule once, hand-written secrets rule gone, team=c not selected',
    );
  });

  test('an empty selector aggregates every other ClusterRole; cycles terminate', () => {
    const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: everything}
aggregationRule: {clusterRoleSelectors: [{}]}
---
kind: ClusterRole
metadata: {name: x, labels: {loop: "1"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {loop: "2"}}]}
---
kind: ClusterRole
metadata: {name: y, labels: {loop: "2"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {loop: "1"}}, {matchLabels: {base: "1"}}]}
---
kind: ClusterRole
metadata: {name: base, labels: {base: "1"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`);
    assert.deepEqual(p.getClusterRole('x')?.rules.map((r) => r.resources[0]), ['pods']);
    assert.deepEqual(p.getClusterRole('y')?.rules.map((r) => r.resources[0]), ['pods']);
    assert.deepEqual(p.getClusterRole('everything')?.rules.map((r) => r.resources[0]), ['pods']);
    assert.deepEqual(p.aggregation.cycles, ['x', 'y'], 'everything selects x and y but nothing selects it');
  });

  test('an invalid selector leaves the role as written, with a warning', () => {
    const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: bad}
aggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: a, operator: In, values: []}]}]}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`);
    assert.equal(p.getClusterRole('bad')?.rules.length, 1);
    assert.match(p.warnings.join('\n'), /invalid aggregationRule selector/);
  });
});

describe('who-can', () => {
  const p = policyFromYaml(`
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
kind: RoleBinding
metadata: {name: rb1, namespace: ns1}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: ServiceAccount, name: web}, {kind: Group, name: g1}]
---
kind: RoleBinding
metadata: {name: rb2, namespace: ns2}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: bob}, {kind: Group, name: g1}]
---
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: ServiceAccount, name: nons}, {kind: User, name: carol}]
---
kind: Deployment
metadata: {name: web, namespace: ns1}
spec: {template: {spec: {serviceAccountName: web, containers: [{name: c, image: i}]}}}
`);

  test('upstream order, SA namespaces filled in, unmatchable subjects set apart, workloads attached', () => {
    const r = whoCan(p, resourceRequest('get', 'secrets', { namespace: 'ns1' }), { workloads: true });
    assert.deepEqual(
      r.subjects.map((e) => [e.subject.kind, e.subject.namespace ?? '', e.subject.name]),
      [
        ['Group', '', 'system:masters'],
        ['User', '', 'carol'],
        ['ServiceAccount', 'ns1', 'web'],
        ['Group', '', 'g1'],
      ],
    );
    assert.equal(r.ignored.length, 1);
    assert.deepEqual(r.subjects[2].workloads?.map((w) => `${w.kind}/${w.name}`), ['Deployment/web']);
  });

  test('-A: RoleBindings of every namespace, each in its own; a subject accumulates grants', () => {
    const r = whoCan(p, resourceRequest('get', 'secrets'), { allNamespaces: true });
    const g1 = r.subjects.find((e) => e.subject.name === 'g1');
    assert.deepEqual(g1?.grants.map((g) => g.namespace).sort(), ['ns1', 'ns2']);
    assert.ok(r.subjects.some((e) => e.subject.name === 'bob'));
    const plain = whoCan(p, resourceRequest('get', 'secrets'));
    assert.ok(!plain.subjects.some((e) => e.subject.name === 'bob'), 'without -A, namespace "" counts only cluster-wide grants');
  });
});
