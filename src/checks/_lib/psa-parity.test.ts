/**
 * Parity of the catalogue checks that implement a Pod Security Standards control with Pod Security
 * Admission itself, on the official PSA fixtures (../shared/oracles/psa): for every fixture, the
 * kubeharden check mapped to the fixture's control must report the denied pods (fail/) and must
 * stay silent on the allowed pods (pass/) of that level and version. The only tolerated findings on
 * allowed pods are the documented low-severity ones for pods in a user namespace (hostUsers: false),
 * which PSA relaxes from v1.35 and kubeharden keeps as advice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { ALL_CHECKS } from '../registry.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const shared = process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(repoRoot, '../shared');
const psaDir = join(shared, 'oracles', 'psa');
const indexFile = join(psaDir, 'index.json');

/** PSA control → kubeharden check, level, and the first version from which the mapping holds. */
const MAPPING: Record<string, { check: string; also?: string; level: 'baseline' | 'restricted'; from: number; lowOnPass?: boolean }> = {
  windowsHostProcess: { check: 'POD-WIN-HOSTPROCESS', level: 'baseline', from: 0 },
  hostPathVolumes: { check: 'VOL-HOSTPATH', level: 'baseline', from: 0 },
  hostPorts: { check: 'CTR-HOSTPORT', level: 'baseline', from: 0 },
  hostProbesAndHostLifecycle: { check: 'POD-HOST-PROBES', level: 'baseline', from: 34 },
  appArmorProfile: { check: 'POD-APPARMOR', level: 'baseline', from: 0 },
  seLinuxOptions: { check: 'POD-SELINUX', level: 'baseline', from: 0 },
  procMount: { check: 'CTR-PROC-MOUNT', level: 'baseline', from: 0, lowOnPass: true },
  // Before v1.19 the control read the alpha annotations with other allowed values.
  seccompProfile_baseline: { check: 'POD-SECCOMP-UNCONFINED', level: 'baseline', from: 19 },
  sysctls: { check: 'POD-SYSCTLS', level: 'baseline', from: 0 },
  capabilities_baseline: { check: 'CTR-CAPS-ADD-NONDEFAULT', level: 'baseline', from: 0 },
  // hostPath volumes are reported once, by VOL-HOSTPATH.
  restrictedVolumes: { check: 'VOL-NON-CORE', also: 'VOL-HOSTPATH', level: 'restricted', from: 0 },
  // kubeharden exempts Windows pods at every version; PSA does so from v1.25.
  capabilities_restricted: { check: 'CTR-CAPS-RESTRICTED', level: 'restricted', from: 25 },
  procMount_restricted: { check: 'CTR-PROC-MOUNT', level: 'restricted', from: 35, lowOnPass: true },
  runAsUser: { check: 'CTR-RUN-AS-UID0', level: 'restricted', from: 23, lowOnPass: true },
};

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
  const checks = ALL_CHECKS.filter((c) => Object.values(MAPPING).some((m) => m.check === c.meta.id));

  test('PSA parity: every mapped check is registered', () => {
    assert.deepEqual([...new Set(Object.values(MAPPING).map((m) => m.check))].sort(), checks.map((c) => c.meta.id).sort());
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
        const m = c.check ? MAPPING[c.check] : undefined;
        if (!m || minor < m.from) continue;
        evaluated++;
        if (!findings.some((f) => f.check === m.check || f.check === m.also)) failures.push(`${c.file}: ${m.check} reported nothing (PSA denies it for ${c.check})`);
        continue;
      }
      // An allowed pod: no mapped check of this level may fire (except tolerated low user-namespace advice).
      for (const [control, m] of Object.entries(MAPPING)) {
        if (minor < m.from || (c.level === 'baseline' && m.level === 'restricted')) continue;
        evaluated++;
        const bad = findings.filter((f) => f.check === m.check && !(m.lowOnPass && f.severity === 'low'));
        if (bad.length) failures.push(`${c.file}: ${m.check} (${control}) reported ${bad.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
      }
    }
    assert.ok(evaluated > 1000, `only ${evaluated} evaluations`);
    assert.deepEqual([...new Set(failures)], []);
  });
}
