/**
 * The audit log reader on real-shaped logs and on bad input: JSON lines, rotated and gzip files,
 * duplicates and stages, truncated lines, non-audit JSON, other API versions, corrupt gzip,
 * over-long lines — every problem located (file:line), everything else used.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readAuditLogs, describeRead } from './reader.js';
import type { AuditRequest } from './event.js';
import { auditEvent, jsonLines } from './test-events.js';
import { parseWindow } from './window.js';
import { LineSplitter } from './lines.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeharden-audit-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(paths: string[], o: Partial<Parameters<typeof readAuditLogs>[1]> = {}) {
  const got: AuditRequest[] = [];
  const report = await readAuditLogs(paths, { onRequest: (r) => got.push(r), ...o });
  return { got, report };
}

describe('audit reader', () => {
  test('one request per auditID: the first response stage, duplicates and RequestReceived counted', async () => {
    const a = auditEvent({ user: 'alice', verb: 'watch', resource: 'pods', namespace: 'web', stage: 'ResponseStarted', auditID: 'a' });
    const a2 = { ...a, stage: 'ResponseComplete' };
    const b = auditEvent({ user: 'alice', verb: 'get', resource: 'pods', namespace: 'web', name: 'p1', auditID: 'b' });
    const rr = auditEvent({ user: 'alice', verb: 'get', resource: 'pods', namespace: 'web', stage: 'RequestReceived', auditID: 'c' });
    const rrThenDone = auditEvent({ user: 'alice', verb: 'list', resource: 'pods', namespace: 'web', stage: 'RequestReceived', auditID: 'd' });
    const done = auditEvent({ user: 'alice', verb: 'list', resource: 'pods', namespace: 'web', auditID: 'd' });
    const file = join(dir, 'stages.log');
    writeFileSync(file, jsonLines([rr, rrThenDone, a, b, a2, b, done]));
    const { got, report } = await read([file]);
    assert.deepEqual(got.map((r) => `${r.attrs.verb}@${r.line}`), ['watch@3', 'get@4', 'list@7']);
    assert.equal(report.events, 7);
    assert.equal(report.requests, 3);
    assert.deepEqual(report.skipped, { duplicate: 1, 'request-received-only': 1 });
    assert.equal(report.failed, false);
  });

  test('request attributes as the authorizer saw them: create has no name unless a subresource, URLs lose the query', async () => {
    const file = join(dir, 'attrs.log');
    writeFileSync(
      file,
      jsonLines([
        auditEvent({ user: 'u', verb: 'create', resource: 'configmaps', namespace: 'ns', name: 'from-body' }),
        auditEvent({ user: 'u', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'ns', name: 'web-1' }),
        auditEvent({ user: 'u', verb: 'get', path: '/metrics?x=1' }),
        auditEvent({ user: 'admin', impersonate: { user: 'system:serviceaccount:ns:sa', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] }, verb: 'list', resource: 'secrets', namespace: 'ns' }),
      ]),
    );
    const { got } = await read([file]);
    assert.deepEqual(got[0].attrs, { resourceRequest: true, verb: 'create', apiGroup: '', resource: 'configmaps', subresource: '', name: '', namespace: 'ns' });
    assert.equal(got[1].attrs.resourceRequest && got[1].attrs.name, 'web-1');
    assert.deepEqual(got[2].attrs, { resourceRequest: false, verb: 'get', path: '/metrics' });
    assert.equal(got[3].user.name, 'system:serviceaccount:ns:sa');
    assert.equal(got[3].impersonator?.name, 'admin');
  });

  test('decision: the annotation, else the response code (an admission 403 is still authorized)', async () => {
    const file = join(dir, 'decisions.log');
    writeFileSync(
      file,
      jsonLines([
        auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', decision: 'forbid' }),
        auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', decision: 'none', code: 403, message: 'pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"' }),
        auditEvent({ user: 'u', verb: 'create', resource: 'pods', namespace: 'ns', decision: 'none', code: 403, message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest"' }),
        auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', name: 'gone', decision: 'none', code: 404 }),
        auditEvent({ user: 'system:anonymous', verb: 'get', resource: 'pods', decision: 'none', code: 401 }),
      ]),
    );
    const { got, report } = await read([file]);
    assert.deepEqual(got.map((r) => `${r.decision}/${r.decisionFrom}`), ['forbid/annotation', 'forbid/status', 'allow/status', 'allow/status']);
    assert.equal(report.decisionFromStatus, 3);
    assert.deepEqual(report.skipped, { unauthenticated: 1 });
  });

  test('bad lines are located and skipped; the rest is used; v1beta1 is accepted, v1alpha1 refused', async () => {
    const good = auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns' });
    const beta: Record<string, unknown> = { ...auditEvent({ user: 'u', verb: 'list', resource: 'pods', namespace: 'ns' }), apiVersion: 'audit.k8s.io/v1beta1', timestamp: '2019-01-01T00:00:00Z' };
    delete beta.stageTimestamp;
    delete beta.requestReceivedTimestamp;
    const alpha = { ...good, auditID: 'x', apiVersion: 'audit.k8s.io/v1alpha1' };
    const text = [
      JSON.stringify(good),
      JSON.stringify(good).slice(0, 120), // truncated write
      '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}',
      '[1,2]',
      JSON.stringify(alpha),
      JSON.stringify(beta),
      JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', stage: 'ResponseComplete', auditID: 'y' }),
      '',
    ].join('\n');
    const file = join(dir, 'bad.log');
    writeFileSync(file, text);
    const { got, report } = await read([file]);
    assert.deepEqual(got.map((r) => r.line), [1, 6]);
    assert.equal(got[1].time, Date.parse('2019-01-01T00:00:00Z'));
    assert.deepEqual(report.skipped, { 'invalid-json': 1, 'not-audit-event': 2, 'unsupported-version': 1, 'incomplete-event': 1 });
    assert.deepEqual(report.problems.map((p) => `${p.file}:${p.line}`), [2, 3, 4, 5, 7].map((l) => `${file}:${l}`));
    assert.match(report.problems[0].message, /not valid JSON.*truncated/);
    assert.match(report.problems[1].message, /not an audit event \(kind "Pod"/);
    assert.match(report.problems[3].message, /audit\.k8s\.io\/v1alpha1 is not supported/);
    assert.match(report.problems[4].message, /without verb, user\.username/);
    assert.equal(report.failed, true);
    assert.match(describeRead(report).join('\n'), /skipped 1: not valid JSON/);
  });

  test('gzip corrupt midway: the events before are used, the error names the file and line', async () => {
    const events = Array.from({ length: 2000 }, (_, i) => auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', name: `p${i}`, auditID: `id-${i}` }));
    const gz = gzipSync(jsonLines(events));
    const broken = Buffer.from(gz);
    for (let i = Math.floor(broken.length / 2); i < Math.floor(broken.length / 2) + 64; i++) broken[i] ^= 0x5a;
    const file = join(dir, 'audit.log.2.gz');
    writeFileSync(file, broken);
    const { got, report } = await read([file]);
    assert.ok(got.length > 0 && got.length < 2000, `read ${got.length}`);
    assert.equal(report.files[0].gzip, true);
    assert.equal(report.files[0].complete, false);
    // Corrupt deflate data may inflate to garbage for a while before zlib notices: those lines are
    // located as invalid; the gzip error comes last, after the last line read.
    const gzipProblems = report.problems.filter((p) => /gzip/.test(p.message));
    assert.equal(gzipProblems.length, 1);
    assert.match(gzipProblems[0].message, /gzip data corrupt after line \d+ .*the rest of the file is unreadable/);
    assert.equal(gzipProblems[0].line, report.files[0].lines + 1);
    for (const p of report.problems) if (p !== gzipProblems[0]) assert.ok((p.line ?? 0) < (gzipProblems[0].line ?? 0) && /not valid JSON|not an audit/.test(p.message), p.message);
  });

  test('a directory of rotated files (plain and gzip), oldest first; a missing file is an error', async () => {
    const rot = join(dir, 'rotated');
    mkdirSync(rot);
    const old = join(rot, 'audit-2025-06-01T00-00-00.000.log.gz');
    writeFileSync(old, gzipSync(jsonLines([auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', auditID: 'old' })])));
    utimesSync(old, new Date('2025-06-01'), new Date('2025-06-01'));
    writeFileSync(join(rot, 'audit.log'), jsonLines([auditEvent({ user: 'u', verb: 'list', resource: 'pods', namespace: 'ns', auditID: 'new' })]));
    const { got, report } = await read([rot, join(dir, 'missing.log')]);
    assert.deepEqual(got.map((r) => r.auditID), ['old', 'new']);
    assert.match(report.problems[0].message, /cannot read: ENOENT/);
    assert.equal(report.failed, true);
  });

  test('stdin, and the time window', async () => {
    const text = jsonLines([
      auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns', time: '2025-01-01T00:00:00Z' }),
      auditEvent({ user: 'u', verb: 'list', resource: 'pods', namespace: 'ns', time: '2025-03-01T00:00:00Z' }),
    ]);
    const { got, report } = await read(['-'], { stdin: Readable.from([Buffer.from(text)]), window: parseWindow({ since: '2025-02-01' }) });
    assert.deepEqual(got.map((r) => r.attrs.verb), ['list']);
    assert.deepEqual(report.skipped, { 'outside-window': 1 });
    assert.equal(report.first, Date.parse('2025-03-01T00:00:00Z'));
    assert.throws(() => parseWindow({ since: 'yesterday' }), /give a duration/);
    assert.equal(parseWindow({ since: '30d' }, 100 * 86_400_000).since, 70 * 86_400_000);
  });

  test('huge request objects: read without their bodies, in bounded memory', async () => {
    const huge = auditEvent({ user: 'u', verb: 'create', resource: 'configmaps', namespace: 'ns', requestObject: { kind: 'ConfigMap', data: { big: 'x"},\\'.repeat(200_000) } } });
    const file = join(dir, 'huge.log');
    writeFileSync(file, jsonLines([huge, auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns' })]));
    const { got, report } = await read([file], { bigLine: 64 * 1024 });
    assert.deepEqual(got.map((r) => r.attrs.verb), ['create', 'get']);
    assert.equal(report.bodiesDropped, 1);
    assert.equal(report.failed, false);

    // Fed in small chunks, the splitter never holds more than the big-line threshold.
    let maxPending = 0;
    const lines: string[] = [];
    const s = new LineSplitter({ line: (t) => lines.push(t), tooLong: () => assert.fail('too long') }, { bigLine: 4096 });
    const bytes = Buffer.from(JSON.stringify(huge) + '\n');
    for (let i = 0; i < bytes.length; i += 1000) {
      s.push(bytes.subarray(i, i + 1000));
      maxPending = Math.max(maxPending, s.pendingBytes);
    }
    s.end();
    assert.ok(maxPending <= 4096 + 1000, `held ${maxPending} bytes`);
    const parsed = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(parsed.requestObject, null);
    assert.equal(parsed.verb, 'create');
  });

  test('a line too long even without bodies is located and skipped', async () => {
    const ev = auditEvent({ user: 'u', verb: 'get', resource: 'pods', namespace: 'ns' });
    (ev.annotations as Record<string, string>).note = 'y'.repeat(100_000);
    const file = join(dir, 'long.log');
    writeFileSync(file, jsonLines([ev, auditEvent({ user: 'u', verb: 'list', resource: 'pods', namespace: 'ns' })]));
    const { got, report } = await read([file], { bigLine: 1024, maxKept: 50_000 });
    assert.deepEqual(got.map((r) => r.attrs.verb), ['list']);
    assert.deepEqual(report.skipped, { 'line-too-long': 1 });
    assert.equal(report.problems[0].line, 1);
  });
});
