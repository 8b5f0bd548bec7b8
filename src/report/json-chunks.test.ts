import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batched, jsonChunks, type SplitPath } from './json-chunks.js';

// Batches of 2,000 here (32 in use) test the splitting on few pieces.
const join = (v: unknown, split: SplitPath) => [...jsonChunks(v, split, 2000)].join('');
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ i, text: `line\n${i}`, nested: { list: [i, { deep: [] }], empty: {} }, gone: undefined }));

describe('jsonChunks', () => {
  it('is byte-identical to JSON.stringify(value, null, 2) + newline, split or not', () => {
    const cases: Array<[unknown, SplitPath]> = [
      [{ version: 1, findings: many(5000), errors: [], summary: { total: 5000 } }, ['findings']],
      [{ version: 1, findings: many(3), errors: [] }, ['findings']],
      [{ version: 1, findings: [], errors: [] }, ['findings']],
      [{ findings: many(4001) }, ['findings']],
      [{ runs: [{ tool: { name: 'x' }, results: many(4500), columnKind: 'utf16CodeUnits' }], $schema: 's' }, ['runs', 0, 'results']],
      [{ findings: [...many(2500), undefined, null, 'q"uote\u2028'] }, ['findings']],
      [{ other: 1 }, ['findings']],
      ['a string', ['findings']],
    ];
    for (const [v, split] of cases) assert.equal(join(v, split), `${JSON.stringify(v, null, 2)}\n`, `${split.join('.')} of ${JSON.stringify(v).slice(0, 60)}`);
  });

  it('writes any iterable at the split path as the array it holds (findings read back from disk)', () => {
    const lazy = (items: unknown[]) => ({ *[Symbol.iterator]() { yield* items; } });
    for (const n of [0, 1, 1999, 2000, 2001, 4000, 4001, 5000]) {
      const items = many(n);
      for (const [v, expected, split] of [
        [{ version: 1, findings: lazy(items), errors: [] }, { version: 1, findings: items, errors: [] }, ['findings']],
        [{ runs: [{ results: lazy(items), columnKind: 'u' }] }, { runs: [{ results: items, columnKind: 'u' }] }, ['runs', 0, 'results']],
      ] as Array<[unknown, unknown, SplitPath]>) {
        assert.equal(join(v, split), `${JSON.stringify(expected, null, 2)}\n`, `${n} items at ${split.join('.')}`);
      }
    }
  });

  it('writes a long array in several pieces, a short one in one', () => {
    assert.ok([...jsonChunks({ findings: many(10_000) }, ['findings'], 2000)].length >= 5);
    assert.equal([...jsonChunks({ findings: many(10) }, ['findings'], 2000)].length, 1);
  });

  it('batches pieces into bounded writes without changing the text', () => {
    const pieces = Array.from({ length: 10_000 }, (_, i) => `piece ${i};`);
    const out = [...batched(pieces, 4096)];
    assert.equal(out.join(''), pieces.join(''));
    assert.ok(out.length > 10 && out.every((b) => b.length < 4096 + 20));
  });

  it('writes a piece of a quarter batch or more as it is, after the small ones grouped before it', () => {
    // Report batches are slices of JSON.stringify's text: joining them to a separator would copy them.
    const big = 'x'.repeat(1024);
    assert.deepEqual([...batched(['a', 'b', big, 'c', '', big, 'd'], 4096)], ['ab', big, 'c', big, 'd']);
  });

  it('with its defaults, keeps every string it makes below V8\'s large-object size (memory: docs/benchmarks.md)', () => {
    // About the size of a real finding (message, remediation, references) once indented.
    const finding = (i: number) => ({ check: 'CTR-PRIVILEGED', message: `container "app-${i}" `.padEnd(400, 'x'), remediation: 'r'.repeat(500), references: [{ title: 't'.repeat(60), url: 'u'.repeat(90) }], object: { apiVersion: 'apps/v1', kind: 'Deployment', name: `web-${i}` } });
    const report = { version: 1, findings: Array.from({ length: 5000 }, (_, i) => finding(i)), summary: {} };
    const pieces = [...jsonChunks(report, ['findings'])];
    const writes = [...batched(pieces)];
    const LARGE_OBJECT = 128 * 1024; // V8 puts bigger strings in large-object space, freed only by a full GC
    assert.ok(pieces.every((p) => p.length < LARGE_OBJECT / 2), `largest piece ${Math.max(...pieces.map((p) => p.length))}`);
    assert.ok(writes.every((w) => w.length < LARGE_OBJECT), `largest write ${Math.max(...writes.map((w) => w.length))}`);
    assert.equal(writes.join(''), `${JSON.stringify(report, null, 2)}\n`);
  });
});
