/** The reports people read: Markdown, HTML (static parts), compliance views, baselines, scores. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadText } from '../load/index.js';
import { scanObjects, prepareRun } from '../engine/scan.js';
import { ALL_CHECKS } from '../checks/registry.js';
import type { Finding } from '../engine/types.js';
import { REPORTERS, type ReportInput } from './index.js';
import { firstSorted, markdownReport, GITHUB_COMMENT_LIMIT } from './markdown.js';
import { applyBaseline, fingerprint, readBaseline, BaselineError } from './baseline.js';
import { overview } from './overview.js';
import { evaluateFramework } from './compliance/evaluate.js';
import { FRAMEWORKS, FRAMEWORK_IDS } from './compliance/frameworks.js';
import { cliBatch } from '../../test/cli/helpers.js';

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: "web</script><b>x", namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostPID: true
      containers:
        - name: app
          image: nginx:latest
          securityContext: {privileged: true}
          env: [{name: API_TOKEN, value: "s3cr3t-value-never-shown"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: clean, namespace: shop}
data: {a: b}
`;

function input(text = APP, file = 'deploy/web.yaml'): ReportInput {
  const loaded = loadText(Buffer.from(text), file);
  const run = prepareRun({ checks: ALL_CHECKS });
  const r = scanObjects(loaded.objects, { run });
  return { ...r, checks: run.checks, failOn: 'high', toolVersion: '0.1.0', inventory: loaded.objects.map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name, workload: o.kind === 'Deployment' })) };
}

describe('overview and score', () => {
  it('scores objects from 100 down by severity, and namespaces as the mean over their objects, clean ones included', () => {
    const r = input();
    const ov = overview(r.findings, r.inventory);
    const web = ov.worstObjects[0];
    assert.equal(web.kind, 'Deployment');
    const expected = Math.max(0, 100 - r.findings.filter((f) => !f.suppressed).reduce((a, f) => a + { critical: 40, high: 20, medium: 8, low: 3, info: 0 }[f.severity], 0));
    assert.equal(web.score, expected);
    const shop = ov.namespaces.find((n) => n.namespace === 'shop');
    assert.equal(shop?.objects, 2);
    assert.equal(shop?.score, (expected + 100) / 2);
  });
});

describe('markdown report', () => {
  it('groups by severity worst first, escapes table cells, links lines with --repo-url, never prints secret values', () => {
    const md = markdownReport({ ...input(), repoUrl: 'https://github.com/acme/app/blob/abc123/' });
    assert.ok(md.indexOf('Critical (') < md.indexOf('High ('));
    assert.ok(md.includes('(https://github.com/acme/app/blob/abc123/deploy/web.yaml#L13)'), md);
    assert.ok(md.includes('web&lt;/script&gt;&lt;b&gt;x'));
    assert.ok(!md.includes('s3cr3t-value-never-shown'));
    assert.ok(!md.includes('</script>'));
  });

  it('stays under GitHub\'s comment limit and says how many findings it left out', () => {
    const one = input();
    const many: Finding[] = [];
    for (let i = 0; i < 3000; i++) for (const f of one.findings) many.push({ ...f, line: f.line + i, message: `${f.message} #${i}` });
    const md = markdownReport({ ...one, findings: many });
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length}`);
    const shown = md.split('\n').filter((l) => l.startsWith('| `')).length;
    const m = /\*\*(\d+) more findings? not shown\*\*/.exec(md);
    assert.ok(m, md.slice(-500));
    assert.equal(shown + Number(m[1]), many.length);
    // Folded sections are closed even when cut inside one.
    assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length);
  });

  it('takes the worst rows that fit from a bounded selection equal to a full stable sort', () => {
    // Few distinct keys: many ties, which must keep their input order.
    const items = Array.from({ length: 5000 }, (_, i) => ({ key: (i * 7919) % 13, at: i }));
    const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
    const full = [...items].sort(byKey);
    for (const k of [1, 7, 100, 2499, 2500, 4999, 5000, 9000]) assert.deepEqual(firstSorted(items, byKey, k), full.slice(0, k), `k=${k}`);
    assert.deepEqual(firstSorted([], byKey, 3), []);
  });
});

describe('HTML report (static part)', () => {
  it('is self-contained: a CSP forbids fetches, no external script, style, font or image; data cannot close its script', () => {
    const html = REPORTERS.html(input());
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link |<img |@import|url\(/);
    // The object name holds </script>: it appears escaped in markup and as \u003c in the data.
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    assert.ok(html.includes('web&lt;/script&gt;&lt;b&gt;x'));
    assert.ok(!html.includes('s3cr3t-value-never-shown'));
    assert.ok(html.includes('id="check-CTR-PRIVILEGED"'));
  });
});

describe('baselines', () => {
  it('fingerprints are the SARIF partialFingerprints', () => {
    const r = input();
    const sarif = JSON.parse(REPORTERS.sarif(r)) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> };
    assert.deepEqual(sarif.runs[0].results.map((x) => x.partialFingerprints['kubeharden/v1']), r.findings.map(fingerprint));
  });

  it('matches findings after their lines move, reports new ones and counts fixed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-baseline-'));
    try {
      const base = join(dir, 'base.json');
      writeFileSync(base, REPORTERS.json(input()));
      // Ten lines of comments moved everything down; privileged was fixed; hostIPC is new.
      const moved = `# a\n# b\n# c\n# d\n# e\n# f\n# g\n# h\n# i\n# j\n${APP.replace('securityContext: {privileged: true}', 'securityContext: {}').replace('hostPID: true', 'hostPID: true\n      hostIPC: true')}`;
      const now = input(moved);
      const { findings, outcome } = applyBaseline(now.findings, readBaseline(base), base);
      assert.deepEqual(findings.map((f) => f.check), ['POD-HOST-IPC']);
      assert.equal(outcome.new, 1);
      assert.equal(outcome.unchanged, now.findings.length - 1);
      assert.ok(outcome.fixed >= 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a kubeharden JSON report, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-baseline-'));
    try {
      writeFileSync(join(dir, 'sarif.json'), REPORTERS.sarif(input()));
      assert.throws(() => readBaseline(join(dir, 'sarif.json')), (e: Error) => e instanceof BaselineError && /not a kubeharden JSON report/.test(e.message));
      assert.throws(() => readBaseline(join(dir, 'missing.json')), /cannot read it \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compliance frameworks', () => {
  it('every check a framework names exists', () => {
    const ids = new Set(ALL_CHECKS.map((c) => c.meta.id));
    for (const id of FRAMEWORK_IDS) for (const c of FRAMEWORKS[id].controls) for (const ch of c.checks) assert.ok(ids.has(ch), `${id} ${c.id}: ${ch}`);
  });

  it('lists controls kubeharden cannot assess as manual and controls whose checks did not run as not assessed, never as pass', () => {
    const r = input();
    const checks = prepareRun({ checks: ALL_CHECKS, only: ['CTR-PRIVILEGED', 'POD-HOST-PID'] }).checks;
    const c = evaluateFramework('cis', { findings: r.findings, checks, allChecks: ALL_CHECKS, inventory: r.inventory ?? [] });
    const by = new Map(c.controls.map((x) => [x.id, x]));
    assert.equal(by.get('5.3.1')?.status, 'manual');
    assert.equal(by.get('5.2.2')?.status, 'fail');
    assert.equal(by.get('5.2.2')?.passPercent, 0);
    assert.equal(by.get('5.2.4')?.status, 'not-assessed');
    assert.equal(c.summary.pass, 0);
    assert.equal(c.summary.score, 0);
  });

  it('counts each object once per control: listed twice, failing two of its checks, or failing but not listed', () => {
    const checks = prepareRun({ checks: ALL_CHECKS, only: ['CTR-PRIVILEGED', 'CTR-PRIV-ESC'] }).checks;
    const deployment = (name: string) => ({ kind: 'Deployment', namespace: 'shop', name, file: 'x.yaml', workload: true });
    const finding = (check: string, name: string, suppressed = false) => ({ check, object: { kind: 'Deployment', namespace: 'shop', name }, ...(suppressed ? { suppressed: { by: 'annotation', reason: 'test' } } : {}) }) as unknown as Finding;
    const c = evaluateFramework('nsa-cisa', {
      // z is not in the inventory; b's only finding is suppressed.
      findings: [finding('CTR-PRIVILEGED', 'a'), finding('CTR-PRIV-ESC', 'a'), finding('CTR-PRIV-ESC', 'z'), finding('CTR-PRIVILEGED', 'b', true)],
      checks,
      allChecks: ALL_CHECKS,
      inventory: [deployment('a'), deployment('a'), deployment('b'), { kind: 'ConfigMap', namespace: 'shop', name: 'c', file: 'x.yaml', workload: false }],
    });
    const p4 = c.controls.find((x) => x.id === 'P4');
    assert.deepEqual(
      { status: p4?.status, findings: p4?.findings, objectsInScope: p4?.objectsInScope, objectsFailing: p4?.objectsFailing, passPercent: p4?.passPercent },
      { status: 'fail', findings: 3, objectsInScope: 3, objectsFailing: 2, passPercent: 33.3 },
    );
  });

  it('takes controls that checks claim in their metadata', () => {
    // 9.9.9: an id no shipped check claims (the control-plane checks claim CIS 1.x-4.x ids).
    const extra = { ...ALL_CHECKS[0], meta: { ...ALL_CHECKS[0].meta, id: 'CP-TEST', controls: { cis: ['9.9.9', '5.2.2'] } } };
    const c = evaluateFramework('cis', { findings: [], checks: [extra], allChecks: [...ALL_CHECKS, extra], inventory: [] });
    assert.deepEqual(c.controls.find((x) => x.id === '9.9.9')?.checks, ['CP-TEST']);
    assert.ok(c.controls.find((x) => x.id === '1.2.1')?.checks.includes('APISERVER-ANONYMOUS-AUTH'), 'claimed by the control-plane checks');
    assert.ok(c.controls.find((x) => x.id === '5.2.2')?.checks.includes('CP-TEST'));
  });

  it('CLI: --framework in text and JSON; a Pod Security framework evaluates its level; bad combinations are usage errors', () => {
    const [text, json, pssLow, sarif, unknown] = cliBatch(
      ['scan', 'examples/insecure', '--framework', 'pss-restricted', '--fail-on', 'none'],
      ['scan', 'examples/insecure', '--framework', 'nsa-cisa', '-o', 'json', '--fail-on', 'none'],
      ['scan', 'examples/insecure', '--framework', 'pss-restricted', '--pss', 'baseline'],
      ['scan', 'examples/insecure', '--framework', 'cis', '-o', 'sarif'],
      ['scan', 'examples/insecure', '--framework', 'cis-1.2'],
    );
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /FAIL\s+Privilege Escalation/);
    assert.match(text.stdout, /controls: \d+ pass, \d+ fail/);
    const report = JSON.parse(json.stdout) as { compliance: { framework: string; controls: Array<{ id: string; status: string }> }; findings: unknown[] };
    assert.equal(report.compliance.framework, 'nsa-cisa');
    // Audit logging is assessed by the control-plane checks, on control-plane objects: the examples have none.
    assert.equal(report.compliance.controls.find((x) => x.id === 'L1')?.status, 'no-scope');
    assert.equal(report.compliance.controls.find((x) => x.id === 'L2')?.status, 'manual');
    assert.ok(report.findings.length > 0);
    for (const r of [pssLow, sarif, unknown]) assert.equal(r.code, 2, r.stdout);
    assert.match(pssLow.stderr, /needs --pss restricted/);
    assert.match(unknown.stderr, /unknown framework "cis-1.2" \(nsa-cisa, cis, pss-baseline, pss-restricted\)/);
  });

  it('CLI: --write-baseline then --baseline: nothing new exits 0 and says so; a missing baseline exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-baseline-cli-'));
    try {
      const b = join(dir, 'b.json');
      const [first, second, missing] = cliBatch(
        ['scan', 'examples/insecure', '--write-baseline', b, '-o', 'json'],
        ['scan', 'examples/insecure', '--baseline', b],
        ['scan', 'examples/insecure', '--baseline', join(dir, 'nope.json')],
      );
      assert.equal(first.code, 1);
      assert.deepEqual(JSON.parse(readFileSync(b, 'utf8')).findings.length, JSON.parse(first.stdout).findings.length);
      assert.equal(second.code, 0, second.stdout);
      assert.match(second.stdout, /baseline .*b\.json: 0 new findings shown; \d+ already in the baseline not shown; 0 fixed since/);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--baseline .*nope\.json: cannot read it \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
