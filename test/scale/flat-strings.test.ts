/**
 * The fast path flattens long strings as it parses (fast-documents.ts, flattenLongStrings): the
 * objects must be exactly the exact path's, multi-line scalars of every style included, on the
 * real-world corpus (its ConfigMaps hold dashboards and scripts as block scalars).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifestTextExact } from '../../src/load/documents.js';
import { parseManifestTextFast } from '../../src/load/fast-documents.js';
import { isManifest, listFiles } from '../../bench/peers/corpus.js';
import { sharedPath } from '../shared.js';

const objectsOf = (r: { objects: { object: unknown }[] } | undefined) => JSON.stringify(r?.objects.map((o) => o.object));

test('long and multi-line strings: the fast path gives the exact path\'s objects', () => {
  const long = 'x'.repeat(70);
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    folded: >\n      ${long}\n      ${long}\n    quoted: "${long}\\n${long} \\u00e9"\n    plain: ${long}\n      ${long}\ndata:\n  script: |\n    #!/bin/sh\n    echo ${long}\n\n    exit 0\n  keep: |+\n    ${long}\n\n  list: '[${long}, ${long}]'\nbinaryData: {}\nspec:\n  args:\n  - |-\n    ${long}\n    ${long}\n  - ${long}\n`;
  const fast = parseManifestTextFast(text, 'a.yaml');
  assert.ok(fast);
  assert.equal(objectsOf(fast), objectsOf(parseManifestTextExact(text, 'a.yaml')));
});

test('the corpus: every object the fast path parses whole equals the exact path\'s', (t) => {
  const corpus = sharedPath('corpus/realworld', 'flat strings');
  if (!corpus) return t.skip('corpus not present');
  let compared = 0;
  for (const f of listFiles(corpus, isManifest)) {
    const text: string = readFileSync(join(corpus, f), 'utf8');
    if (text.includes('kind: CustomResourceDefinition') || text.includes('{{')) continue; // CRDs: header only on the fast path
    const fast = parseManifestTextFast(text, f);
    if (!fast) continue;
    assert.equal(objectsOf(fast), objectsOf(parseManifestTextExact(text, f)), f);
    compared += fast.objects.length;
  }
  assert.ok(compared > 400, `${compared} objects compared`);
});
