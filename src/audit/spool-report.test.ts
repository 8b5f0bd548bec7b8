/**
 * The audit's findings read back from disk (FindingSpool) give the very bytes of the reports
 * made from one sorted array, in every format that streams, and the same summary.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_CHECKS } from '../checks/registry.js';
import { asList, fixtureWorld, generatedApp, type Obj } from '../../test/audit/world.js';
import { FindingSpool, REPORTERS, STREAM_REPORTERS, type ReportInput } from '../report/index.js';
import { dumpSource } from './dump-source.js';
import { compareAudit, runAudit } from './run.js';

/** A suppressed finding among the others (text and JUnit treat them apart). */
const annotated: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'legacy', namespace: 'app-1', annotations: { 'ignore.kubeharden.io/POD-HOST-NETWORK': 'VRRP' } },
  spec: { selector: { matchLabels: { app: 'legacy' } }, template: { metadata: { labels: { app: 'legacy' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'r.example/x:1', securityContext: { privileged: true } }] } } },
};

async function audit(objects: readonly Obj[], spool?: FindingSpool) {
  const source = await dumpSource('-', { stdinText: asList(objects) });
  // Small batches: many runs to merge, Namespace findings from several passes.
  return runAudit(source, { scan: { checks: ALL_CHECKS, settings: { pss: 'restricted' } }, batchObjects: 40, ...(spool ? { spool } : {}) });
}

describe('audit reports from findings on disk', () => {
  const world = [...fixtureWorld().flatMap((f) => f.objects), ...generatedApp(9), annotated];

  test('text, json, sarif and junit are byte-identical to the reports of the whole array; the summary is equal', async () => {
    const whole = await audit(world);
    const spool = new FindingSpool(compareAudit);
    const spooled = await audit(world, spool);
    try {
      assert.ok(whole.findings.length > 500, `a meaningful world (${whole.findings.length} findings)`);
      assert.ok(whole.findings.some((f) => f.suppressed));
      assert.equal(spooled.findings.length, 0, 'the spool holds them');
      assert.equal(spool.length, whole.findings.length);
      // Key order too: the JSON report prints summary.byCheck in it.
      assert.equal(JSON.stringify(spooled.summary), JSON.stringify(whole.summary));
      const base: Omit<ReportInput, 'findings'> = {
        errors: [{ file: whole.label, message: 'cannot list secrets: forbidden' }],
        warnings: ['w'],
        summary: whole.summary,
        checks: ALL_CHECKS,
        failOn: 'high',
        toolVersion: '0.0.0-test',
        title: `kubeharden audit ${whole.label}`,
        command: 'audit',
      };
      for (const variant of [{}, { color: true, showSuppressed: true }, { errors: [] }]) {
        for (const [format, streamer] of Object.entries(STREAM_REPORTERS)) {
          const input = { ...base, ...variant };
          const expected = REPORTERS[format]({ ...input, findings: whole.findings });
          const got = [...(streamer as NonNullable<typeof streamer>)({ ...input, findings: spool })].join('');
          assert.ok(got === expected, `${format} ${JSON.stringify(variant)}: first difference at ${[...got].findIndex((ch, i) => ch !== expected[i])}`);
        }
      }
    } finally {
      spool.close();
    }
  });

  test('no findings at all: the streamed reports equal the empty ones', () => {
    const empty = new FindingSpool(compareAudit);
    const input: Omit<ReportInput, 'findings'> = { errors: [], warnings: [], summary: { objects: 3, findings: 0, suppressed: 0, bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }, byCheck: {} }, checks: [], failOn: 'high', toolVersion: '0' };
    try {
      for (const [format, streamer] of Object.entries(STREAM_REPORTERS)) {
        assert.equal([...(streamer as NonNullable<typeof streamer>)({ ...input, findings: empty })].join(''), REPORTERS[format]({ ...input, findings: [] }), format);
      }
    } finally {
      empty.close();
    }
  });
});
