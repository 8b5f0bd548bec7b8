import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batched, jsonChunks } from './json-chunks.js';

const join = (v: unknown, depth: number) => [...jsonChunks(v, depth)].join('');

describe('jsonChunks', () => {
  it('is byte-identical to JSON.stringify(value, null, 2) at every split depth', () => {
    const values: unknown[] = [
      { version: 1, findings: [{ a: 1, b: 'x\ny', c: [1, [2, {}], []], d: {} }, { e: null, f: undefined, g: () => 1 }], empty: [], none: {}, nested: { deep: { deeper: [true, false] } } },
      [],
      {},
      [undefined, () => 0, Symbol('s'), 'q"uote', 0, -1.5e300],
      { when: new Date(0), text: 'ünïcode \u2028 \u0000' },
      'a string',
      42,
      null,
    ];
    for (const v of values) for (const depth of [0, 1, 2, 3, 5]) assert.equal(join(v, depth), `${JSON.stringify(v, null, 2)}\n`, `${JSON.stringify(v)} at depth ${depth}`);
  });

  it('a shared sub-object is written once per indentation and still identically everywhere', () => {
    const refs = [{ title: 'A guide', url: 'https://example.com/a' }];
    const v = { findings: [{ check: 'X', references: refs }, { check: 'Y', references: refs, nested: { references: refs } }], references: refs };
    for (const depth of [1, 2, 3, 4]) assert.equal(join(v, depth), `${JSON.stringify(v, null, 2)}\n`);
  });

  it('yields one piece per member down to the split depth', () => {
    const pieces = [...jsonChunks({ findings: Array.from({ length: 1000 }, (_, i) => ({ i })) }, 2)];
    assert.ok(pieces.length > 2000, `${pieces.length} pieces`);
    assert.ok(pieces.every((p) => p.length < 100));
  });

  it('batches pieces into bounded writes without changing the text', () => {
    const pieces = Array.from({ length: 10_000 }, (_, i) => `piece ${i};`);
    const out = [...batched(pieces, 4096)];
    assert.equal(out.join(''), pieces.join(''));
    assert.ok(out.length > 10 && out.every((b) => b.length < 4096 + 20));
  });
});
