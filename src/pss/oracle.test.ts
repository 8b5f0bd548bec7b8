/**
 * Oracle: every fixture of the official Pod Security Admission test data (../shared/oracles/psa,
 * 4,537 pods, baseline and restricted, v1.0–v1.37) must get PSA's verdict; for a denied pod the
 * fixture's check must be among the failing checks (or replaced by the restricted check that
 * overrides it at that version, as PSA does), and the kubectl-style message must contain the
 * fixture's expectErrorSubstring. No skips, no per-fixture cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { evaluatePod, formatPssMessage, overridingCheck, parsePssVersion, PSS_CHECK_IDS, effectiveMinor, type PssCheckId, type PssLevel } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const shared = process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(repoRoot, '../shared');
const psaDir = join(shared, 'oracles', 'psa');
const indexFile = join(psaDir, 'index.json');

interface Case {
  file: string;
  level: 'baseline' | 'restricted';
  version: string;
  expectAllowed: boolean;
  check?: string;
  expectErrorSubstring?: string;
}
interface Index {
  checkIDs: string[];
  counts: Record<string, number>;
  cases: Case[];
}

if (!existsSync(indexFile)) {
  const msg = `NOT RUN: ../shared not present (looked for ${indexFile}; set KUBEHARDEN_SHARED to the shared directory)`;
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  test('PSA oracle', () => {
    if (process.env.CI) assert.fail(msg);
  });
} else {
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Index;

  test('PSA oracle: index is complete and uses only known check ids', () => {
    const total = Object.values(index.counts).reduce((a, b) => a + b, 0);
    assert.equal(index.cases.length, total);
    assert.equal(index.cases.length, 4537);
    assert.deepEqual([...index.checkIDs].sort(), [...PSS_CHECK_IDS].sort());
  });

  const groups = new Map<string, Case[]>();
  for (const c of index.cases) {
    const k = `${c.level}/${c.version}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(c);
  }

  for (const [group, cases] of groups) {
    test(`PSA oracle ${group} (${cases.length} fixtures)`, () => {
      const problems: string[] = [];
      for (const c of cases) {
        const version = parsePssVersion(c.version);
        assert.ok(version, `bad version ${c.version}`);
        const pod = parse(readFileSync(join(psaDir, c.file), 'utf8')) as { metadata?: unknown; spec?: unknown };
        const level: PssLevel = c.level;
        const failures = evaluatePod(pod.metadata, pod.spec, level, version);
        const allowed = failures.length === 0;
        if (allowed !== c.expectAllowed) {
          problems.push(`${c.file}: expected ${c.expectAllowed ? 'allowed' : 'denied'}, got ${allowed ? 'allowed' : formatPssMessage(level, version, failures)}`);
          continue;
        }
        if (c.expectAllowed) continue;
        const ids = new Set<string>(failures.map((f) => f.checkId));
        const expected = c.check as PssCheckId;
        const replacement = level === 'restricted' ? overridingCheck(expected, effectiveMinor(version)) : undefined;
        if (!ids.has(expected) && !(replacement && ids.has(replacement))) {
          problems.push(`${c.file}: check ${expected}${replacement ? ` (or ${replacement})` : ''} not among failing checks ${[...ids].join(', ')}`);
        }
        const message = formatPssMessage(level, version, failures);
        const substring = c.expectErrorSubstring ?? expected;
        if (!message.includes(substring)) problems.push(`${c.file}: message does not contain ${JSON.stringify(substring)}: ${message}`);
      }
      assert.deepEqual(problems, []);
    });
  }
}
