/**
 * Loading in worker threads must give exactly what loading on the main thread gives: the same
 * objects, positions, errors, warnings and files, so the same report (byte for byte), on the
 * real-world corpus and on objects whose cross-object facts come from later files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { loadInputs } from '../../src/load/index.js';
import { loadThreads, readFilesInWorkers } from '../../src/load/load-pool.js';
import { prepareRun, scanObjects } from '../../src/engine/scan.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { sharedPath } from '../shared.js';

/** The scan's report as JSON, with every object's body and positions (what a report is made of). */
async function report(paths: string[], threads: number, maxFileBytes?: number, letGoText?: boolean): Promise<string> {
  const loaded = await loadInputs(paths, { threads, ...(maxFileBytes ? { maxFileBytes } : {}), ...(letGoText ? { letGoText } : {}) });
  const result = scanObjects(loaded.objects, { run: prepareRun({ checks: ALL_CHECKS }) });
  const objects = loaded.objects.map((o) => ({ kind: o.kind, name: o.name, namespace: o.namespace, labels: o.labels, annotations: o.annotations, file: o.source.file, doc: o.source.documentIndex, item: o.source.itemPath, at: o.source.locate([]), object: o.object }));
  return JSON.stringify({ ...result, loadErrors: loaded.errors, loadWarnings: loaded.warnings, files: loaded.files, objects });
}

describe('loading in worker threads', () => {
  test('the real-world corpus gives the same report as the main thread alone', async (t) => {
    const corpus = sharedPath('corpus/realworld', 'load-pool corpus differential');
    if (!corpus) return t.skip('corpus not present');
    const alone = await report([corpus], 1);
    const pooled = await report([corpus], 2);
    assert.ok(alone.length > 1_000_000);
    assert.equal(pooled, alone);
    // One core with a large input: the same steps as a worker's, made on this thread.
    assert.equal(await report([corpus], 1, undefined, true), alone);
  });

  test('NetworkPolicy, Namespace, ServiceAccount and RBAC in files after the workload they affect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-pool-'));
    try {
      const deploy = (name: string, sa: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: team}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      serviceAccountName: ${sa}\n      containers:\n      - name: c\n        image: nginx:1.27\n`;
      writeFileSync(join(dir, 'a-workload.yaml'), `${deploy('web', 'web')}---\n${deploy('api', 'missing')}`);
      writeFileSync(join(dir, 'b-anchors.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: cm, namespace: team}\ndata: {a: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm2, namespace: team, labels: *m}\n`);
      writeFileSync(join(dir, 'c-binary.yaml'), Buffer.from([0x61, 0, 0x62]));
      writeFileSync(join(dir, 'd-helm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n');
      writeFileSync(join(dir, 'e-ci.yaml'), 'on: push\njobs: {}\n');
      writeFileSync(join(dir, 'f-big.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: "${'y'.repeat(5000)}"}\n`);
      writeFileSync(join(dir, 'g-broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n');
      mkdirSync(join(dir, 'z'));
      writeFileSync(
        join(dir, 'z', 'later.yaml'),
        [
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n',
          'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: team}\nautomountServiceAccountToken: false\n',
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: team}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: team}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: web, namespace: team}]\n',
        ].join('---\n'),
      );
      execFileSync('mkfifo', [join(dir, 'h-fifo.yaml')]);
      const alone = await report([dir, join(dir, 'missing.yaml')], 1, 4096);
      assert.equal(await report([dir, join(dir, 'missing.yaml')], 3, 4096), alone);
      assert.equal(await report([dir, join(dir, 'missing.yaml')], 1, 4096, true), alone);

      // The later files did count: the pooled scan sees them as the lone scan does.
      const r = JSON.parse(alone) as { findings: { check: string; object: { name: string } }[]; loadErrors: { file: string; message: string }[]; loadWarnings: string[] };
      const of = (check: string) => r.findings.filter((f) => f.check === check).map((f) => f.object.name).sort();
      assert.deepEqual(of('NET-NO-NETPOL'), [], 'the NetworkPolicy of a later file covers the workloads');
      assert.deepEqual(of('SA-REF'), ['api'], 'the ServiceAccount of a later file exists; "missing" does not');
      assert.ok(of('WL-SA-POWER').includes('web'), 'the RoleBinding of a later file gives web cluster-admin');
      for (const bad of ['c-binary.yaml', 'd-helm.yaml', 'f-big.yaml', 'g-broken.yaml', 'h-fifo.yaml', 'missing.yaml']) {
        assert.ok(r.loadErrors.some((e) => e.file.endsWith(bad)), `${bad} fails closed`);
      }
      assert.ok(r.loadWarnings.some((w) => w.includes('e-ci.yaml')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the workers parse (the main thread falls back only for what the fast path cannot read)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-pool-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
      writeFileSync(join(dir, 'b.yaml'), 'a: &x {b: 1}\nc: *x\n');
      const steps = await Promise.all(readFilesInWorkers([join(dir, 'a.yaml'), join(dir, 'b.yaml'), join(dir, 'none.yaml')], 1 << 20, 2));
      assert.deepEqual(steps.map((s) => s.outcome), ['parsed', 'exact', 'unreadable']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('threads: none on one core or for small inputs, one per core (at most 4) otherwise', () => {
    const large = 1 << 30;
    assert.equal(loadThreads(undefined, 400, large, 1), 1);
    assert.equal(loadThreads(undefined, 400, 100 << 20, 8), 1);
    assert.equal(loadThreads(undefined, 1, large, 8), 1);
    assert.equal(loadThreads(undefined, 400, large, 2), 2);
    assert.equal(loadThreads(undefined, 400, large, 16), 4);
    assert.equal(loadThreads(3, 2, 0, 1), 2, 'asked for: at most one per file');
  });
});
