/**
 * A scan of many objects hands its findings to a temporary file pass by pass (FindingSpool) and
 * writes the report from there: its reports must be byte for byte those of the scan that holds
 * every finding in memory (KUBEHARDEN_SPOOL_FINDINGS=never), in every format and with every report option.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cliBatch, kubeharden, type BatchInvocation, type Run } from '../cli/helpers.js';

/** Past the CLI's SPOOL_FROM_OBJECTS (20,000). */
const OBJECTS = 20_600;

const dir = mkdtempSync(join(tmpdir(), 'kh-spooled-'));
/** The same scan with its findings held in memory. */
const held = (...args: string[]): BatchInvocation => ({ args, env: { KUBEHARDEN_SPOOL_FINDINGS: 'never' } });
const REPO = ['--repo-url', 'https://github.com/o/r/blob/abc'];

/**
 * Runs of cliBatch in pairs (spooled, held): both fail on their high findings with the same
 * stderr, and each pair's files, named by `files(run)`, are byte-identical.
 */
function assertPairs(runs: Run[], names: readonly string[], files: (run: 'spooled' | 'held', i: number) => string[]): void {
  for (const [i, name] of names.entries()) {
    const [spooled, inMemory] = [runs[2 * i], runs[2 * i + 1]];
    assert.equal(spooled.code, 1, `${name}: high findings fail the scan: ${spooled.stderr}`);
    assert.equal(inMemory.code, spooled.code, name);
    assert.equal(spooled.stderr, inMemory.stderr, `${name}: the same errors and warnings`);
    const held = files('held', i);
    for (const [j, file] of files('spooled', i).entries()) assert.equal(readFileSync(file, 'utf8'), readFileSync(held[j], 'utf8'), `${name}: ${file} byte-identical`);
  }
}
after(() => rmSync(dir, { recursive: true, force: true }));

const pod = (i: number) =>
  [
    `  - apiVersion: v1`,
    `    kind: Pod`,
    `    metadata:`,
    `      name: p${i}`,
    `      namespace: ns${i % 3}`,
    // Every other pod asks to ignore one of its findings: suppressed findings in every pass.
    ...(i % 80 === 0 ? [`      annotations: {ignore.kubeharden.io/CTR-RUN-AS-NON-ROOT: "test pods"}`] : []),
    `    spec:`,
    `      containers:`,
    `      - name: c`,
    `        image: ${i % 2 ? 'nginx:latest' : 'registry.example/app@sha256:' + 'a'.repeat(64)}`,
    ...(i % 120 === 0 ? [`        securityContext: {privileged: true}`] : []),
  ].join('\n');
const configMap = (i: number) => `  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm${i}, namespace: ns${i % 3}}, data: {k: v}}`;
const list = (items: string[]) => `apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`;

// Three files (findings sort by file first), pods spread over the passes between config maps.
const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name, f) => {
  const items: string[] = [];
  for (let i = f; i < OBJECTS; i += 3) items.push(i % 40 === 0 ? pod(i) : configMap(i));
  const file = join(dir, name);
  writeFileSync(file, list(items));
  return file;
});

describe(`a scan of ${OBJECTS} objects writes its findings through a temporary file`, () => {
  test('every format, and --write-baseline, equals those of the scan that holds its findings', () => {
    const formats = ['json', 'sarif', 'text', 'junit', 'html', 'markdown'];
    // Links (html, markdown) and the baseline file (json) ride along.
    const extra = (format: string, run: string) =>
      format === 'html' || format === 'markdown' ? REPO : format === 'json' ? ['--write-baseline', join(dir, `${run}.baseline.json`)] : [];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['scan', ...files, '-o', format, '--output-file', join(dir, `spooled.${format}`), ...extra(format, 'spooled')],
        held('scan', ...files, '-o', format, '--output-file', join(dir, `held.${format}`), ...extra(format, 'held')),
      ]),
    );
    assertPairs(runs, formats, (run, i) => [join(dir, `${run}.${formats[i]}`)]);
    for (const format of formats) assert.ok(readFileSync(join(dir, `spooled.${format}`), 'utf8').length > (format === 'markdown' ? 30_000 : 100_000), `${format}: a report of many findings`);
    assert.equal(readFileSync(join(dir, 'spooled.baseline.json'), 'utf8'), readFileSync(join(dir, 'held.baseline.json'), 'utf8'), '--write-baseline: byte-identical');
    const json = JSON.parse(readFileSync(join(dir, 'spooled.json'), 'utf8')) as { summary: { objects: number; suppressed: number; findings: number } };
    assert.equal(json.summary.objects, OBJECTS);
    assert.ok(json.summary.suppressed > 50 && json.summary.findings > 2000, JSON.stringify(json.summary));
    // The pages carry what only the held path had before: clean objects in the score, links to lines.
    const html = readFileSync(join(dir, 'spooled.html'), 'utf8');
    assert.match(html, new RegExp(`<span class="n">${OBJECTS.toLocaleString('en-US')}</span><span class="l">objects</span>`));
    assert.match(readFileSync(join(dir, 'spooled.markdown'), 'utf8'), /\]\(https:\/\/github\.com\/o\/r\/blob\/abc\/[^)]*#L\d+\)/);
  });

  test('with --min-severity, the reports equal those of the scan that holds its findings', () => {
    const formats = ['text', 'json', 'sarif', 'html'];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['scan', ...files, '-o', format, '--min-severity', 'high', '--output-file', join(dir, `spooled-min.${format}`)],
        held('scan', ...files, '-o', format, '--min-severity', 'high', '--output-file', join(dir, `held-min.${format}`)),
      ]),
    );
    assertPairs(runs, formats, (run, i) => [join(dir, `${run}-min.${formats[i]}`)]);
    const text = readFileSync(join(dir, 'spooled-min.text'), 'utf8');
    assert.match(text, /\d+ below --min-severity high not shown/);
    const json = JSON.parse(readFileSync(join(dir, 'spooled-min.json'), 'utf8')) as { findings: { severity: string }[]; summary: { bySeverity: Record<string, number> } };
    assert.ok(json.findings.length > 0 && json.findings.every((f) => f.severity === 'high' || f.severity === 'critical'));
    assert.equal(json.summary.bySeverity.medium, 0);
    // Only --fail-on low sees the hidden findings: it fails even where none is shown below high.
    const failLow = kubeharden(['scan', ...files, '-o', 'json', '--min-severity', 'critical', '--fail-on', 'low', '--output-file', join(dir, 'fail-low.json')]);
    assert.equal(failLow.code, 1);
  });

  test('with --baseline, the reports equal those of the scan that holds its findings', () => {
    // The baseline: the first two files (accepted findings) and pods the scan no longer has (fixed).
    const gone = join(dir, 'gone.yaml');
    writeFileSync(gone, list([0, 40, 80].map((i) => pod(i).replace(`name: p${i}`, `name: gone${i}`))));
    const baselineFile = join(dir, 'accepted.json');
    const made = kubeharden(['scan', files[0], files[1], gone, '-o', 'json', '--output-file', baselineFile]);
    assert.equal(made.code, 1, made.stderr);
    const formats = ['text', 'json', 'sarif', 'markdown'];
    const runs = cliBatch(
      ...formats.flatMap((format) => [
        ['scan', ...files, '-o', format, '--baseline', baselineFile, '--output-file', join(dir, `spooled-bl.${format}`)],
        held('scan', ...files, '-o', format, '--baseline', baselineFile, '--output-file', join(dir, `held-bl.${format}`)),
      ]),
    );
    assertPairs(runs, formats, (run, i) => [join(dir, `${run}-bl.${formats[i]}`)]);
    const json = JSON.parse(readFileSync(join(dir, 'spooled-bl.json'), 'utf8')) as { findings: { file: string }[]; baseline: { new: number; unchanged: number; fixed: number } };
    assert.ok(json.baseline.unchanged > 1000 && json.baseline.new > 500 && json.baseline.fixed > 0, JSON.stringify(json.baseline));
    const third = json.findings.filter((f) => f.file === files[2]).length;
    assert.ok(third > json.findings.length / 2, `the third file, not in the baseline, has most of what is shown: ${third} of ${json.findings.length}`);
    assert.match(readFileSync(join(dir, 'spooled-bl.text'), 'utf8'), /baseline .*accepted\.json: \d+ new findings shown; \d+ already in the baseline not shown; \d+ fixed since\n$/);
  });

  test('--baseline and --write-baseline with --min-severity: the reports equal those of the scan that holds its findings', () => {
    const baselineFile = join(dir, 'accepted.json'); // written by the test before
    const formats = ['text', 'json', 'markdown'];
    const args = (format: string, run: string) => ['scan', ...files, '-o', format, '--baseline', baselineFile, '--min-severity', 'high', '--output-file', join(dir, `${run}-blmin.${format}`), '--write-baseline', join(dir, `${run}-blmin.${format}.json`)];
    const runs = cliBatch(...formats.flatMap((format) => [args(format, 'spooled'), held(...args(format, 'held'))]));
    assertPairs(runs, formats, (run, i) => [join(dir, `${run}-blmin.${formats[i]}`), join(dir, `${run}-blmin.${formats[i]}.json`)]);
    const json = JSON.parse(readFileSync(join(dir, 'spooled-blmin.json'), 'utf8')) as { findings: { severity: string }[]; baseline: { new: number; unchanged: number } };
    assert.ok(json.findings.length > 0 && json.findings.every((f) => f.severity === 'high' || f.severity === 'critical'));
    assert.ok(json.baseline.unchanged > 1000, JSON.stringify(json.baseline));
    // The baseline file has every finding, those below --min-severity too.
    const written = JSON.parse(readFileSync(join(dir, 'spooled-blmin.json.json'), 'utf8')) as { findings: { severity: string }[] };
    assert.ok(written.findings.some((f) => f.severity === 'medium' || f.severity === 'low'));
  });

  test('with --framework, the reports equal those of the scan that holds its findings', () => {
    const runs: Array<[string, string[]]> = [
      ['text', []],
      ['json', []],
      ['html', []],
      ['json', ['--min-severity', 'high']],
      ['text', ['--min-severity', 'critical']],
    ];
    const args = (format: string, extra: string[], run: string, i: number) => ['scan', ...files, '-o', format, '--framework', 'nsa-cisa', ...extra, '--output-file', join(dir, `${run}-fw${i}.${format}`)];
    const results = cliBatch(...runs.flatMap(([format, extra], i) => [args(format, extra, 'spooled', i), held(...args(format, extra, 'held', i))]));
    assertPairs(results, runs.map(([format, extra]) => `${format} ${extra.join(' ')}`), (run, i) => [join(dir, `${run}-fw${i}.${runs[i][0]}`)]);
    // The view judges every finding, those --min-severity hides too (CTR-RUN-AS-NON-ROOT is medium).
    const json = JSON.parse(readFileSync(join(dir, 'spooled-fw3.json'), 'utf8')) as { compliance: { controls: Array<{ id: string; status: string; objectsInScope: number }> } };
    const p1 = json.compliance.controls.find((c) => c.id === 'P1');
    assert.equal(p1?.status, 'fail');
    assert.ok((p1?.objectsInScope ?? 0) > 100, JSON.stringify(p1));
    assert.match(readFileSync(join(dir, 'spooled-fw4.text'), 'utf8'), /FAIL +P1 .*\n(?:.*\n){1,5}.*… \d+ more/);
  });

  test('a TMPDIR the findings cannot go to is exit 2 naming it, and no report', () => {
    const missing = join(dir, 'no-such-folder');
    const r = kubeharden(['scan', ...files, '-o', 'json'], { env: { TMPDIR: missing } });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: cannot create the findings' temporary files in ${missing} \\(ENOENT\\); set TMPDIR`, 'm'));
    // Every format and report option takes the same path: their findings go to disk too.
    for (const flag of [['--min-severity', 'high'], ['--baseline', join(dir, 'accepted.json')], ['--write-baseline', join(dir, 'never.json'), '--min-severity', 'high'], ['-o', 'html'], ['-o', 'markdown'], ['--framework', 'cis']]) {
      const r2 = kubeharden(['scan', ...files, '-o', 'json', ...flag], { env: { TMPDIR: missing } });
      assert.equal(r2.code, 2, flag.join(' '));
      assert.match(r2.stderr, /cannot create the findings' temporary files/);
    }
    // KUBEHARDEN_SPOOL_FINDINGS decides: never holds them (no temporary file needed), always spools even a small scan.
    const never = kubeharden(['scan', ...files, '-o', 'json', '--output-file', join(dir, 'never.json')], { env: { TMPDIR: missing, KUBEHARDEN_SPOOL_FINDINGS: 'never' } });
    assert.equal(never.code, 1, never.stderr);
    const small = kubeharden(['scan', files[0], '-o', 'json'], { env: { TMPDIR: missing, KUBEHARDEN_SPOOL_FINDINGS: 'always' } });
    assert.equal(small.code, 2, small.stderr);
    assert.match(small.stderr, /cannot create the findings' temporary files/);
    // A value it does not know is an error before anything is read, with what was meant.
    const typo = kubeharden(['scan', files[0], '-o', 'json'], { env: { KUBEHARDEN_SPOOL_FINDINGS: 'alway' } });
    assert.equal(typo.code, 2);
    assert.equal(typo.stdout, '');
    assert.match(typo.stderr, /KUBEHARDEN_SPOOL_FINDINGS: unknown value "alway" \(did you mean "always"\?\) \(auto, always, never\)/);
  });
});
