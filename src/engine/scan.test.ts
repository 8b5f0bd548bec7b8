/**
 * What the webhook's fast paths through scanObjects must never change: leaving out findings
 * below a severity, sharing a caller's index between scans, and per-scan derived data.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadText } from '../load/index.js';
import type { LoadedObject } from '../load/types.js';
import { ObjectIndex } from './object-index.js';
import { compareFindings, scanObjects, scanObjectsInPasses, summaryFailsAt, failsAt, type ScanOptions } from './scan.js';
import { severityRank, type Finding } from './types.js';
import type { z } from 'zod';
import { configSchema, type Config } from './config.js';
import { ALL_CHECKS } from '../checks/registry.js';

/** Every check fixture, as the checks' own tests load them. */
function fixtureObjects(): { file: string; objects: LoadedObject[] }[] {
  const root = new URL('../checks/', import.meta.url).pathname;
  const out: { file: string; objects: LoadedObject[] }[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(n) && p.includes('/fixtures/')) out.push({ file: p, objects: loadText(readFileSync(p), p).objects });
    }
  };
  walk(root);
  return out;
}

const FIXTURES = fixtureObjects();
const NOW = new Date('2026-01-01');
const PSS = { pss: 'restricted:latest' };
/** Configuration as read from a file (the schema parses `pss`). */
const cfg = (c: z.input<typeof configSchema>): Config => configSchema.parse(c);

function plain(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify(f));
}

describe('scanObjects fast paths', () => {
  test(`minSeverity leaves out exactly the findings below it (${FIXTURES.length} check fixtures)`, () => {
    let kept = 0;
    let dropped = 0;
    for (const { file, objects } of FIXTURES) {
      for (const min of ['low', 'medium', 'high'] as const) {
        const all = scanObjects(objects, { checks: ALL_CHECKS, settings: PSS, now: NOW });
        const some = scanObjects(objects, { checks: ALL_CHECKS, settings: PSS, now: NOW, minSeverity: min });
        const expected = all.findings.filter((f) => severityRank(f.severity) >= severityRank(min));
        assert.deepEqual(plain(some.findings), plain(expected), `${file} at ${min}`);
        assert.deepEqual(some.errors, all.errors, file);
        kept += expected.length;
        dropped += all.findings.length - expected.length;
      }
    }
    assert.ok(kept > 100 && dropped > 100, `kept ${kept}, dropped ${dropped}`);
  });

  test('scans sharing a caller-built index give what each gives alone, in any order', () => {
    const configs: ScanOptions[] = [
      { checks: ALL_CHECKS, config: cfg({ pss: 'restricted:latest' }) },
      { checks: ALL_CHECKS, config: cfg({ pss: 'baseline:v1.25', checks: { severity: { 'CTR-PRIVILEGED': 'low' } } }) },
      { checks: ALL_CHECKS, settings: { pss: 'restricted:v1.23', k8sVersion: 'v1.23' } },
      { checks: ALL_CHECKS },
    ];
    for (const { file, objects } of FIXTURES) {
      const alone = configs.map((o) => plain(scanObjects(objects, { ...o, now: NOW }).findings));
      const index = new ObjectIndex(objects);
      for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]]) {
        for (const i of order) assert.deepEqual(plain(scanObjects(objects, { ...configs[i], now: NOW, index }).findings), alone[i], `${file}, config ${i}`);
      }
    }
  });

  test('nothing derived from one scan reaches the next: interleaved scans of different objects', () => {
    const alone = FIXTURES.map(({ objects }) => plain(scanObjects(objects, { checks: ALL_CHECKS, settings: PSS, now: NOW }).findings));
    // Forward, backward and again: a cache keyed by the wrong thing would mix objects up.
    for (const order of [FIXTURES.map((_, i) => i), FIXTURES.map((_, i) => FIXTURES.length - 1 - i)]) {
      for (const i of order) assert.deepEqual(plain(scanObjects(FIXTURES[i].objects, { checks: ALL_CHECKS, settings: PSS, now: NOW }).findings), alone[i], FIXTURES[i].file);
    }
  });

  test('ObjectIndex.derived computes once per index and never shares across indexes', () => {
    let calls = 0;
    const count = (index: ObjectIndex) => {
      calls++;
      return index.objects.length;
    };
    const a = new ObjectIndex(FIXTURES[0].objects);
    const b = new ObjectIndex([]);
    assert.equal(a.derived(count), FIXTURES[0].objects.length);
    assert.equal(a.derived(count), FIXTURES[0].objects.length);
    assert.equal(b.derived(count), 0);
    assert.equal(calls, 2);
    let undefinedCalls = 0;
    const counted = (): undefined => {
      undefinedCalls++;
      return undefined;
    };
    a.derived(counted);
    a.derived(counted);
    assert.equal(undefinedCalls, 1, 'an undefined result is remembered too');
  });
});

describe('scanObjectsInPasses', () => {
  /** Every fixture object in one scan, so that passes cut across files, kinds and cross-object facts. */
  const ALL = FIXTURES.flatMap((f) => f.objects);
  const annotated = loadText(
    Buffer.from(
      [
        // An ignore annotation with a former check id (a deprecation note) and one with the current id.
        'apiVersion: audit.kubeharden.io/v1alpha1\nkind: AnonymousAuthProbe\nmetadata:\n  name: old-id\n  annotations:\n    ignore.kubeharden.io/APISERVER-ANONYMOUS-PROBE: lab\nserver: https://203.0.113.10:6443\nobservedAt: "2026-12-07T10:00:00Z"\nassessable: true\nresults:\n- {path: /api, status: 200}\n',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: late\n  annotations:\n    ignore.kubeharden.io/CTR-RUN-AS-ROOT: test\nspec:\n  containers:\n  - name: c\n    image: x\n',
      ].join('---\n'),
    ),
    'annotated.yaml',
  ).objects;
  const objects = [...annotated.slice(0, 1), ...ALL, ...annotated.slice(1)];
  const options: ScanOptions[] = [
    { checks: ALL_CHECKS, settings: PSS, now: NOW },
    {
      checks: ALL_CHECKS,
      now: NOW,
      config: cfg({
        pss: 'baseline:v1.25',
        exemptions: [
          { checks: ['CTR-*'], namespace: 'kube-system', reason: 'platform' },
          { checks: ['IMG-TAG'], reason: 'expired', expires: '2025-06-01' },
        ],
      }),
    },
  ];

  test('passes of any size give what one scan gives: findings in one stable order, summary, errors, warnings', () => {
    for (const [i, opts] of options.entries()) {
      const whole = scanObjects(objects, opts);
      assert.ok(whole.findings.length > 500 && whole.findings.some((f) => f.suppressed), 'the fixtures give findings, some suppressed');
      for (const size of [1, 7, 100, objects.length + 1]) {
        const runs: Finding[][] = [];
        const passed = scanObjectsInPasses(objects, opts, { addRun: (run) => void runs.push([...run]) }, size);
        assert.equal(runs.length >= Math.ceil(objects.length / size), true, `every pass is handed on (size ${size})`);
        // One stable sort of the runs in order is what a FindingSpool's merge yields.
        const merged = runs.flat().sort(compareFindings);
        assert.deepEqual(plain(merged), plain(whole.findings), `options ${i}, passes of ${size}`);
        assert.deepEqual(passed.findings, []);
        assert.deepEqual(passed.summary, whole.summary, `options ${i}, passes of ${size}: summary (byCheck order included)`);
        assert.deepEqual(Object.keys(passed.summary.byCheck), Object.keys(whole.summary.byCheck));
        assert.deepEqual(passed.errors, whole.errors);
        assert.deepEqual(passed.warnings, whole.warnings, `options ${i}, passes of ${size}: warnings`);
        for (const failOn of ['info', 'low', 'medium', 'high', 'critical', 'none'] as const) {
          assert.equal(summaryFailsAt(passed.summary, failOn), failsAt(whole.findings, failOn), `fail-on ${failOn}`);
        }
      }
    }
  });

  test('the warnings a pass repeats are given once, in the order of one scan', () => {
    const whole = scanObjects(objects, options[1]);
    assert.ok(whole.warnings.some((w) => w.includes('expired on 2025-06-01')), whole.warnings.join('\n'));
    assert.ok(whole.warnings.some((w) => w.includes('APISERVER-ANONYMOUS-PROBE uses a deprecated check id')), whole.warnings.join('\n'));
    const passed = scanObjectsInPasses(objects, options[1], { addRun: () => {} }, 3);
    assert.deepEqual(passed.warnings, whole.warnings);
  });
});
