/**
 * Large scans' findings share equal messages, paths and object references (SharedParts): the
 * findings, and so every report, must be exactly those of a scan that shares nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadInputs } from '../../src/load/index.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { prepareRun } from '../../src/engine/scan.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { sharedPath } from '../shared.js';

test('findings that share parts equal findings that do not, on the real-world corpus', async (t) => {
  const corpus = sharedPath('corpus/realworld', 'shared finding parts');
  if (!corpus) return t.skip('corpus not present');
  const { objects } = await loadInputs([corpus], { threads: 1 });
  const run = prepareRun({ checks: ALL_CHECKS });
  const plain = evaluate(objects, run);
  const shared = evaluate(objects, run, undefined, { shareParts: true });
  assert.ok(plain.findings.length > 3000);
  assert.equal(JSON.stringify(shared), JSON.stringify(plain));
  // They do share: one message string per distinct message, one object per object.
  const objectRefs = new Set(shared.findings.map((f) => f.object));
  assert.equal(objectRefs.size, new Set(shared.findings.map((f) => JSON.stringify(f.object) + f.file)).size);
  assert.ok(objectRefs.size < shared.findings.length / 2);
});
