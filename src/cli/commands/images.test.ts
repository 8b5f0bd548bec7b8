// The image gate through the CLI: scan's image flags and config section, exit codes, located
// report errors, and the usage errors of `images verify|prefetch`. (Against a real registry and
// cosign: test/e2e/images-cosign.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliBatch } from '../../../test/cli/helpers.js';

const FIXTURES = new URL('../../images/vuln/fixtures/', import.meta.url).pathname;
const KEY = new URL('../../images/signature/fixtures/cosign.pub', import.meta.url).pathname;
const WEB = 'ghcr.io/acme/web@sha256:7a0b98f2bf30d605fe58cd614a3029892c5c55fbb42b819af636e2aac295a90b';
const dir = mkdtempSync(join(tmpdir(), 'kh-cli-images-'));
const manifest = join(dir, 'pod.yaml');
writeFileSync(manifest, `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n    - name: web\n      image: ${WEB}\n`);

describe('scan with an image policy', () => {
  it('--vuln-reports: findings and exit 1; malformed reports are located errors; bad flags exit 2', () => {
    const [vuln, clean, malformed, badAge] = cliBatch(
      ['scan', manifest, '--checks', 'IMG-VULN,IMG-VULN-REPORT', '--vuln-reports', join(FIXTURES, 'reports'), '--vuln-fail-on', 'critical', '-o', 'json'],
      ['scan', manifest, '--checks', 'IMG-VULN,IMG-VULN-REPORT', '--vuln-reports', join(FIXTURES, 'reports'), '--vuln-fail-on', 'critical', '--vuln-only-fixed', '--fail-on', 'critical'],
      ['scan', manifest, '--checks', 'IMG-VULN-REPORT', '--vuln-reports', join(FIXTURES, 'malformed'), '-o', 'json'],
      ['scan', manifest, '--vuln-reports', join(FIXTURES, 'reports'), '--vuln-max-age', 'a week'],
    );
    assert.equal(vuln.code, 1);
    const report = JSON.parse(vuln.stdout) as { findings: Array<{ check: string; message: string; line: number; column: number }> };
    assert.deepEqual(report.findings.map((f) => `${f.check} ${f.line}:${f.column}`), ['IMG-VULN 7:7']);
    assert.match(report.findings[0].message, /has 2 vulnerabilities at or above critical: CVE-2024-45492 critical in libexpat1/);
    assert.equal(clean.code, 0, clean.stdout);
    // No usable report is a finding (IMG-VULN-REPORT), and a report that cannot be read is an input
    // error: the scan is incomplete, and 2 outranks 1 (the exit table, src/cli/exit.ts).
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /error: \S+malformed\/trivy-bad-severity\.json:11:103: invalid vulnerability report: Severity "SEVERE"/);
    assert.match(malformed.stdout, /IMG-VULN-REPORT/);
    assert.equal(badAge.code, 2);
    assert.match(badAge.stderr, /images\.vulnerabilities\.maxAge: a duration like 500ms/);
  });

  it("the config file's images: section is validated with the field named", () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'images:\n  failMode: sometimes\n');
    const [r] = cliBatch(['scan', manifest, '-c', cfg]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /images\.failMode/);
  });

  it('--image-key with --offline: an uncached signature is a finding and the registry is never asked', () => {
    const [r, bad] = cliBatch(['scan', manifest, '--checks', 'IMG-SIGNATURE', '--image-key', `ghcr.io/acme/**=${KEY}`, '--offline'], ['scan', manifest, '--image-key', 'no-equals-sign']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /IMG-SIGNATURE .*could not be verified \(rule "--image-key ghcr.io\/acme\/\*\*", failMode closed\): signatures could not be fetched: not in the image cache and registries are not contacted \(offline\)/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--image-key expects PATTERN=KEYFILE/);
  });
});

describe('kubeharden images', () => {
  it('usage errors exit 2', () => {
    const [noKey, nothing, badKey] = cliBatch(['images', 'verify', WEB], ['images', 'prefetch', '--key', `x=${KEY}`], ['images', 'verify', WEB, '--key', join(dir, 'missing.pub')]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--key KEY\.pub is required/);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /give manifests/);
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /key \S+missing\.pub: cannot read/);
  });

  it('verify --offline with nothing cached cannot check: exit 2', () => {
    const [r] = cliBatch(['images', 'verify', WEB, '--key', KEY, '--offline']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /NOT VERIFIED {2}ghcr\.io\/acme\/web@sha256:\w+: unverifiable: signatures could not be fetched: not in the image cache/);
  });
});
