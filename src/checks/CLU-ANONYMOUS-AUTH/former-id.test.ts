// APISERVER-ANONYMOUS-PROBE (merged into CLU-ANONYMOUS-AUTH: one probe, one verdict) keeps working
// wherever a user may have written it: --checks, the configuration's disable/severity, exemptions, explain.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliBatch } from '../../../test/cli/helpers.js';

const PROBE = new URL('./fixtures/fail/on.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kh-retired-'));
const config = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('the former id APISERVER-ANONYMOUS-PROBE', () => {
  it('APISERVER-ANONYMOUS-PROBE means CLU-ANONYMOUS-AUTH in --checks, config and explain', () => {
    const disabled = config('disable.yaml', 'checks:\n  disable: [APISERVER-ANONYMOUS-PROBE]\n');
    const regraded = config('severity.yaml', 'checks:\n  severity: {APISERVER-ANONYMOUS-PROBE: low}\n');
    const exempt = config('exempt.yaml', 'exemptions:\n  - checks: [apiserver-anonymous-probe]\n    reason: probed elsewhere\n');
    const [only, off, low, exempted, explain] = cliBatch(
      ['scan', PROBE, '--checks', 'APISERVER-ANONYMOUS-PROBE', '-o', 'json'],
      ['scan', PROBE, '-c', disabled, '-o', 'json', '--fail-on', 'none'],
      ['scan', PROBE, '-c', regraded, '--checks', 'CLU-ANONYMOUS-AUTH', '-o', 'json', '--fail-on', 'none'],
      ['scan', PROBE, '-c', exempt, '--checks', 'CLU-ANONYMOUS-AUTH', '-o', 'json', '--fail-on', 'none'],
      ['explain', 'APISERVER-ANONYMOUS-PROBE'],
    );
    const findings = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: Array<{ check: string; severity: string; suppressed?: unknown }> }).findings;
    assert.deepEqual(findings(only).map((f) => `${f.check} ${f.severity}`), ['CLU-ANONYMOUS-AUTH high']);
    assert.equal(only.code, 1);
    assert.ok(!findings(off).some((f) => f.check === 'CLU-ANONYMOUS-AUTH'));
    assert.deepEqual(findings(low).map((f) => `${f.check} ${f.severity}`), ['CLU-ANONYMOUS-AUTH low']);
    assert.ok(findings(exempted).every((f) => f.suppressed));
    assert.equal(explain.code, 0);
    assert.match(explain.stdout, /CLU-ANONYMOUS-AUTH/);
    assert.match(explain.stderr, /APISERVER-ANONYMOUS-PROBE.*CLU-ANONYMOUS-AUTH/);
  });
});
