// `audit` takes scan's check, report and image options from the same definitions and gives the
// same answers: the image gate from --vuln-reports, --framework, --baseline, --min-severity, and
// html/markdown reports of findings that have no file position (objects read from a cluster).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerAuditCommand } from '../../src/cli/commands/audit.js';
import { registerScanCommand } from '../../src/cli/commands/scan.js';
import { cliBatch, type BatchInvocation } from './helpers.js';

const REPORTS = new URL('../../src/images/vuln/fixtures/reports/', import.meta.url).pathname;
const WEB = 'ghcr.io/acme/web@sha256:7a0b98f2bf30d605fe58cd614a3029892c5c55fbb42b819af636e2aac295a90b';
const dir = mkdtempSync(join(tmpdir(), 'kh-audit-shared-'));
const web = { name: 'web', image: WEB, securityContext: { privileged: true } };
const cluster = join(dir, 'cluster.json');
writeFileSync(
  cluster,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'n1' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'd1' }, spec: { template: { spec: { containers: [web] } } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', uid: 'c1' }, data: { a: 'b' } },
    ],
  }),
);
// The same Deployment as a file, for scan.
const manifest = join(dir, 'web.yaml');
writeFileSync(manifest, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${WEB}\n          securityContext: {privileged: true}\n`);

/** The same audit with its findings held in memory until the report is written. */
const held = (...args: string[]): BatchInvocation => ({ args, env: { KUBEHARDEN_SPOOL_FINDINGS: 'never' } });

type JsonReport = { findings: Array<{ check: string; message: string; path: string; line: number }>; compliance?: { framework: string } };
const findings = (stdout: string) => (JSON.parse(stdout) as JsonReport).findings;

/** Each option's flags and help line, as `--help` shows them. */
function optionHelp(register: (p: Command) => void, name: string): Map<string, string> {
  const program = new Command();
  register(program);
  const cmd = program.commands.find((c) => c.name() === name) as Command;
  return new Map(cmd.options.map((o) => [o.long ?? o.flags, `${o.flags}  ${o.description}`]));
}

describe('audit with the options of scan', () => {
  it('scan and audit define the check, report and image options once: same flags, same help', () => {
    const scan = optionHelp(registerScanCommand, 'scan');
    const audit = optionHelp(registerAuditCommand, 'audit');
    const shared = ['--fail-on', '--min-severity', '--config', '--checks', '--pss', '--set', '--no-annotation-exemptions', '--show-suppressed', '--framework', '--baseline', '--write-baseline', '--vuln-reports', '--vuln-fail-on', '--vuln-only-fixed', '--vuln-max-age', '--image-key', '--image-cache', '--offline'];
    for (const flag of shared) {
      assert.ok(audit.has(flag), `audit lacks ${flag}`);
      assert.equal(audit.get(flag), scan.get(flag), flag);
    }
    // Links to file lines mean nothing for objects in a cluster.
    assert.ok(scan.has('--repo-url'));
    assert.ok(!audit.has('--repo-url'));
  });

  it('the image gate: --vuln-reports gives audit the IMG-VULN finding scan gives for the same Deployment', () => {
    const [audited, scanned, missing] = cliBatch(
      ['audit', '--from', cluster, '--checks', 'IMG-VULN', '--vuln-reports', REPORTS, '-o', 'json'],
      ['scan', manifest, '--checks', 'IMG-VULN', '--vuln-reports', REPORTS, '-o', 'json'],
      ['audit', '--from', cluster, '--checks', 'IMG-VULN-REPORT', '--vuln-reports', join(dir, 'no-such-dir'), '-o', 'json'],
    );
    assert.equal(audited.code, 1, audited.stderr);
    assert.deepEqual(
      findings(audited.stdout).map((f) => [f.check, f.path, f.message]),
      findings(scanned.stdout).map((f) => [f.check, f.path, f.message]),
    );
    assert.equal(findings(audited.stdout)[0].line, 0);
    // A report path that cannot be read makes the audit incomplete (exit 2), as in scan.
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^error: .*no-such-dir/m);
  });

  it('--framework, --baseline and --min-severity work as in scan', () => {
    const baseline = join(dir, 'baseline.json');
    const [cis, written, again, critical, pdf] = cliBatch(
      ['audit', '--from', cluster, '--framework', 'cis', '-o', 'json', '--fail-on', 'none'],
      ['audit', '--from', cluster, '--write-baseline', baseline, '-o', 'json', '--fail-on', 'none'],
      ['audit', '--from', cluster, '--baseline', baseline, '--no-color'],
      ['audit', '--from', cluster, '--min-severity', 'critical', '-o', 'json'],
      ['audit', '--from', cluster, '-o', 'pdf'],
    );
    assert.equal(cis.code, 0, cis.stderr);
    assert.equal((JSON.parse(cis.stdout) as JsonReport).compliance?.framework, 'cis');
    assert.equal(written.code, 0, written.stderr);
    // Nothing new since the baseline: nothing shown, nothing fails.
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /baseline .*baseline\.json: 0 new findings shown; \d+ already in the baseline not shown; 0 fixed since/);
    assert.deepEqual(findings(critical.stdout).map((f) => f.check), ['CTR-PRIVILEGED']);
    assert.equal(critical.code, 1);
    assert.equal(pdf.code, 2);
    assert.match(pdf.stderr, /unknown format "pdf" \(text, json, sarif, junit, html, markdown, policyreport\)/);
  });

  it('every format and --write-baseline: a streamed report equals the report of the findings held in memory', () => {
    const formats = ['text', 'json', 'sarif', 'junit', 'html', 'markdown'];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['audit', '--from', cluster, '-o', format, '--no-color', '--write-baseline', join(dir, `streamed-all-${format}.json`)],
        held('audit', '--from', cluster, '-o', format, '--no-color', '--write-baseline', join(dir, `held-all-${format}.json`)),
      ]),
    );
    for (const [i, format] of formats.entries()) {
      const [streamed, inMemory] = [runs[2 * i], runs[2 * i + 1]];
      assert.equal(streamed.code, 1, `${format}: ${streamed.stderr}`);
      assert.equal(inMemory.code, streamed.code);
      assert.equal(streamed.stdout, inMemory.stdout, `${format}: byte-identical`);
      assert.equal(readFileSync(join(dir, `streamed-all-${format}.json`), 'utf8'), readFileSync(join(dir, `held-all-${format}.json`), 'utf8'), `${format}: the same baseline file`);
    }
    assert.match(runs[8].stdout, /<span class="n">3<\/span><span class="l">objects<\/span>/, 'clean objects count in the score');
  });

  it('--min-severity on a streamed report equals the report of the findings held in memory', () => {
    const formats = ['text', 'json', 'sarif', 'junit', 'html', 'markdown'];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['audit', '--from', cluster, '--min-severity', 'high', '-o', format, '--no-color'],
        held('audit', '--from', cluster, '--min-severity', 'high', '-o', format, '--no-color'),
      ]),
    );
    for (const [i, format] of formats.entries()) {
      const [streamed, inMemory] = [runs[2 * i], runs[2 * i + 1]];
      assert.equal(streamed.code, 1, `${format}: ${streamed.stderr}`);
      assert.equal(inMemory.code, streamed.code);
      assert.equal(streamed.stdout, inMemory.stdout, `${format}: byte-identical`);
    }
    assert.match(runs[0].stdout, /\d+ below --min-severity high not shown/);
    const shown = (JSON.parse(runs[2].stdout) as { findings: Array<{ severity: string }> }).findings;
    assert.ok(shown.length > 0 && shown.every((f) => f.severity === 'high' || f.severity === 'critical'), JSON.stringify(shown));
  });

  it('--baseline on a streamed report equals the report of the findings held in memory', () => {
    const accepted = join(dir, 'accepted-privileged.json');
    const [made] = cliBatch(['audit', '--from', cluster, '--checks', 'CTR-PRIVILEGED', '-o', 'json', '--output-file', accepted]);
    assert.equal(made.code, 1, made.stderr);
    const formats = ['text', 'json', 'sarif', 'junit', 'html', 'markdown'];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['audit', '--from', cluster, '--baseline', accepted, '-o', format, '--no-color'],
        held('audit', '--from', cluster, '--baseline', accepted, '-o', format, '--no-color'),
      ]),
    );
    for (const [i, format] of formats.entries()) {
      const [streamed, inMemory] = [runs[2 * i], runs[2 * i + 1]];
      assert.equal(streamed.code, inMemory.code, `${format}: ${streamed.stderr}`);
      assert.equal(streamed.stdout, inMemory.stdout, `${format}: byte-identical`);
    }
    assert.match(runs[0].stdout, /baseline .*accepted-privileged\.json: \d+ new findings? shown; 1 already in the baseline not shown; 0 fixed since/);
    assert.ok(!findings(runs[2].stdout).some((f) => f.check === 'CTR-PRIVILEGED'), 'the accepted finding is not shown');
  });

  it('--baseline and --write-baseline with --min-severity on a streamed report equal the report of the findings held in memory', () => {
    const accepted = join(dir, 'accepted-privileged.json'); // written by the test before
    const formats = ['text', 'json', 'markdown'];
    const args = (format: string, run: string) => ['audit', '--from', cluster, '--baseline', accepted, '--min-severity', 'medium', '-o', format, '--no-color', '--write-baseline', join(dir, `${run}-blmin-${format}.json`)];
    const runs = cliBatch(...formats.flatMap((format) => [args(format, 'streamed'), held(...args(format, 'held'))]));
    for (const [i, format] of formats.entries()) {
      const [streamed, inMemory] = [runs[2 * i], runs[2 * i + 1]];
      assert.equal(streamed.code, inMemory.code, `${format}: ${streamed.stderr}`);
      assert.equal(streamed.stdout, inMemory.stdout, `${format}: byte-identical`);
      assert.equal(readFileSync(join(dir, `streamed-blmin-${format}.json`), 'utf8'), readFileSync(join(dir, `held-blmin-${format}.json`), 'utf8'), `${format}: the same baseline file`);
    }
    assert.match(runs[0].stdout, /\d+ below --min-severity medium not shown/);
    assert.match(runs[0].stdout, /1 already in the baseline not shown/);
  });

  it('--framework on a streamed report equals the report of the findings held in memory', () => {
    const runs: Array<[string, string[]]> = [
      ['text', []],
      ['json', []],
      ['markdown', []],
      ['json', ['--min-severity', 'critical']],
    ];
    const args = (format: string, extra: string[]) => ['audit', '--from', cluster, '--framework', 'cis', '-o', format, '--no-color', ...extra];
    const results = cliBatch(...runs.flatMap(([format, extra]) => [args(format, extra), held(...args(format, extra))]));
    for (const [i, [format, extra]] of runs.entries()) {
      const [streamed, inMemory] = [results[2 * i], results[2 * i + 1]];
      assert.equal(streamed.code, 1, `${format} ${extra.join(' ')}: ${streamed.stderr}`);
      assert.equal(inMemory.code, streamed.code);
      assert.equal(streamed.stdout, inMemory.stdout, `${format} ${extra.join(' ')}: byte-identical`);
    }
    assert.equal((JSON.parse(results[2].stdout) as JsonReport).compliance?.framework, 'cis');
  });

  it('-o markdown and -o html locate findings by source and field path, never as line 0', () => {
    const [md, html] = cliBatch(
      ['audit', '--from', cluster, '--checks', 'CTR-PRIVILEGED', '-o', 'markdown'],
      ['audit', '--from', cluster, '--checks', 'CTR-PRIVILEGED', '-o', 'html', '--framework', 'nsa-cisa'],
    );
    assert.equal(md.code, 1, md.stderr);
    assert.match(md.stdout, /\| `CTR-PRIVILEGED` \| Deployment shop\/web \(web\) \| `[^`]*cluster\.json · spec\.template\.spec\.containers\\\[0\\\]\.securityContext\.privileged` \|/);
    assert.doesNotMatch(md.stdout, /cluster\.json:0/);
    // Three objects audited, one failing: the score counts the clean ones too.
    assert.match(md.stdout, /over 3 objects/);
    assert.equal(html.code, 1, html.stderr);
    assert.match(html.stdout, /<title>kubeharden audit/);
    assert.match(html.stdout, /cluster\.json · spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
    assert.doesNotMatch(html.stdout, /cluster\.json:0/);
  });
});
