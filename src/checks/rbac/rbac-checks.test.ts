/**
 * RBAC-object checks: every fixture (fail/*.yaml must produce findings at the `# expect:` positions,
 * pass/*.yaml none), metadata completeness, and the exact field paths of findings.
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { rbacChecks } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function fixtures(id: string, kind: 'pass' | 'fail'): string[] {
  const d = join(here, id, 'fixtures', kind);
  return existsSync(d) ? readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(d, f)) : [];
}

function scan(text: string, id: string, file = 'x.yaml') {
  const loaded = loadText(Buffer.from(text), file);
  assert.deepEqual(loaded.errors, []);
  return scanObjects(loaded.objects, { checks: rbacChecks, only: [id] }).findings.filter((f) => f.check === id && !f.suppressed);
}

describe('RBAC checks: fixtures', () => {
  for (const check of rbacChecks) {
    const id = check.meta.id;
    it(`${id}: metadata, doc and fixtures`, () => {
      assert.equal(check.meta.category, 'rbac');
      assert.ok(check.meta.references.length > 0 && check.meta.attack && check.meta.remediation && check.meta.title);
      assert.ok(existsSync(join(here, id, 'doc.md')), 'doc.md');
      assert.ok(fixtures(id, 'fail').length && fixtures(id, 'pass').length, 'fixtures');
    });
    for (const file of fixtures(id, 'fail')) {
      it(`${id} fails ${file.slice(here.length)}`, () => {
        const text = readFileSync(file, 'utf8');
        const got = scan(text, id, file);
        assert.ok(got.length > 0, 'expected findings');
        const m = /^#\s*expect:\s*(.+)$/m.exec(text);
        if (m) assert.deepEqual(got.map((f) => `${f.line}:${f.column}`).sort(), m[1].split(',').map((s) => s.trim()).sort(), got.map((f) => `${f.line}:${f.column} ${f.path} ${f.message}`).join('\n'));
      });
    }
    for (const file of fixtures(id, 'pass')) {
      it(`${id} passes ${file.slice(here.length)}`, () => {
        const got = scan(readFileSync(file, 'utf8'), id, file);
        assert.deepEqual(got.map((f) => `${f.line}:${f.column} ${f.message}`), []);
      });
    }
  }
});

describe('RBAC checks: paths and semantics', () => {
  const role = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n${rules}`;

  test('every rule is inspected and the path names the exact entry', () => {
    const f = scan(
      role(`- {apiGroups: [""], resources: [pods], verbs: [get]}
- {apiGroups: [""], resources: [pods], verbs: [get]}
- {apiGroups: [""], resources: [configmaps, "*"], verbs: [list, "*"]}
`),
      'RBAC-WILDCARD',
    );
    // One finding per rule, at its first "*", naming every field that has one.
    assert.deepEqual(f.map((x) => x.path), ['rules[2].verbs[1]']);
    assert.match(f[0].message, /rule 2 has "\*" in verbs and resources: every verb .*; every resource/);
  });

  test('secrets: list is a read; names lower the severity; wrong groups do not count', () => {
    const f = scan(
      role(`- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [tls]}
- {apiGroups: [""], resources: [pods, secrets], verbs: [watch]}
- {apiGroups: [apps], resources: [secrets], verbs: [get]}
- {apiGroups: [], resources: [secrets], verbs: [get]}
`),
      'RBAC-SECRETS',
    );
    assert.deepEqual(
      f.map((x) => [x.path, x.severity]),
      [
        ['rules[0].resources[0]', 'medium'],
        ['rules[1].resources[1]', 'high'],
      ],
    );
  });

  test('create with resourceNames grants nothing; exec through */exec counts', () => {
    assert.equal(scan(role(`- {apiGroups: [""], resources: [pods], verbs: [create], resourceNames: [x]}\n`), 'RBAC-CREATE-WORKLOADS').length, 0);
    assert.deepEqual(scan(role(`- {apiGroups: [""], resources: ["*/exec"], verbs: [create]}\n`), 'RBAC-EXEC-ATTACH').map((x) => x.path), ['rules[0].resources[0]']);
  });

  test('escalation severities: bind is critical, creating bindings medium; one finding per rule, rated by its worst grant', () => {
    const rule = (resources: string) => role(`- {apiGroups: [rbac.authorization.k8s.io], resources: [${resources}], verbs: [create, bind]}\n`);
    assert.deepEqual(scan(rule('rolebindings'), 'RBAC-ESCALATION').map((x) => [x.path, x.severity]), [['rules[0].resources[0]', 'medium']]);
    assert.deepEqual(scan(rule('roles'), 'RBAC-ESCALATION').map((x) => [x.path, x.severity]), [['rules[0].resources[0]', 'critical']]);
    const both = scan(rule('rolebindings, roles'), 'RBAC-ESCALATION');
    assert.deepEqual(both.map((x) => [x.path, x.severity]), [['rules[0].resources[0]', 'critical']]);
    assert.match(both[0].message, /grants bind on roles\.rbac\.authorization\.k8s\.io, create on rolebindings\.rbac\.authorization\.k8s\.io/);
  });

  test('cluster-admin equivalents through aggregation', () => {
    const f = scan(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: "1"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all, labels: {x: "1"}}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
subjects: [{kind: Group, name: g}]
`,
      'RBAC-CLUSTER-ADMIN',
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].path, 'roleRef.name');
  });

  test('special subjects: system:authenticated is high, system:masters low', () => {
    const f = scan(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: system:authenticated}, {kind: Group, name: system:masters}, {kind: User, name: system:anonymous}]
`,
      'RBAC-SPECIAL-SUBJECTS',
    );
    assert.deepEqual(
      f.map((x) => [x.path, x.severity]),
      [
        ['subjects[0].name', 'high'],
        ['subjects[1].name', 'low'],
        ['subjects[2].name', 'critical'],
      ],
    );
  });
});
