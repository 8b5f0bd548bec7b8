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

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-reread-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CRD file loaded, then edited before any of its text is read again. */
async function loadedThenEdited(dir: string): Promise<{ file: string; loaded: Awaited<ReturnType<typeof loadInputs>> }> {
  const file = join(dir, 'crd.yaml');
  writeFileSync(file, CRD);
  const loaded = await loadInputs([file]);
  writeFileSync(file, `${CRD}# edited meanwhile\n`);
  return { file, loaded };
}

describe('letting go of CRD text', () => {
  it('reads a CRD document again from its file for its body and positions, identical to keeping it', async () => {
    await inTempDir(async (dir) => {
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
    });
  });

  it('a file changed since the scan read it gives the header, not a wrong body or a crash', async () => {
    await inTempDir(async (dir) => {
      const { loaded } = await loadedThenEdited(dir);
      const crd = loaded.objects[0];
      assert.deepEqual(Object.keys(crd.object), ['apiVersion', 'kind', 'metadata']);
      assert.equal(typeof crd.source.locate(['spec', 'group']).line, 'number');
    });
  });

  it('a file changed since the scan read it is a late warning naming it, once', async () => {
    await inTempDir(async (dir) => {
      const { file, loaded } = await loadedThenEdited(dir);
      assert.deepEqual(loaded.lateWarnings, [], 'nothing is said before a position is asked for');
      const crd = loaded.objects[0];
      crd.source.locate(['spec', 'group']);
      crd.source.locate(['spec', 'names']);
      assert.deepEqual(loaded.lateWarnings, [`${file} changed or could not be read again while it was scanned: positions in it point at the first line of their document`]);
    });
  });

  it('documents parsed in load workers keep no text: their positions are read again, equal to the main thread\'s', async () => {
    await inTempDir(async (dir) => {
      // Two files, so that two workers load them; positions asked across documents and files in turn.
      const a = `# header\n---\n${DEPLOY}---\n${CRD}---\n${DEPLOY.replace('name: web}', 'name: api}')}`;
      writeFileSync(join(dir, 'a.yaml'), a);
      writeFileSync(join(dir, 'b.yaml'), `apiVersion: v1\nkind: List\nitems:\n- ${DEPLOY.trimEnd().replaceAll('\n', '\n  ')}\n`);
      const alone = await loadInputs([dir], { threads: 1 });
      const pooled = await loadInputs([dir], { threads: 2 });
      assert.equal(pooled.objects.length, 4);
      const paths = [[], ['spec'], ['spec', 'template', 'spec', 'containers', 0, 'image'], ['metadata', 'name'], ['spec', 'group']];
      for (const round of [0, 1]) {
        for (const path of paths) {
          for (const [i, o] of pooled.objects.entries()) {
            assert.deepEqual(o.source.locate(path), alone.objects[i].source.locate(path), `round ${round}: ${o.source.file} ${o.name} ${path.join('.')}`);
          }
        }
      }
      assert.deepEqual(pooled.lateWarnings, []);
      writeFileSync(join(dir, 'b.yaml'), '');
      pooled.objects[0].source.locate(['spec']); // another document's locator is the one kept now
      pooled.objects[3].source.locate(['spec']);
      assert.equal(pooled.lateWarnings.length, 1, 'a file emptied since is said once');
      assert.equal(pooled.objects[3].source.locate(['spec']).line, 1, 'the position falls back to the first line of its document');
    });
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
