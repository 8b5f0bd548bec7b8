import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compilePolicy, DEFAULT_POLICY, defaultPolicy, loadPolicy, PolicyError, resolveClusterScoped, resolveNamespace, weakerProfile } from './policy.js';

test('the default policy: PSS restricted latest, deny high, warn medium, everywhere but kube-system and the webhook namespace', () => {
  const p = defaultPolicy({ webhookNamespace: 'kubeharden-system' });
  const r = resolveNamespace(p, 'anything', undefined);
  assert.equal(r.enforce?.name, 'default');
  assert.deepEqual(r.enforce?.pss, { level: 'restricted', version: 'latest' });
  assert.equal(r.enforce?.failOn, 'high');
  assert.equal(r.enforce?.warnOn, 'medium');
  assert.equal(r.warn, undefined);
  assert.deepEqual(p.exemptions.namespaces, ['kube-system', 'kubeharden-system']);
  assert.equal(resolveClusterScoped(p).enforce?.name, 'default');
  assert.equal(p.annotationExemptions, true);
  assert.ok(p.exemptions.usernames.includes('system:apiserver'));
});

test('schema errors name the field', () => {
  const bad: [unknown, RegExp][] = [
    [{ profiles: {} }, /profiles: define at least one profile/],
    [{ profiles: { p: { failOn: 'severe' } } }, /profiles\.p\.failOn/],
    [{ profiles: { p: {} }, rules: [{ enforce: 'q' }] }, /rules\.0\.enforce: unknown profile "q" \(defined: p\)/],
    [{ profiles: { p: {} }, rules: [{ enforce: 'p', mode: 'x' }] }, /rules\.0: Unrecognized key/],
    [{ profiles: { p: {} }, rules: [{ namespaces: { selector: { matchExpressions: [{ key: 'a', operator: 'Like' }] } } }] }, /rules\.0\.namespaces\.selector\.matchExpressions\.0\.operator/],
    [{ profiles: { 'Bad Name': {} } }, /profiles\.Bad Name/],
    [{ profiles: { p: { pss: 'strict' } } }, /profiles\.p\.pss/],
    [{ profiles: { p: {} }, clusterScoped: { audit: 'nope' } }, /clusterScoped\.audit: unknown profile/],
    [{ apiVersion: 'v2', profiles: { p: {} } }, /apiVersion/],
    [{ profiles: { p: { checks: { only: ['not an id!'] } } } }, /profiles\.p\.checks\.only\.0/],
  ];
  for (const [raw, re] of bad) {
    assert.throws(() => compilePolicy(raw, { source: 'p.yaml' }), (e: unknown) => e instanceof PolicyError && re.test(e.message) && e.message.startsWith('p.yaml: invalid admission policy'), JSON.stringify(raw));
  }
});

test('first matching rule wins; names are globs; selectors need labels', () => {
  const p = compilePolicy({
    profiles: { a: {}, b: {}, c: {} },
    rules: [
      { name: 'prod', namespaces: { names: ['prod-*'], selector: { matchLabels: { tier: 'web' } } }, enforce: 'a' },
      { name: 'prod-any', namespaces: { names: ['prod-*'] }, warn: 'b' },
      { name: 'rest', audit: 'c', mutate: true, onUpdate: 'new-violations' },
    ],
  });
  assert.equal(resolveNamespace(p, 'prod-1', { tier: 'web' }).rule, 'prod');
  assert.equal(resolveNamespace(p, 'prod-1', { tier: 'db' }).rule, 'prod-any');
  assert.equal(resolveNamespace(p, 'prod-1', undefined).rule, 'prod-any');
  const rest = resolveNamespace(p, 'dev', {});
  assert.equal(rest.rule, 'rest');
  assert.equal(rest.mutate, true);
  assert.equal(rest.onUpdate, 'new-violations');
  assert.equal(rest.audit?.name, 'c');
});

test('kubeharden.io/<mode> labels pick profiles; kubeharden.io/mutate opts in', () => {
  const p = compilePolicy({ profiles: { a: {}, b: {} }, rules: [{ enforce: 'a' }] });
  const r = resolveNamespace(p, 'x', { 'kubeharden.io/enforce': 'b', 'kubeharden.io/audit': 'a', 'kubeharden.io/mutate': 'true' });
  assert.equal(r.enforce?.name, 'b');
  assert.equal(r.audit?.name, 'a');
  assert.equal(r.mutate, true);
  const u = resolveNamespace(p, 'x', { 'kubeharden.io/warn': 'zzz' });
  assert.equal(u.warn, undefined);
  assert.match(u.notes[0], /label kubeharden\.io\/warn="zzz" names no profile/);
});

test('weaker profile: lower PSS level, higher deny line, or fewer checks', () => {
  const p = compilePolicy({
    profiles: {
      strict: { pss: 'restricted', failOn: 'medium' },
      baseline: { pss: 'baseline', failOn: 'medium' },
      late: { pss: 'restricted', failOn: 'critical' },
      fewer: { pss: 'restricted', failOn: 'medium', checks: { disable: ['CTR-PRIVILEGED'] } },
      never: { pss: 'restricted', failOn: 'none' },
    },
  });
  const g = (n: string) => p.profiles.get(n);
  assert.equal(weakerProfile(g('baseline'), g('strict')), true);
  assert.equal(weakerProfile(g('late'), g('strict')), true);
  assert.equal(weakerProfile(g('fewer'), g('strict')), true);
  assert.equal(weakerProfile(g('never'), g('late')), true);
  assert.equal(weakerProfile(undefined, g('strict')), true);
  assert.equal(weakerProfile(g('strict'), g('baseline')), false);
  assert.equal(weakerProfile(g('strict'), undefined), false);
  assert.equal(weakerProfile(g('strict'), g('strict')), false);
});

test('configFile shares one .kubeharden.yaml between CI and admission; the policy file is YAML', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-policy-'));
  writeFileSync(join(dir, '.kubeharden.yaml'), 'failOn: critical\npss: baseline\nchecks:\n  disable: [IMG-TAG]\n');
  writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: kubeharden.io/v1alpha1\nkind: AdmissionPolicy\nprofiles:\n  ci:\n    configFile: .kubeharden.yaml\n    warnOn: low\nrules:\n  - enforce: ci\n');
  const p = loadPolicy(join(dir, 'policy.yaml'));
  const ci = p.profiles.get('ci');
  assert.equal(ci?.failOn, 'critical');
  assert.equal(ci?.warnOn, 'low');
  assert.deepEqual(ci?.pss, { level: 'baseline', version: 'latest' });
  assert.equal(ci?.checkIds.has('IMG-TAG'), false);
  writeFileSync(join(dir, 'broken.yaml'), 'profiles: [');
  assert.throws(() => loadPolicy(join(dir, 'broken.yaml')), PolicyError);
  writeFileSync(join(dir, 'missing.yaml'), 'profiles:\n  p:\n    configFile: nope.yaml\n');
  assert.throws(() => loadPolicy(join(dir, 'missing.yaml')), /profiles\.p\.configFile/);
});

test('the default policy document validates as a policy file would', () => {
  assert.doesNotThrow(() => compilePolicy(structuredClone(DEFAULT_POLICY)));
});
