import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batched, jsonChunks, type SplitPath } from './json-chunks.js';

// Batches of 2,000 here (20,000 in use) keep the inputs small.
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
});
