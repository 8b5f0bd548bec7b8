/**
 * The check registry: which implementation of which check runs for each level and policy
 * version, precomputed once (like pod-security-admission `policy/registry.go`):
 * - baseline v1.N runs the newest implementation (minVersion ≤ N) of every baseline check;
 * - restricted v1.N runs those baseline checks except the ones a restricted check active at
 *   v1.N overrides, plus every restricted check active at v1.N;
 * - order: baseline ids sorted, then restricted ids sorted (the order PSA prints reasons in).
 */
import type { CheckDefinition, CheckFn } from './check.js';
import { allowPrivilegeEscalation } from './checks/allowPrivilegeEscalation.js';
import { appArmorProfile } from './checks/appArmorProfile.js';
import { capabilitiesBaseline, capabilitiesRestricted } from './checks/capabilities.js';
import { hostNamespaces } from './checks/hostNamespaces.js';
import { hostPathVolumes } from './checks/hostPathVolumes.js';
import { hostPorts } from './checks/hostPorts.js';
import { hostProbesAndHostLifecycle } from './checks/hostProbesAndHostLifecycle.js';
import { privileged } from './checks/privileged.js';
import { procMountBaseline, procMountRestricted } from './checks/procMount.js';
import { restrictedVolumes } from './checks/restrictedVolumes.js';
import { runAsNonRoot } from './checks/runAsNonRoot.js';
import { runAsUser } from './checks/runAsUser.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccompProfile.js';
import { seLinuxOptions } from './checks/seLinuxOptions.js';
import { sysctls } from './checks/sysctls.js';
import { windowsHostProcess } from './checks/windowsHostProcess.js';
import type { PssCheckId, PssLevel } from './types.js';
import { LATEST_MINOR } from './version.js';
import { goCompare } from './util.js';

export const CHECK_DEFINITIONS: readonly CheckDefinition[] = [
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMountBaseline,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seLinuxOptions,
  seccompProfileBaseline,
  seccompProfileRestricted,
  sysctls,
  windowsHostProcess,
];

export interface ActiveCheck {
  id: PssCheckId;
  fn: CheckFn;
}

/** The implementation of a check active at v1.<minor>, if any. */
function activeVersion(def: CheckDefinition, minor: number) {
  let found: CheckDefinition['versions'][number] | undefined;
  for (const v of def.versions) if (v.minVersion <= minor) found = v;
  return found;
}

function validate(defs: readonly CheckDefinition[]): void {
  const ids = new Set<string>();
  for (const d of defs) {
    if (ids.has(d.id)) throw new Error(`pss: duplicate check ${d.id}`);
    ids.add(d.id);
    let last = -1;
    for (const v of d.versions) {
      if (v.minVersion <= last) throw new Error(`pss: check ${d.id}: versions must be strictly increasing`);
      last = v.minVersion;
      if (v.overrides && d.level !== 'restricted') throw new Error(`pss: check ${d.id}: only restricted checks may override`);
    }
  }
}

function build(defs: readonly CheckDefinition[]) {
  validate(defs);
  const sorted = [...defs].sort((a, b) => goCompare(a.id, b.id));
  const baselineDefs = sorted.filter((d) => d.level === 'baseline');
  const restrictedDefs = sorted.filter((d) => d.level === 'restricted');
  const baseline: ActiveCheck[][] = [];
  const restricted: ActiveCheck[][] = [];
  const overriddenBy: Array<Map<PssCheckId, PssCheckId>> = [];
  for (let minor = 0; minor <= LATEST_MINOR; minor++) {
    const b: ActiveCheck[] = [];
    for (const d of baselineDefs) {
      const v = activeVersion(d, minor);
      if (v) b.push({ id: d.id, fn: v.check });
    }
    const overrides = new Map<PssCheckId, PssCheckId>();
    const r: ActiveCheck[] = [];
    for (const d of restrictedDefs) {
      const v = activeVersion(d, minor);
      if (!v) continue;
      r.push({ id: d.id, fn: v.check });
      for (const o of v.overrides ?? []) overrides.set(o, d.id);
    }
    baseline.push(b);
    restricted.push([...b.filter((c) => !overrides.has(c.id)), ...r]);
    overriddenBy.push(overrides);
  }
  return { baseline, restricted, overriddenBy };
}

const TABLE = build(CHECK_DEFINITIONS);

/** The checks evaluated for a level at policy version v1.<minor> (minor already resolved, ≤ LATEST_MINOR). */
export function checksFor(level: PssLevel, minor: number): readonly ActiveCheck[] {
  if (level === 'privileged') return [];
  return level === 'baseline' ? TABLE.baseline[minor] : TABLE.restricted[minor];
}

/** The restricted check that replaces a baseline check at v1.<minor> when evaluating restricted (e.g. capabilities_baseline → capabilities_restricted from v1.22). */
export function overridingCheck(checkId: PssCheckId, minor: number): PssCheckId | undefined {
  return TABLE.overriddenBy[minor].get(checkId);
}

export function checkDefinition(id: PssCheckId): CheckDefinition {
  return CHECK_DEFINITIONS.find((d) => d.id === id) as CheckDefinition;
}
