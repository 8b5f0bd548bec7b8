import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveMinor, formatPssLevelVersion, LATEST_MINOR, namespacePolicy, parsePssLevelVersion, parsePssVersion } from './index.js';
import { goQuote } from './util.js';

test('parsePssLevelVersion: level, optional :vX.Y or :latest', () => {
  assert.deepEqual(parsePssLevelVersion('restricted'), { level: 'restricted', version: 'latest' });
  assert.deepEqual(parsePssLevelVersion('baseline:v1.30'), { level: 'baseline', version: { major: 1, minor: 30 } });
  assert.deepEqual(parsePssLevelVersion('restricted:latest'), { level: 'restricted', version: 'latest' });
  assert.deepEqual(parsePssLevelVersion('privileged:v1.0'), { level: 'privileged', version: { major: 1, minor: 0 } });
  assert.deepEqual(parsePssLevelVersion('baseline:1.25'), { level: 'baseline', version: { major: 1, minor: 25 } });
  for (const bad of ['', 'strict', 'Restricted', 'restricted:v2.0', 'restricted:v1.', 'restricted:v1.01', 'restricted:newest', 'baseline:v1.30:x']) {
    assert.throws(() => parsePssLevelVersion(bad), /invalid Pod Security/, bad);
  }
});

test('parsePssLevelVersion: a version newer than the evaluator knows is refused with the supported range (it would read as latest)', () => {
  assert.deepEqual(parsePssLevelVersion(`restricted:v1.${LATEST_MINOR}`), { level: 'restricted', version: { major: 1, minor: LATEST_MINOR } });
  assert.throws(() => parsePssLevelVersion('baseline:v1.99'), /unsupported Pod Security version "v1\.99" in "baseline:v1\.99": the supported versions are v1\.0 to v1\.37, or latest/);
});

test('versions newer than the newest known evaluate as latest; formatting keeps what was asked', () => {
  assert.equal(LATEST_MINOR, 37);
  assert.equal(effectiveMinor('latest'), 37);
  assert.equal(effectiveMinor({ major: 1, minor: 12 }), 12);
  assert.equal(effectiveMinor({ major: 1, minor: 99 }), 37);
  assert.equal(formatPssLevelVersion('restricted', { major: 1, minor: 99 }), 'restricted:v1.99');
  assert.equal(formatPssLevelVersion('baseline', 'latest'), 'baseline:latest');
  assert.equal(parsePssVersion('v1.x'), undefined);
});

test('namespacePolicy follows PSA: defaults, invalid values fail closed, warn defaults to a stricter enforce', () => {
  const none = namespacePolicy({});
  assert.equal(none.labelled, false);
  assert.deepEqual([none.enforce.level, none.audit.level, none.warn.level], ['privileged', 'privileged', 'privileged']);

  const p = namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29', 'pod-security.kubernetes.io/audit': 'restricted' });
  assert.deepEqual(p.enforce, { level: 'baseline', version: { major: 1, minor: 29 }, levelLabel: true });
  assert.deepEqual(p.audit, { level: 'restricted', version: 'latest', levelLabel: true });
  assert.deepEqual(p.warn, { level: 'baseline', version: { major: 1, minor: 29 }, levelLabel: false }, 'warn defaults to enforce');
  assert.deepEqual(p.errors, []);

  const w = namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.25' });
  assert.deepEqual(w.warn, { level: 'restricted', version: { major: 1, minor: 25 }, levelLabel: false });

  const explicitWarn = namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline' });
  assert.equal(explicitWarn.warn.level, 'baseline');

  const bad = namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/enforce-version': '1.30' });
  assert.equal(bad.enforce.level, 'restricted');
  assert.equal(bad.enforce.version, 'latest');
  assert.equal(bad.warn.level, 'privileged', 'an invalid enforce level does not default warn');
  assert.equal(bad.errors.length, 2);
});

test("goQuote matches Go's %q", () => {
  assert.equal(goQuote('unconfined'), '"unconfined"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
  assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
  assert.equal(goQuote('é ü 日本'), '"é ü 日本"');
  assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
});
