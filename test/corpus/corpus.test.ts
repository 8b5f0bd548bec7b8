/**
 * The real-world corpus (Argo CD, Calico, Istio, kube-prometheus, …): no crash, no check error,
 * container checks only on workloads, and the per-check finding counts recorded in
 * counts.json so any change in verdicts shows up in review. After an intended change:
 * UPDATE_CORPUS_COUNTS=1 node scripts/run-tests.mjs unit test/corpus/corpus.test.ts
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInputs } from '../../src/load/index.js';
import { scanObjects } from '../../src/engine/scan.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { sharedPath } from '../shared.js';

const COUNTS = fileURLToPath(new URL('./counts.json', import.meta.url));
const corpus = sharedPath('corpus/realworld', 'real-world corpus suite');

it('scans the real-world corpus with stable per-check counts', { skip: corpus ? false : 'NOT RUN: ../shared absent' }, async () => {
  const loaded = await loadInputs([corpus as string]);
  const result = scanObjects(loaded.objects, { checks: ALL_CHECKS, settings: { pss: 'restricted' } });
  assert.deepEqual(result.errors, [], 'no check may fail on real manifests');
  // Container/pod checks only ever report on objects that carry a pod spec.
  const podChecks = new Set(ALL_CHECKS.filter((c) => c.scope === 'pod').map((c) => c.meta.id));
  const wrongKind = result.findings.filter((f) => podChecks.has(f.check) && ['ConfigMap', 'Service', 'ClusterRole', 'Role', 'CustomResourceDefinition', 'Secret'].includes(f.object.kind));
  assert.deepEqual(wrongKind.map((f) => `${f.check} on ${f.object.kind}/${f.object.name}`), []);

  const counts: Record<string, Record<string, number>> = {};
  for (const f of result.findings) {
    const set = relative(corpus as string, f.file).split(sep)[0];
    counts[f.check] ??= {};
    counts[f.check][set] = (counts[f.check][set] ?? 0) + 1;
  }
  const sorted = Object.fromEntries(
    Object.keys(counts)
      .sort()
      .map((k) => [k, Object.fromEntries(Object.entries(counts[k]).sort())]),
  );
  const snapshot = { objects: loaded.objects.length, inputErrors: loaded.errors.length, findings: result.findings.length, byCheck: sorted };
  if (process.env.UPDATE_CORPUS_COUNTS || !existsSync(COUNTS)) {
    writeFileSync(COUNTS, JSON.stringify(snapshot, null, 2) + '\n');
    return;
  }
  const recorded = JSON.parse(readFileSync(COUNTS, 'utf8')) as typeof snapshot;
  assert.deepEqual(snapshot, recorded, 'per-check counts on the corpus changed: review the diff, then UPDATE_CORPUS_COUNTS=1');
});
