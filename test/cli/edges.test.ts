/**
 * The edges of the CLI as a user meets them (the shipped bundle, in a child process): one exit-code
 * table, errors and warnings on stderr only, plain messages for mistakes (no stack traces), nothing
 * scanned is not a pass, readable grouped text with a summary, --min-severity beside --fail-on, -n,
 * SARIF paths relative to the scan root, duplicate keys as kubectl treats them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { kubeharden, ROOT } from './helpers.js';

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: shop}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      securityContext: {privileged: true}
`;
const NO_NAMESPACE = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "registry.example.com/web:1.0.0"}]
`;
const BROKEN = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n';

let dir: string;
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('CLI edges', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kh-edges-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit codes: 2 (incomplete) outranks 1 (findings); --fail-on none silences findings, never input errors; nothing scanned is always 2', () => {
    const bad = file('bad.yaml', PRIVILEGED);
    const broken = file('broken.yaml', BROKEN);
    assert.equal(kubeharden(['scan', bad]).code, 1);
    assert.equal(kubeharden(['scan', bad, broken]).code, 2, 'an input error and a critical finding: 2');
    assert.equal(kubeharden(['scan', bad, '--fail-on', 'none']).code, 0, '--fail-on none: findings do not fail');
    assert.equal(kubeharden(['scan', bad, broken, '--fail-on', 'none']).code, 2, '--fail-on none: an input error still does');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    for (const args of [[empty], [empty, '--fail-on', 'none'], [file('notes.yaml', 'title: not a manifest\n')]]) {
      const r = kubeharden(['scan', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: a CI job pointed at the wrong folder must not pass`);
      assert.match(r.stderr, /warning: no Kubernetes object found in .*: nothing was scanned/);
    }
  });

  it('errors and warnings go to stderr in every format, the report to stdout', () => {
    const bad = file('bad.yaml', PRIVILEGED);
    const broken = file('broken.yaml', BROKEN);
    for (const format of ['text', 'json', 'sarif', 'junit']) {
      const r = kubeharden(['scan', bad, broken, '-o', format]);
      assert.match(r.stderr, /^error: .*broken\.yaml:4:1: invalid YAML/m, format);
      assert.doesNotMatch(r.stdout, /^error: /m, `${format}: no error lines in the report`);
    }
  });

  it('--output-file into a missing folder is a plain message, not an internal error', () => {
    const r = kubeharden(['scan', file('bad.yaml', PRIVILEGED), '-o', 'json', '--output-file', join(dir, 'no', 'such', 'out.json')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `error: cannot write ${join(dir, 'no', 'such', 'out.json')}: the folder ${join(dir, 'no', 'such')} does not exist\n`);
  });

  it('no user mistake prints a stack trace', () => {
    const cases: string[][] = [
      ['scan', join(dir, 'missing.yaml')],
      ['scan', '--config', join(dir, 'missing-config.yaml'), join(dir, 'bad.yaml')],
      ['webhook', 'install', '--policy', join(dir, 'missing-policy.yaml')],
      ['webhook', 'review', join(dir, 'missing-review.json')],
      ['generate', 'namespace', 'shop', '--output-file', join(dir, 'no', 'ns.yaml')],
      ['harden', join(dir, 'bad.yaml'), '-o', join(dir, 'out')],
      ['fix', join(dir, 'empty')],
    ];
    file('bad.yaml', PRIVILEGED);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    for (const args of cases) {
      const r = kubeharden(args);
      assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
      assert.match(r.stderr, /^error: /m, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('text: grouped by file, then object, then line, ending with the summary tables', () => {
    const r = kubeharden(['scan', 'examples/kustomize', '--fail-on', 'none']);
    assert.equal(r.code, 0, r.stderr);
    const headers = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
    assert.deepEqual(headers, ['  Deployment api', '  Deployment prod/prod-api'], 'one header per object (Kustomize output interleaved them)');
    assert.match(r.stdout, /\nSEVERITY +FINDINGS\nhigh +\d+\nmedium +\d+\nlow +\d+\ninfo +\d+\n\nCHECK \(top 10 of \d+\) +SEVERITY +FINDINGS\n(?:[A-Z-]+ +(?:critical|high|medium|low|info) +\d+\n){10}\n/);
    assert.match(r.stdout, /\n2 objects scanned: \d+ findings \(\d+ high, \d+ medium, \d+ low, \d+ info\)\n$/);
  });

  it('--min-severity decides what is shown, --fail-on what fails', () => {
    const bad = file('bad.yaml', PRIVILEGED);
    const r = kubeharden(['scan', bad, '--min-severity', 'critical', '-o', 'json']);
    const j = JSON.parse(r.stdout) as { findings: Array<{ severity: string }> };
    assert.ok(j.findings.length > 0 && j.findings.every((f) => f.severity === 'critical'));
    const hiddenFails = kubeharden(['scan', bad, '--min-severity', 'critical', '--fail-on', 'high', '--checks', 'CTR-RUN-AS-NON-ROOT']);
    assert.equal(hiddenFails.code, 1, 'a high finding fails --fail-on high even when not shown');
    assert.match(hiddenFails.stdout, /\d+ below --min-severity critical not shown/);
  });

  it('-n puts objects that name no namespace in it, as kubectl apply -n does', () => {
    const web = file('web.yaml', NO_NAMESPACE);
    const without = JSON.parse(kubeharden(['scan', web, '-o', 'json', '--fail-on', 'none']).stdout) as { findings: Array<{ check: string; object: { namespace?: string } }> };
    assert.ok(without.findings.some((f) => f.check === 'META-DEFAULT-NS'));
    const withNs = JSON.parse(kubeharden(['scan', web, '-n', 'shop', '-o', 'json', '--fail-on', 'none']).stdout) as typeof without;
    assert.ok(!withNs.findings.some((f) => f.check === 'META-DEFAULT-NS'));
    assert.ok(withNs.findings.every((f) => f.object.namespace === 'shop'));
    const other = kubeharden(['scan', file('bad.yaml', PRIVILEGED), '-n', 'other', '--fail-on', 'none']);
    assert.match(other.stderr, /warning: .*Pod shop\/bad names namespace "shop", not "other" \(-n\): scanned in its own namespace; kubectl apply -n other would refuse it/);
    assert.equal(kubeharden(['scan', web, '-n', 'Not_A_Namespace']).code, 2);
  });

  it('SARIF: URIs relative to the scan root (originalUriBaseIds), never ../', () => {
    const outside = mkdtempSync(join(tmpdir(), 'kh-edges-outside-'));
    try {
      mkdirSync(join(outside, 'manifests'));
      writeFileSync(join(outside, 'manifests', 'bad.yaml'), PRIVILEGED);
      const r = kubeharden(['scan', join(outside, 'manifests'), '-o', 'sarif'], { cwd: ROOT });
      const run = (JSON.parse(r.stdout) as { runs: Array<{ originalUriBaseIds: Record<string, { uri: string }>; results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }> }> }).runs[0];
      assert.ok(relative(ROOT, outside).startsWith('..'), 'the files are outside the working directory');
      assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${join(outside, 'manifests')}/`);
      for (const res of run.results) assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: 'bad.yaml', uriBaseId: '%SRCROOT%' });
      const inside = (JSON.parse(kubeharden(['scan', 'examples/insecure', '-o', 'sarif', '--fail-on', 'none']).stdout) as { runs: Array<typeof run> }).runs[0];
      assert.equal(inside.originalUriBaseIds['%SRCROOT%'].uri, `file://${ROOT.endsWith('/') ? ROOT : `${ROOT}/`}`, 'under the working directory, the base is the working directory');
      assert.ok(inside.results.every((x) => x.locations[0].physicalLocation.artifactLocation.uri.startsWith('examples/insecure/')));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('duplicate keys: an error as kubectl apply makes it, the object still scanned with the last value', () => {
    const dup = file('dup.yaml', `${PRIVILEGED}      securityContext: {privileged: false}\n`);
    const r = kubeharden(['scan', dup, '-o', 'json', '--fail-on', 'critical']);
    assert.equal(r.code, 2);
    const j = JSON.parse(r.stdout) as { errors: Array<{ line: number; message: string }>; findings: Array<{ check: string }> };
    assert.equal(j.errors[0].line, 9);
    assert.match(j.errors[0].message, /^duplicate key "securityContext": kubectl apply refuses this object \(strict field validation, its default\); scanned with the last value/);
    assert.ok(!j.findings.some((f) => f.check === 'CTR-PRIVILEGED'), 'the last value (privileged: false) is what was scanned');
  });

  it('fix: advice, not an edit, where the image switches user itself; secrets masked in the diff; drop [all] corrected', () => {
    const app = file(
      'db.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop}
spec:
  containers:
    - name: mongo
      image: mongo:7.0
      env:
        - {name: MONGO_INITDB_ROOT_PASSWORD, value: "s3cr3t-Kh13-never-printed"}
      securityContext:
        capabilities:
          drop: [all]
          add: [CHOWN, SETGID, SETUID]
`,
    );
    const r = kubeharden(['fix', app]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t-Kh13-never-printed/);
    assert.match(r.stdout, /^ {9}- \{name: MONGO_INITDB_ROOT_PASSWORD, value: \*\*\*\}$/m, "a context line, masked");
    assert.match(r.stdout, /^- {10}drop: \[all\]\n\+ {10}drop: \[ALL\]$/m);
    assert.doesNotMatch(r.stdout, /runAsNonRoot|runAsUser/);
    assert.match(r.stderr, /CTR-RUN-AS-NON-ROOT ×1: container "mongo" adds CHOWN, SETGID, SETUID: its image starts as root and switches to its own user/);
    assert.match(r.stderr, /warning: secret values are masked \(\*\*\*\) in this diff/);
  });

  it('rbac -f with -n: objects without a namespace land in it (Argo CD style manifests)', () => {
    const rbac = file(
      'argo.yaml',
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: argocd-server}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: argocd-server}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: argocd-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: argocd-server}
subjects: [{kind: ServiceAccount, name: argocd-server}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: argocd-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: argocd-server, namespace: argocd}]
`,
    );
    const lookup = JSON.parse(kubeharden(['rbac', 'lookup', 'ServiceAccount:argocd/argocd-server', '-f', rbac, '-n', 'argocd', '-o', 'json']).stdout) as { bindings: Array<{ binding: { kind: string; namespace?: string }; role: { kind: string; namespace?: string } }> };
    const rb = lookup.bindings.find((b) => b.binding.kind === 'RoleBinding');
    assert.equal(rb?.binding.namespace, 'argocd');
    assert.equal(rb?.role.namespace, 'argocd');
    const without = kubeharden(['rbac', 'lookup', 'ServiceAccount:argocd/argocd-server', '-f', rbac]);
    assert.match(without.stderr, /warning: 3 object\(s\) name no namespace .* and are read in "default", as kubectl apply without -n would place them; if they are applied with -n NAMESPACE, give the same -n here/);
    const risks = kubeharden(['rbac', 'risks', '-f', rbac, '-n', 'argocd', '-o', 'json', '--fail-on', 'none']);
    assert.equal(risks.code, 0, risks.stderr);
    const j = JSON.parse(risks.stdout) as { findings: Array<{ id: string; message: string }> };
    assert.ok(!j.findings.some((f) => /argocd-server/.test(f.message) && /does not exist|missing/i.test(f.message)), JSON.stringify(j.findings.map((f) => f.message)));
  });

  it('the README who-can example runs without a warning', () => {
    const r = kubeharden(['rbac', 'who-can', 'create', 'pods', '--subresource', 'exec', '-A', '-f', 'examples/insecure', '--with-defaults', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /names the object/);
  });
});
