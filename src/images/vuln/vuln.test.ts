import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withDefaults, type VulnerabilityPolicy } from '../policy.js';
import { parseReference } from '../reference.js';
import { evaluateReport, formatCounts } from './evaluate.js';
import { loadReports, parseReport } from './load.js';
import { ReportIndex } from './match.js';
import { loadVex, VexIndex } from './openvex.js';
import type { VulnReport } from './report.js';

const DIR = new URL('./fixtures/', import.meta.url).pathname;
const WEB = 'sha256:7a0b98f2bf30d605fe58cd614a3029892c5c55fbb42b819af636e2aac295a90b';
const OLD = 'sha256:f2141a216014cd32d1d01ba2323ac8cf103da7bf85b76e8d208991dd55d55bcd';
const API = 'sha256:75a62bd2938f56245aadcd3001743edfae387a39577b51d8d32c888c86efe593';
const NOW = new Date('2026-01-01T00:00:00Z');

function reports(): VulnReport[] {
  const r = loadReports([join(DIR, 'reports')]);
  assert.deepEqual(r.errors, []);
  return r.reports;
}
const byFile = (name: string) => reports().find((r) => r.file.endsWith(name)) as VulnReport;
const policy = (p: Partial<VulnerabilityPolicy> = {}) => withDefaults({ vulnerabilities: p }).vulnerabilities as VulnerabilityPolicy;
const image = (s: string) => parseReference(s) ?? assert.fail(`bad reference ${s}`);
const NO_VEX = new VexIndex([]);

describe('Trivy reports', () => {
  it('reads the image, the time and every vulnerability with package, versions, fix and severity', () => {
    const r = byFile('trivy-web.json');
    assert.equal(r.format, 'trivy');
    assert.deepEqual(r.digests, [{ name: 'ghcr.io/acme/web', digest: WEB }]);
    assert.deepEqual(r.tags, [{ name: 'ghcr.io/acme/web', tag: '1.4.2' }]);
    assert.equal(r.createdAt?.toISOString(), '2025-11-20T09:14:03.512Z');
    assert.equal(r.vulnerabilities.length, 6, 'the secret result carries no vulnerabilities');
    const expat = r.vulnerabilities.find((v) => v.id === 'CVE-2024-45492');
    assert.deepEqual(expat, {
      id: 'CVE-2024-45492',
      aliases: [],
      pkg: 'libexpat1',
      purl: 'pkg:deb/debian/libexpat1@2.5.0-1?arch=amd64&distro=debian-12.7',
      installed: '2.5.0-1',
      fixedVersions: ['2.5.0-1+deb12u1'],
      fixed: true,
      severity: 'critical',
      confidence: 'exact',
      url: 'https://avd.aquasec.com/nvd/cve-2024-45492',
    });
    const zlib = r.vulnerabilities.find((v) => v.id === 'CVE-2023-45853');
    assert.equal(zlib?.fixed, false, 'will_not_fix with no FixedVersion has no fix');
  });

  it('takes the image from the tag when the report names no digest (a scanned tarball)', () => {
    const r = byFile('trivy-worker-local.json');
    assert.deepEqual(r.digests, []);
    assert.deepEqual(r.tags, [{ name: 'ghcr.io/acme/worker', tag: '3.1' }]);
  });
});

describe('Grype reports', () => {
  it('reads source.target, descriptor.timestamp, fix states, related ids and cpe-only matches', () => {
    const r = byFile('grype-api.json');
    assert.equal(r.format, 'grype');
    assert.deepEqual(r.digests, [{ name: 'ghcr.io/acme/api', digest: API }]);
    assert.deepEqual(r.tags, [{ name: 'ghcr.io/acme/api', tag: '2.0.0' }]);
    assert.equal(r.createdAt?.toISOString(), '2025-11-21T09:02:44.918Z');
    const ghsa = r.vulnerabilities.find((v) => v.id === 'GHSA-4374-p667-p6c8');
    assert.deepEqual(ghsa?.aliases, ['CVE-2023-39325']);
    assert.equal(ghsa?.fixed, true);
    assert.equal(r.vulnerabilities.find((v) => v.id === 'CVE-2022-48174')?.confidence, 'cpe');
    assert.equal(r.vulnerabilities.find((v) => v.id === 'CVE-2023-4039')?.fixed, false, 'wont-fix');
  });
});

describe('malformed reports', () => {
  it('each is an error at its line and column, never a crash, and never a report', () => {
    const r = loadReports([join(DIR, 'malformed')]);
    assert.equal(r.reports.length, 0);
    const got = r.errors.map((e) => `${e.file.slice(DIR.length)}:${e.line}:${e.column} ${e.message}`);
    assert.deepEqual(got, [
      'malformed/grype-directory-source.json:3:15 invalid vulnerability report: source.type "directory" is not an image report',
      'malformed/grype-no-artifact.json:3:5 invalid vulnerability report: artifact is missing',
      'malformed/legacy-array.json:1:1 invalid vulnerability report: a vulnerability report is a JSON object (Trivy -f json or Grype -o json)',
      'malformed/trailing-comma.json:5:1 not valid JSON: Expected double-quoted property name',
      'malformed/trivy-bad-digest.json:6:21 invalid vulnerability report: "ghcr.io/acme/web@sha256:abc" is not an image digest (repo@sha256:<64 hex>)',
      'malformed/trivy-bad-severity.json:11:103 invalid vulnerability report: Severity "SEVERE" is not one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN',
      'malformed/trivy-schema-1.json:2:3 invalid vulnerability report: SchemaVersion 1 is not supported (Trivy JSON SchemaVersion 2 is)',
      'malformed/truncated.json:1:145 not valid JSON: Unterminated string',
    ]);
  });

  it('an OpenVEX document among reports is pointed at the vex setting', () => {
    const r = parseReport(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] }), 'x.json');
    assert.ok('error' in r && /list it under vulnerabilities.vex/.test(r.error.message));
  });

  it('a missing path and an empty directory are reported', () => {
    const empty = mkdtempSync(join(tmpdir(), 'kh-reports-'));
    const r = loadReports([join(empty, 'nope'), empty]);
    assert.match(r.errors[0].message, /cannot read vulnerability reports: ENOENT/);
    assert.deepEqual(r.warnings, [`${empty}: no vulnerability reports (*.json) found`]);
  });
});

describe('matching reports to images', () => {
  const index = new ReportIndex(reports());

  it('by digest, whatever the tag or repository name in the reference', () => {
    const m = index.find(image(`mirror.example.com/acme/web:whatever@${WEB}`), WEB);
    assert.equal(m.report?.file.endsWith('trivy-web.json'), true);
    assert.equal('by' in m && m.by, 'digest');
  });

  it('by the digest of a platform manifest of a multi-arch index', () => {
    const index2 = 'sha256:' + 'e'.repeat(64);
    const m = index.find(image(`ghcr.io/acme/web@${index2}`), index2, [WEB]);
    assert.equal(m.report?.file.endsWith('trivy-web.json'), true);
  });

  it('by tag only when the image has no digest', () => {
    const m = index.find(image('ghcr.io/acme/worker:3.1'), undefined);
    assert.equal('by' in m && m.by, 'tag');
  });

  it('not by tag when the image pins another digest than the report names (the tag moved)', () => {
    const other = 'sha256:' + 'd'.repeat(64);
    const m = index.find(image(`ghcr.io/acme/web:1.4.1@${other}`), other);
    assert.equal(m.report, undefined);
    assert.equal('otherDigest' in m && m.otherDigest?.digests[0].digest, OLD);
  });

  it('the newest of several reports of one digest', () => {
    const a = { ...byFile('trivy-web.json'), file: 'a.json', createdAt: new Date('2025-01-01') };
    const b = { ...byFile('trivy-web.json'), file: 'b.json', createdAt: new Date('2025-06-01') };
    assert.equal(new ReportIndex([b, a]).find(image(`ghcr.io/acme/web@${WEB}`), WEB).report?.file, 'b.json');
    assert.equal(new ReportIndex([a, b]).find(image(`ghcr.io/acme/web@${WEB}`), WEB).report?.file, 'b.json');
  });
});

describe('the vulnerability policy', () => {
  const web = byFile('trivy-web.json');
  const api = byFile('grype-api.json');
  const webImage = image(`ghcr.io/acme/web@${WEB}`);
  const apiImage = image(`ghcr.io/acme/api@${API}`);

  it('counts by severity and lists violations worst first (fixable before unfixable)', () => {
    const e = evaluateReport(web, webImage, WEB, policy({ failOn: 'high' }), NO_VEX, NOW);
    assert.equal(formatCounts(e.counts), '2 critical, 2 high, 1 medium, 1 low');
    assert.deepEqual(e.violations.map((v) => v.id), ['CVE-2024-45492', 'CVE-2023-45853', 'CVE-2021-23337', 'CVE-2023-5363']);
  });

  it('onlyFixed leaves out vulnerabilities without a fix', () => {
    const e = evaluateReport(web, webImage, WEB, policy({ failOn: 'critical', onlyFixed: true }), NO_VEX, NOW);
    assert.deepEqual(e.violations.map((v) => v.id), ['CVE-2024-45492']);
  });

  it('cpe-only matches count one severity lower by default, or not at all, or in full', () => {
    const ids = (cpeMatches: 'lower' | 'ignore' | 'full') => evaluateReport(api, apiImage, API, policy({ failOn: 'critical', cpeMatches }), NO_VEX, NOW).violations.map((v) => `${v.id}:${v.effective}`);
    assert.deepEqual(ids('lower'), ['CVE-2024-45490:critical']);
    assert.deepEqual(ids('full'), ['CVE-2022-48174:critical', 'CVE-2024-45490:critical']);
    assert.deepEqual(ids('ignore'), ['CVE-2024-45490:critical']);
    const counts = evaluateReport(api, apiImage, API, policy({ cpeMatches: 'lower' }), NO_VEX, NOW).counts;
    assert.equal(counts.high, 2, 'the lowered busybox CVE counts as high');
  });

  it('an ignore entry applies by id or alias, image and package, until it expires, and is then reported', () => {
    const entry = { id: 'CVE-2023-39325', images: ['ghcr.io/acme/**'], packages: ['golang.org/x/net'], reason: 'HTTP/2 is off', expires: '2026-06-01' };
    const live = evaluateReport(api, apiImage, API, policy({ failOn: 'high', ignore: [entry] }), NO_VEX, NOW);
    assert.equal(live.ignored, 1);
    assert.ok(!live.violations.some((v) => v.id === 'GHSA-4374-p667-p6c8'), 'matched through the GHSA alias');
    const later = evaluateReport(api, apiImage, API, policy({ failOn: 'high', ignore: [entry] }), NO_VEX, new Date('2026-06-02'));
    assert.ok(later.violations.some((v) => v.id === 'GHSA-4374-p667-p6c8'));
    assert.deepEqual(later.expired, ['ignore entry CVE-2023-39325 (HTTP/2 is off) expired on 2026-06-01 and no longer applies']);
    const otherImage = evaluateReport(api, image(`docker.io/library/api@${API}`), API, policy({ failOn: 'high', ignore: [entry] }), NO_VEX, NOW);
    assert.equal(otherImage.ignored, 0, 'the entry is limited to ghcr.io/acme images');
  });
});

describe('OpenVEX', () => {
  const web = byFile('trivy-web.json');
  const webImage = image(`ghcr.io/acme/web@${WEB}`);

  it('not_affected for the digest and subcomponent sets the vulnerability aside; under_investigation does not', () => {
    const { statements, errors } = loadVex(join(DIR, 'vex/web.openvex.json'), '2026-06-01', 0);
    assert.deepEqual(errors, []);
    const e = evaluateReport(web, webImage, WEB, policy({ failOn: 'critical' }), new VexIndex(statements), NOW);
    assert.equal(e.vexed, 1);
    assert.deepEqual(e.violations.map((v) => v.id), ['CVE-2024-45492']);
    const other = 'sha256:' + '0'.repeat(64);
    const elsewhere = evaluateReport({ ...web, digests: [] }, image(`ghcr.io/acme/web@${other}`), other, policy({ failOn: 'critical' }), new VexIndex(statements), NOW);
    assert.equal(elsewhere.vexed, 0, 'the statement names one digest');
  });

  it('an expired document stops applying and is reported', () => {
    const { statements } = loadVex(join(DIR, 'vex/web.openvex.json'), '2025-12-01', 0);
    const e = evaluateReport(web, webImage, WEB, policy({ failOn: 'critical' }), new VexIndex(statements), NOW);
    assert.equal(e.vexed, 0);
    assert.ok(e.expired.some((m) => /VEX document .*web\.openvex\.json expired on 2025-12-01: its statement on CVE-2023-45853 no longer applies/.test(m)), e.expired.join('\n'));
  });

  it('a later affected statement takes an earlier not_affected back; a not_affected without a reason is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-vex-'));
    const file = join(dir, 'v.json');
    writeFileSync(
      file,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        timestamp: '2025-11-01T00:00:00Z',
        statements: [
          { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'ghcr.io/acme/web' }], status: 'affected', timestamp: '2025-11-10T00:00:00Z', action_statement: 'upgrade' },
          { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'ghcr.io/acme/web' }], status: 'not_affected', justification: 'component_not_present', timestamp: '2025-11-05T00:00:00Z' },
          { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'ghcr.io/acme/web' }], status: 'not_affected' },
          { vulnerability: 'CVE-2011-3374', products: ['ghcr.io/acme/web'], status: 'fixed' },
        ],
      }),
    );
    const { statements, errors } = loadVex(file, '2027-01-01', 0);
    assert.deepEqual(errors.map((e) => e.message), ['statements[2]: a not_affected statement needs a justification or an impact_statement; statement ignored']);
    const e = evaluateReport(web, webImage, WEB, policy({ failOn: 'low' }), new VexIndex(statements), NOW);
    assert.ok(e.violations.some((v) => v.id === 'CVE-2023-5363'), 'the later affected statement wins');
    assert.ok(e.violations.some((v) => v.id === 'CVE-2021-23337'), 'the refused statement sets nothing aside');
    assert.ok(!e.violations.some((v) => v.id === 'CVE-2011-3374'), 'a v0.0.x fixed statement applies');
  });
});
