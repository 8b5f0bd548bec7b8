/**
 * A run is validated once, when it is prepared: unknown check ids and settings are errors with a
 * suggestion (they used to switch checks off or be ignored silently), and values parse to types.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_CHECKS } from '../checks/registry.js';
import { configSchema } from './config.js';
import { RunSpecError } from './errors.js';
import { prepareRun } from './run.js';
import { SettingError } from './settings.js';

const config = (c: unknown) => configSchema.parse(c);
const refused = (spec: Omit<Parameters<typeof prepareRun>[0], 'checks'>, message: RegExp) =>
  assert.throws(() => prepareRun({ checks: ALL_CHECKS, ...spec }), (e: Error) => e instanceof RunSpecError && message.test(e.message), String(message));

describe('prepareRun: check ids', () => {
  test('--checks with an unknown id is an error with a did-you-mean, not a scan with no checks', () => {
    refused({ only: ['FOO-BAR'] }, /^--checks: unknown check "FOO-BAR" \(see kubeharden checks\)$/);
    refused({ only: ['IMG-TAGG'] }, /^--checks: unknown check "IMG-TAGG" \(did you mean "IMG-TAG"\?\)/);
  });

  test('config enable, disable, only and severity keys are validated', () => {
    refused({ config: config({ checks: { disable: ['IMG-DIGES'] } }), configOrigin: '.kubeharden.yaml' }, /^\.kubeharden\.yaml: checks\.disable: unknown check "IMG-DIGES" \(did you mean "IMG-DIGEST"\?\)/);
    refused({ config: config({ checks: { enable: ['CTR-CAPS-RESTRICTD'] } }) }, /checks\.enable: unknown check "CTR-CAPS-RESTRICTD" \(did you mean "CTR-CAPS-RESTRICTED"\?\)/);
    refused({ config: config({ checks: { only: ['NOPE'] } }) }, /checks\.only: unknown check "NOPE"/);
    refused({ config: config({ checks: { severity: { 'IMG-TAGG': 'high' } } }) }, /checks\.severity: unknown check "IMG-TAGG" \(did you mean "IMG-TAG"\?\)/);
  });

  test('exemption check ids are validated; a glob must match a check', () => {
    refused({ config: config({ exemptions: [{ checks: ['IMG-TAGX'], reason: 'r' }] }) }, /exemptions\[0\]\.checks: unknown check "IMG-TAGX"/);
    refused({ config: config({ exemptions: [{ checks: ['ZZZ-*'], reason: 'r' }] }) }, /exemptions\[0\]\.checks: "ZZZ-\*" matches no check/);
    const run = prepareRun({ checks: ALL_CHECKS, config: config({ exemptions: [{ checks: ['img-tag', 'CTR-*', '*'], reason: 'r' }] }) });
    assert.deepEqual(run.exemptions[0].checks, ['IMG-TAG', 'CTR-*', '*']);
  });

  test('ids match without case, and valid ids select and re-grade as before', () => {
    const run = prepareRun({ checks: ALL_CHECKS, config: config({ checks: { disable: ['ctr-ro-rootfs'], severity: { 'img-tag': 'critical' } } }) });
    assert.ok(!run.checks.some((c) => c.meta.id === 'CTR-RO-ROOTFS'));
    assert.equal(run.checks.find((c) => c.meta.id === 'IMG-TAG')?.meta.severity, 'critical');
  });

  test('--checks naming a check the command does not run is an error; a config naming it is not', () => {
    const manifestChecks = ALL_CHECKS.filter((c) => c.scope !== 'change');
    assert.throws(() => prepareRun({ checks: manifestChecks, catalog: ALL_CHECKS, only: ['ADM-NS-WEAKEN'] }), /--checks: check ADM-NS-WEAKEN does not run here/);
    assert.doesNotThrow(() => prepareRun({ checks: manifestChecks, catalog: ALL_CHECKS, config: config({ checks: { disable: ['ADM-NS-WEAKEN'] } }) }));
  });
});

describe('prepareRun: settings', () => {
  test('an unknown setting is an error naming its source, with a did-you-mean and the known settings', () => {
    assert.throws(
      () => prepareRun({ checks: ALL_CHECKS, settings: { allowedRegistry: 'x' }, settingsOrigin: '--set' }),
      (e: Error) => e instanceof SettingError && /^--set: unknown setting "allowedRegistry" \(did you mean "allowedRegistries"\?\) \(settings: allowedRegistries, deniedRegistries, images, k8sVersion, pss\)$/.test(e.message),
    );
    assert.throws(() => prepareRun({ checks: ALL_CHECKS, config: config({ settings: { k8sversion: 'v1.30' } }), configOrigin: 'kh.yaml' }), /kh\.yaml: settings: unknown setting "k8sversion" \(did you mean "k8sVersion"\?\)/);
  });

  test('values are parsed once into typed values, with a message for the wrong type', () => {
    const run = prepareRun({ checks: ALL_CHECKS, settings: { allowedRegistries: 'ghcr.io/acme, registry.acme.io', pss: 'baseline:v1.25', k8sVersion: '1.29' } });
    assert.deepEqual(run.settings.allowedRegistries, ['ghcr.io/acme', 'registry.acme.io']);
    assert.deepEqual(run.settings.pss, { level: 'baseline', version: { major: 1, minor: 25 } });
    assert.deepEqual(run.settings.k8sVersion, { major: 1, minor: 29 });
    assert.throws(() => prepareRun({ checks: ALL_CHECKS, settings: { allowedRegistries: [1] } }), /setting allowedRegistries must list strings only \(got 1\)/);
    assert.throws(() => prepareRun({ checks: ALL_CHECKS, settings: { pss: 'strict' } }), /setting pss is "strict": invalid Pod Security level/);
  });

  test('a setting is known when any registered check declares it, even one the run does not select', () => {
    assert.doesNotThrow(() => prepareRun({ checks: ALL_CHECKS, only: ['CTR-PRIVILEGED'], settings: { allowedRegistries: 'ghcr.io' } }));
  });
});
