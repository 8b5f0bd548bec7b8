/**
 * Parity of the catalogue checks that enforce a Pod Security Standards control (meta.pssControls,
 * see pss-control.ts) with Pod Security Admission itself, on the official PSA fixtures
 * (../shared/oracles/psa): for every fixture, a check enforcing the fixture's control must report
 * the denied pods (fail/), and no check enforcing a control of that level may report the allowed
 * pods (pass/) of that level and version. The only tolerated findings on allowed pods are the
 * documented low-severity ones for pods in a user namespace (hostUsers: false), which PSA relaxes
 * from v1.35 and kubeharden keeps as advice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { ALL_CHECKS } from '../registry.js';
import type { PssCheckId } from '../../pss/types.js';
import { checkDefinition } from '../../pss/index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const shared = process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(repoRoot, '../shared');
const psaDir = join(shared, 'oracles', 'psa');
const indexFile = join(psaDir, 'index.json');

/**
 * Where the catalogue checks knowingly differ from PSA, by control: the first version from which
 * their verdicts match (`from`), and low-severity advice they keep on allowed pods (`lowOnPass`).
 */
const TOLERANCES: Partial<Record<PssCheckId, { from?: number; lowOnPass?: boolean }>> = {
  // PSA added the control in v1.34; the exposure exists in every version.
  hostProbesAndHostLifecycle: { from: 34 },
  // PSA added the control in v1.23.
  runAsUser: { from: 23, lowOnPass: true },
  procMount: { lowOnPass: true },
  // Before v1.19 the control read the alpha annotations with other allowed values.
  seccompProfile_baseline: { from: 19 },
  // kubeharden exempts Windows pods at every version; PSA does so from v1.25.
  capabilities_restricted: { from: 25 },
  procMount_restricted: { from: 35, lowOnPass: true },
};

/** PSA control → the checks enforcing it (hostPath volumes are reported once, by VOL-HOSTPATH, for both controls), its level and tolerances. */
const MAPPING = new Map<string, { checks: string[]; level: 'baseline' | 'restricted'; from: number; lowOnPass: boolean }>();
for (const c of ALL_CHECKS) {
  for (const control of (c.meta.pssControls ?? []) as PssCheckId[]) {
    const m = MAPPING.get(control) ?? { checks: [], level: checkDefinition(control).level, from: TOLERANCES[control]?.from ?? 0, lowOnPass: TOLERANCES[control]?.lowOnPass ?? false };
    m.checks.push(c.meta.id);
    MAPPING.set(control, m);
  }
}

interface Case {
  file: string;
  level: 'baseline' | 'restricted';
  version: string;
  expectAllowed: boolean;
  check?: string;
}

if (!existsSync(indexFile)) {
  const msg = `NOT RUN: ../shared not present (looked for ${indexFile}; set KUBEHARDEN_SHARED to the shared directory)`;
  console.error(msg);
  test('PSA parity of catalogue checks', () => {
    if (process.env.CI) assert.fail(msg);
  });
} else {
  const cases = (JSON.parse(readFileSync(indexFile, 'utf8')) as { cases: Case[] }).cases;
  const checks = ALL_CHECKS.filter((c) => c.meta.pssControls?.length);

  test('PSA parity: the checks linked to controls, and their levels', () => {
    assert.ok(checks.length >= 13, checks.map((c) => c.meta.id).join(', '));
    // 14 of the 19 upstream controls have a catalogue twin; the others are reported by PSS-* only or split across several checks.
    assert.ok(MAPPING.size >= 14, [...MAPPING.keys()].join(', '));
    for (const c of checks) assert.equal(c.meta.pss, checkDefinition(c.meta.pssControls?.[0] as PssCheckId).level, c.meta.id);
  });

  test('PSA parity of catalogue checks on the official fixtures', () => {
    const failures: string[] = [];
    let evaluated = 0;
    for (const c of cases) {
      const minor = Number(c.version.slice(3));
      const text = readFileSync(join(psaDir, c.file), 'utf8');
      const loaded = loadText(Buffer.from(text), c.file);
      assert.deepEqual(loaded.errors, [], c.file);
      const findings = scanObjects(loaded.objects, { checks, only: checks.map((k) => k.meta.id), settings: { k8sVersion: c.version }, annotationExemptions: false }).findings;
      if (!c.expectAllowed) {
        const m = c.check ? MAPPING.get(c.check) : undefined;
        if (!m || minor < m.from) continue;
        evaluated++;
        if (!findings.some((f) => m.checks.includes(f.check))) failures.push(`${c.file}: ${m.checks.join(' or ')} reported nothing (PSA denies it for ${c.check})`);
        continue;
      }
      // An allowed pod: no mapped check of this level may fire (except tolerated low user-namespace advice).
      for (const [control, m] of MAPPING) {
        if (minor < m.from || (c.level === 'baseline' && m.level === 'restricted')) continue;
        evaluated++;
        const bad = findings.filter((f) => m.checks.includes(f.check) && !(m.lowOnPass && f.severity === 'low'));
        if (bad.length) failures.push(`${c.file}: ${m.checks.join(', ')} (${control}) reported ${bad.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
      }
    }
    assert.ok(evaluated > 1000, `only ${evaluated} evaluations`);
    assert.deepEqual([...new Set(failures)], []);
  });
}
