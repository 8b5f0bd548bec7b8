/**
 * Ids and settings given on the command line, in the config file and in a webhook policy are
 * validated once, at the edge, against the registry: a misspelt id or setting is a usage error
 * (exit 2) with a did-you-mean, never a scan that quietly runs fewer checks (#13).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliBatch } from './helpers.js';
import { compilePolicy, PolicyError } from '../../src/admission/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'kh-edge-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const POD = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers: [{name: c, image: nginx}]\n');

describe('command line and config file', () => {
  const [checks, disable, severity, set, good] = cliBatch(
    ['scan', POD, '--checks', 'FOO-BAR'],
    ['scan', POD, '-c', file('disable.yaml', 'checks:\n  disable: [IMG-DIGES]\n')],
    ['scan', POD, '-c', file('severity.yaml', 'checks:\n  severity: {IMG-TAGG: high}\n')],
    ['scan', POD, '--set', 'allowedRegistry=x'],
    ['scan', POD, '--checks', 'img-tag', '--fail-on', 'none', '-o', 'json'],
  );

  test('--checks FOO-BAR: exit 2 and no report', () => {
    assert.equal(checks.code, 2);
    assert.equal(checks.stdout, '');
    assert.match(checks.stderr, /--checks: unknown check "FOO-BAR"/);
  });

  test('config disable and severity keys: exit 2 naming the file and the key, with a suggestion', () => {
    assert.equal(disable.code, 2);
    assert.match(disable.stderr, /disable\.yaml: checks\.disable: unknown check "IMG-DIGES" \(did you mean "IMG-DIGEST"\?\)/);
    assert.equal(severity.code, 2);
    assert.match(severity.stderr, /severity\.yaml: checks\.severity: unknown check "IMG-TAGG" \(did you mean "IMG-TAG"\?\)/);
  });

  test('--set with an unknown setting: exit 2, with the known settings', () => {
    assert.equal(set.code, 2);
    assert.match(set.stderr, /--set: unknown setting "allowedRegistry" \(did you mean "allowedRegistries"\?\)/);
  });

  test('a known id in any case still selects its check', () => {
    assert.equal(good.code, 0, good.stderr);
    const report = JSON.parse(good.stdout) as { findings: Array<{ check: string }> };
    assert.deepEqual([...new Set(report.findings.map((f) => f.check))], ['IMG-TAG']);
  });
});

describe('webhook policy', () => {
  test('unknown ids in a profile and in mutation.checks are errors with a suggestion', () => {
    assert.throws(() => compilePolicy({ profiles: { p: { checks: { disable: ['CTR-PRIVILEGD'] } } } }), (e: Error) => e instanceof PolicyError && /profiles\.p: checks\.disable: unknown check "CTR-PRIVILEGD" \(did you mean "CTR-PRIVILEGED"\?\)/.test(e.message));
    assert.throws(() => compilePolicy({ profiles: { p: {} }, mutation: { checks: ['CTR-PRIV-ES'] } }), (e: Error) => e instanceof PolicyError && /mutation\.checks\.0: unknown check "CTR-PRIV-ES" \(did you mean "CTR-PRIV-ESC"\?\)/.test(e.message));
    assert.throws(() => compilePolicy({ profiles: { p: { settings: { allowedRegistry: ['x'] } } } }), (e: Error) => e instanceof PolicyError && /profiles\.p: settings: unknown setting "allowedRegistry"/.test(e.message));
  });

  test('a profile shared with CI may name checks admission does not run', () => {
    assert.doesNotThrow(() => compilePolicy({ profiles: { p: { checks: { disable: ['NET-NO-NETPOL', 'PSS-NAMESPACE-NO-ENFORCE'] } } } }));
  });
});

describe('Pod Security level and version', () => {
  const [flag, config, both] = cliBatch(
    ['scan', POD, '--pss', 'baseline:v1.99'],
    ['scan', POD, '-c', file('pss.yaml', 'pss: restricted:v1.99\n')],
    ['scan', POD, '--checks', 'IMG-TAG', '--pss', 'restricted', '--fail-on', 'none', '-o', 'json'],
  );

  test('a version outside the supported range is refused with the range, by the flag and the config file alike', () => {
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--pss: unsupported Pod Security version "v1\.99" in "baseline:v1\.99": the supported versions are v1\.0 to v1\.\d+, or latest/);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /pss\.yaml: invalid configuration\n {2}pss: unsupported Pod Security version "v1\.99"/);
    assert.throws(() => compilePolicy({ profiles: { p: { pss: 'baseline:v1.99' } } }), (e: Error) => e instanceof PolicyError && /profiles\.p\.pss: unsupported Pod Security version "v1\.99"/.test(e.message));
  });

  test('--checks with --pss: the Pod Security checks join the named ones, and a note says so', () => {
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stderr, /note: --pss restricted:latest adds the \d+ Pod Security Standards checks \(PSS-\*\) to the checks --checks names/);
    const checks = new Set((JSON.parse(both.stdout) as { findings: Array<{ check: string }> }).findings.map((f) => f.check));
    assert.ok(checks.has('IMG-TAG'));
    assert.ok([...checks].some((c) => c.startsWith('PSS-')), [...checks].join(', '));
  });
});

describe('Pod Security check ids in the case style of the other ids; former ids still work, with a warning', () => {
  const ANNOTATED = file('annotated.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  annotations: {ignore.kubeharden.io/PSS-runAsNonRoot: "image runs as its own user"}\nspec:\n  containers: [{name: c, image: "nginx:1.25"}]\n');
  const [old, annotated] = cliBatch(
    ['scan', POD, '--checks', 'PSS-privileged,PSS-allowPrivilegeEscalation', '--pss', 'restricted', '--fail-on', 'none', '-o', 'json'],
    ['scan', ANNOTATED, '--pss', 'restricted', '--fail-on', 'none', '-o', 'json'],
  );

  test('--checks with a former id selects the renamed check and warns', () => {
    assert.equal(old.code, 0, old.stderr);
    const report = JSON.parse(old.stdout) as { findings: Array<{ check: string }>; warnings: string[] };
    assert.ok(report.findings.some((f) => f.check === 'PSS-ALLOW-PRIVILEGE-ESCALATION'));
    assert.ok(report.findings.every((f) => /^PSS-[A-Z0-9-]+$/.test(f.check)), report.findings.map((f) => f.check).join(', '));
    assert.ok(report.warnings.includes('--checks: check id PSS-allowPrivilegeEscalation is deprecated, use PSS-ALLOW-PRIVILEGE-ESCALATION'), report.warnings.join('\n'));
  });

  test('an annotation with a former id still exempts, and says which id to write', () => {
    const report = JSON.parse(annotated.stdout) as { findings: Array<{ check: string; suppressed?: unknown }>; warnings: string[] };
    assert.ok(report.findings.find((f) => f.check === 'PSS-RUN-AS-NON-ROOT')?.suppressed);
    assert.ok(!report.findings.some((f) => f.check === 'META-IGNORE-UNKNOWN'));
    assert.ok(report.warnings.includes('annotation ignore.kubeharden.io/PSS-runAsNonRoot uses a deprecated check id, use ignore.kubeharden.io/PSS-RUN-AS-NON-ROOT'), report.warnings.join('\n'));
  });

  test('config severity and webhook policies accept former ids too', () => {
    assert.doesNotThrow(() => compilePolicy({ profiles: { p: { pss: 'restricted', checks: { severity: { 'PSS-capabilities_restricted': 'high' } } } } }));
    const p = compilePolicy({ profiles: { p: { pss: 'restricted', checks: { severity: { 'PSS-capabilities_restricted': 'high' } } } } });
    assert.equal(p.profiles.get('p')?.run.checks.find((c) => c.meta.id === 'PSS-CAPABILITIES-RESTRICTED')?.meta.severity, 'high');
    assert.deepEqual(p.warnings, ['profiles.p: checks.severity: check id PSS-capabilities_restricted is deprecated, use PSS-CAPABILITIES-RESTRICTED']);
  });
});

describe('explain: other tools\' ids, former ids, suggestions', () => {
  const [ksv, checkov, former, typo, unknown] = cliBatch(['explain', 'KSV001'], ['explain', 'ckv_k8s_22'], ['explain', 'PSS-privileged'], ['explain', 'IMG-TAGG'], ['explain', 'NOPE-NOPE-NOPE']);

  test('a peer id that explain itself prints is accepted and shows the mapped checks', () => {
    assert.equal(ksv.code, 0, ksv.stderr);
    assert.match(ksv.stdout, /^KSV001 \(Trivy\) corresponds to 2 kubeharden checks:\n {2}CTR-PRIV-ESC +high/);
    assert.match(ksv.stdout, /PSS-ALLOW-PRIVILEGE-ESCALATION/);
    assert.equal(checkov.code, 0, checkov.stderr);
    assert.match(checkov.stdout, /^ckv_k8s_22 \(Checkov\) corresponds to CTR-RO-ROOTFS\.\n\nCTR-RO-ROOTFS: /);
  });

  test('a former id explains the renamed check with a warning; unknown ids suggest', () => {
    assert.equal(former.code, 0);
    assert.match(former.stdout, /^PSS-PRIVILEGED: /);
    assert.match(former.stderr, /warning: PSS-privileged is a former id, use PSS-PRIVILEGED/);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown check "IMG-TAGG" \(did you mean "IMG-TAG"\?\)/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown check "NOPE-NOPE-NOPE": see kubeharden checks \(other tools' ids such as KSV001 or CKV_K8S_20 work too\)/);
  });
});
