import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifestTextExact } from './documents.js';
import { loadInputs } from './index.js';
import { detached, rereadFile } from './reread.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        type: object
`;
const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('letting go of CRD text', () => {
  it('reads a CRD document again from its file for its body and positions, identical to keeping it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-reread-'));
    try {
      const text = `# header\n---\n${DEPLOY}---\n${CRD}---\n${DEPLOY.replace('name: web}', 'name: api}')}`;
      writeFileSync(join(dir, 'all.yaml'), text);
      const loaded = await loadInputs([join(dir, 'all.yaml')]);
      const exact = parseManifestTextExact(text, join(dir, 'all.yaml'));
      assert.deepEqual(loaded.objects.map((o) => o.name), ['web', 'widgets.example.com', 'api']);
      for (const [i, o] of loaded.objects.entries()) {
        assert.deepEqual(o.object, exact.objects[i].object, o.name);
        for (const path of [[], ['spec'], ['spec', 'versions', 0, 'schema'], ['spec', 'template', 'spec', 'containers', 0, 'image'], ['metadata', 'name']]) {
          assert.deepEqual(o.source.locate(path), exact.objects[i].source.locate(path), `${o.name} ${path.join('.')}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file changed since the scan read it gives the header, not a wrong body or a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-reread-'));
    try {
      const file = join(dir, 'crd.yaml');
      writeFileSync(file, CRD);
      const loaded = await loadInputs([file]);
      writeFileSync(file, `${CRD}# edited meanwhile\n`);
      const crd = loaded.objects[0];
      assert.deepEqual(Object.keys(crd.object), ['apiVersion', 'kind', 'metadata']);
      assert.equal(typeof crd.source.locate(['spec', 'group']).line, 'number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-reads a file once while the same file is asked for again', () => {
    let reads = 0;
    const a = rereadFile(() => (reads++, 'abc'), 3);
    const b = rereadFile(() => 'xy', 2);
    assert.equal(a(), 'abc');
    assert.equal(a(), 'abc');
    assert.equal(reads, 1);
    assert.equal(b(), 'xy');
    assert.equal(rereadFile(() => 'changed', 3)(), undefined, 'a different length means the file changed');
  });

  it('detached copies are equal strings', () => {
    const long = 'x'.repeat(1000) + 'tail';
    assert.equal(detached(long.slice(500)), long.slice(500));
    assert.equal(detached(''), '');
  });
});
