import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { cliBatch, type Run } from '../../../test/cli/helpers.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

const batch = cliBatch;

function run(...args: string[]): Run {
  return batch(args)[0];
}

const POD = `# a pod with nothing set
apiVersion: v1
kind: Pod
metadata:
  name: web   # keep me
spec:
  containers:
  - name: web
    image: "nginx:1.27"
`;
const OTHER = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: untouched}\ndata: {a: "1"}\n`;
const HELM = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n`;

const dir = mkdtempSync(join(tmpdir(), 'kubeharden-fix-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fresh(name: string, files: Record<string, string>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, t] of Object.entries(files)) writeFileSync(join(d, f), t);
  return d;
}

describe('kubeharden fix', () => {
  test('prints a diff that git apply turns into exactly what --write writes; exit 1 while there is something to fix', () => {
    const a = fresh('diff', { 'pod.yaml': POD, 'cm.yaml': OTHER });
    const b = fresh('write', { 'pod.yaml': POD, 'cm.yaml': OTHER });
    const [r, w] = batch(['fix', join(a, 'pod.yaml'), join(a, 'cm.yaml')], ['fix', '--write', join(b, 'pod.yaml'), join(b, 'cm.yaml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(readFileSync(join(a, 'pod.yaml'), 'utf8'), POD, 'without --write nothing is written');
    assert.match(r.stdout, /^--- \//m);
    assert.match(r.stderr, /would fix \d+ findings/);

    assert.equal(w.code, 0, w.stderr);
    assert.equal(readFileSync(join(b, 'cm.yaml'), 'utf8'), OTHER, 'a file with nothing to fix is not rewritten');

    // The printed patch (absolute paths, so -p0) applied to the first copy gives the same bytes.
    const patch = r.stdout.replaceAll(a, b.replace('/write', '/diff'));
    const g = spawnSync('git', ['apply', '-p0', '--unsafe-paths', '-'], { input: patch, cwd: '/', encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    assert.equal(readFileSync(join(a, 'pod.yaml'), 'utf8'), readFileSync(join(b, 'pod.yaml'), 'utf8'));
  });

  test('after fix --write, scan reports none of the fixed findings, and a second fix has nothing to do', () => {
    const d = fresh('rescan', { 'pod.yaml': POD });
    const file = join(d, 'pod.yaml');
    const [s1, w, s2, again] = batch(['scan', '-o', 'json', '--fail-on', 'critical', file], ['fix', '--write', file], ['scan', '-o', 'json', '--fail-on', 'critical', file], ['fix', file]);
    const before = JSON.parse(s1.stdout) as { findings: Array<{ check: string; fix?: unknown }> };
    assert.equal(w.code, 0, w.stderr);
    const afterScan = JSON.parse(s2.stdout) as { findings: Array<{ check: string }> };
    const fixedChecks = new Set(before.findings.filter((f) => f.fix).map((f) => f.check));
    assert.ok(fixedChecks.size >= 5, [...fixedChecks].join(', '));
    const left = afterScan.findings.map((f) => f.check).filter((c) => fixedChecks.has(c));
    assert.deepEqual(left, []);
    assert.match(readFileSync(file, 'utf8'), /^# a pod with nothing set\n/);
    assert.match(readFileSync(file, 'utf8'), /name: web {3}# keep me\n/);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '');
  });

  test('--checks limits the fixes', () => {
    const d = fresh('checks', { 'pod.yaml': POD });
    const r = run('fix', '--checks', 'CTR-PRIV-ESC', join(d, 'pod.yaml'));
    const added = r.stdout.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    assert.deepEqual(added, ['+    securityContext:', '+      allowPrivilegeEscalation: false']);
  });

  test('refuses unrendered Helm templates, writing nothing', () => {
    const d = fresh('helm', { 'deploy.yaml': HELM, 'pod.yaml': POD });
    const r = run('fix', '--write', d);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to edit unrendered Helm templates:\n {2}.*deploy\.yaml:4/);
    assert.match(r.stderr, /helm template NAME CHART \| kubeharden fix -/);
    assert.equal(readFileSync(join(d, 'pod.yaml'), 'utf8'), POD);
    assert.equal(readFileSync(join(d, 'deploy.yaml'), 'utf8'), HELM);
  });

  test('stdin: the fixed manifests go to stdout', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'fix', '-q', '-'], { input: POD, cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith(POD.slice(0, POD.indexOf('    image:'))));
    assert.match(r.stdout, /allowPrivilegeEscalation: false/);
  });
});

describe('kubeharden generate and harden', () => {
  test('generate namespace and audit-policy print valid YAML', () => {
    const [ns, badName, audit] = batch(['generate', 'namespace', 'shop', '--quota', 'pods=20'], ['generate', 'namespace', 'Not_A_Name'], ['generate', 'audit-policy']);
    assert.equal(ns.code, 0, ns.stderr);
    const kinds = parseAllDocuments(ns.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    assert.deepEqual(kinds, ['Namespace', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'LimitRange', 'ResourceQuota']);
    assert.equal(badName.code, 2);
    assert.equal((parseAllDocuments(audit.stdout)[0].toJS() as { kind: string }).kind, 'Policy');
  });

  test('generate networkpolicies: --allow names must exist', () => {
    const d = fresh('np', { 'app.yaml': POD.replace('  name: web   # keep me\n', '  name: web\n  labels: {app: web}\n') });
    const [ok, bad] = batch(['generate', 'networkpolicies', join(d, 'app.yaml'), '--allow', '*->web:8080'], ['generate', 'networkpolicies', join(d, 'app.yaml'), '--allow', 'web->nope:80']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /name: allow-ingress-web/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no workload or Service "nope"/);
  });

  test('generate serviceaccounts: the wiring is a diff until --write', () => {
    const d = fresh('sa', { 'app.yaml': POD });
    const e = fresh('sa-write', { 'app.yaml': POD });
    const [r] = batch(['generate', 'serviceaccounts', join(d, 'app.yaml')], ['generate', 'serviceaccounts', '--write', join(e, 'app.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /kind: ServiceAccount\nmetadata:\n {2}name: web\n[\s\S]*automountServiceAccountToken: false/);
    assert.match(r.stderr, /\+ {2}serviceAccountName: web/);
    assert.equal(readFileSync(join(d, 'app.yaml'), 'utf8'), POD);
    assert.match(readFileSync(join(e, 'app.yaml'), 'utf8'), /\n {2}serviceAccountName: web\n/);
  });

  test('harden writes a directory and will not overwrite one without --force', () => {
    const d = fresh('harden', { 'app.yaml': POD.replace('  name: web   # keep me\n', '  name: web\n  labels: {app: web}\n') });
    const out = join(d, 'out');
    const [r, again] = batch(['harden', join(d, 'app.yaml'), '--output-dir', out, '--namespace', 'web'], ['harden', join(d, 'app.yaml'), '--output-dir', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /verification .*passes/);
    for (const f of ['00-kubeharden-namespaces.yaml', '10-kubeharden-serviceaccounts.yaml', '20-kubeharden-networkpolicies.yaml', 'app.yaml']) readFileSync(join(out, f), 'utf8');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not empty/);
  });
});
