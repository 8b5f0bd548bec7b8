/**
 * A check that throws on one strange object: the error names the check, the object (kind,
 * namespace/name), the file and the line, and every other object still gets the check.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../load/documents.js';
import { scanObjects } from './scan.js';
import type { Check } from './types.js';

const fragile: Check = {
  scope: 'pod',
  meta: { id: 'TEST-FRAGILE', title: 'fragile', severity: 'low', category: 'metadata', attack: 'a', remediation: 'r', references: [], peers: {} },
  *check(pod) {
    if (pod.owner.name === 'odd') throw new TypeError('cannot read properties of undefined');
    yield { message: `seen ${pod.owner.name}`, path: [] };
  },
};

it('a check error names check, object, file and line; the other objects still get the check', () => {
  const text = ['a', 'odd', 'b'].map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}, namespace: ns}\nspec:\n  containers: [{name: c, image: x}]\n`).join('---\n');
  const objects = parseManifestText(text, 'pods.yaml').objects;
  const r = scanObjects(objects, { checks: [fragile] });
  assert.deepEqual(r.errors, [{ file: 'pods.yaml', line: 7, column: 1, message: 'check TEST-FRAGILE could not evaluate Pod ns/odd: cannot read properties of undefined' }]);
  assert.deepEqual(r.findings.map((f) => f.message), ['seen a', 'seen b']);
});
