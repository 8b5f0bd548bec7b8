import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Finding } from '../engine/types.js';
import { FindingBuckets, FindingSpool } from './finding-spool.js';

/** Only the fields the order reads, plus a tag that tells equal findings apart. */
const f = (check: string, name: string, tag: string, message = 'm'): Finding =>
  ({ check, object: { kind: 'Pod', name }, path: 'spec', message: `${message} ${'é€'.repeat(tag.length % 3)}`, tag }) as unknown as Finding;
const byName = (a: Finding, b: Finding) => (a.object.name < b.object.name ? -1 : a.object.name > b.object.name ? 1 : 0);
const tags = (fs: Iterable<Finding>) => [...fs].map((x) => (x as unknown as { tag: string }).tag);

describe('FindingSpool', () => {
  test('gives back the runs in the order of one stable sort of all of them, ties to the earlier run', () => {
    // A seeded walk: the same names in several runs (ties), runs of every size, multi-byte text.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const runs = Array.from({ length: 9 }, (_, r) => Array.from({ length: r === 3 ? 0 : rnd(3000) }, (_, i) => f('C', `n${rnd(50)}`, `${r}.${i}`)));
    const spool = new FindingSpool(byName);
    for (const run of runs) spool.addRun(run);
    assert.equal(spool.length, runs.flat().length);
    const expected = tags(runs.flat().sort(byName));
    assert.deepEqual(tags(spool), expected);
    assert.deepEqual(tags(spool), expected, 'every walk reads the runs again');
    spool.close();
  });

  test('findings come back as they went in, key order included (shared texts, references and fixes are written once)', () => {
    const references = [{ title: 't', url: 'u' }];
    const odd = (i: number) =>
      ({
        ...f('C', `a${i}`, 'x', 'line\nbreak "quoted" \u2028 \u0000'),
        title: i % 2 ? 'one' : 'two',
        file: 'cluster:kind',
        remediation: '',
        references: i % 3 ? references : [{ title: 't', url: 'u' }],
        category: null,
        fix: i % 2 ? { patch: [{ op: 'add', i: i % 4 }] } : { b: 1, a: 2 },
        ...(i % 5 ? {} : { suppressed: { by: 'annotation', reason: 'r' } }),
        after: i,
      }) as unknown as Finding;
    const all = Array.from({ length: 40 }, (_, i) => odd(i));
    const spool = new FindingSpool(byName);
    spool.addRun(all.slice(0, 25));
    spool.addRun(all.slice(25));
    const back = [...spool];
    assert.deepEqual(back, [...all].sort(byName));
    assert.equal(JSON.stringify(back), JSON.stringify([...all].sort(byName)));
    spool.close();
  });

  test('past 50,000 distinct shared values, new ones are written in full and still come back', () => {
    const all = Array.from({ length: 50_100 }, (_, i) => f('C', `n${String(i).padStart(6, '0')}`, 'x', `unique ${i}`));
    const spool = new FindingSpool(byName);
    spool.addRun(all);
    const back = [...spool];
    assert.equal(back.length, all.length);
    assert.deepEqual(back.slice(-3), all.slice(-3));
    assert.equal((spool as unknown as { shared: { values: unknown[] } }).shared.values.length, 50_000);
    spool.close();
  });

  test('close removes the temporary file; a closed spool refuses to be read', () => {
    const spool = new FindingSpool(byName);
    spool.addRun([f('C', 'a', 'x')]);
    const dir = (spool as unknown as { tmp: { dir: string } }).tmp.dir;
    assert.ok(existsSync(dir));
    spool.close();
    assert.ok(!existsSync(dir));
    assert.throws(() => [...spool], /closed/);
  });
});

describe('FindingBuckets', () => {
  test('groups by key in the order asked, each key\'s groups in the order added', () => {
    const b = new FindingBuckets();
    const groups = Array.from({ length: 5000 }, (_, i) => [f(`K${i % 7}`, `n${i}`, String(i)), f(`K${i % 7}`, `n${i}`, `${i}b`)]);
    for (const g of groups) b.add(g[0].check, g);
    const keys = b.keys((x, y) => (x < y ? 1 : x > y ? -1 : 0));
    assert.deepEqual(keys, ['K6', 'K5', 'K4', 'K3', 'K2', 'K1', 'K0']);
    assert.equal(b.findings('K3'), 2 * groups.filter((g) => g[0].check === 'K3').length);
    const back = keys.flatMap((k) => [...b.read(k)]);
    const expected = keys.flatMap((k) => groups.filter((g) => g[0].check === k));
    assert.deepEqual(back, expected);
    b.close();
  });
});
