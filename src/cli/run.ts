/** Preparing a run from the command line: the registry's checks, and problems as usage errors (exit 2). */
import { ALL_CHECKS } from '../checks/registry.js';
import { prepareRun, type PreparedRun, type RunSpec } from '../engine/run.js';
import { RunSpecError } from '../engine/errors.js';
import { readsManifests } from '../engine/types.js';
import { pssChecks } from '../checks/pss/index.js';
import type { PssPolicy } from '../pss/types.js';
import { formatPssLevelVersion } from '../pss/version.js';
import { UsageError } from './exit.js';

/** The checks scan, fix and harden run: every registered check that reads manifests (change checks are the webhook's). */
export const MANIFEST_CHECKS = ALL_CHECKS.filter(readsManifests);

/** A run of the manifest checks; every registered id is known (a shared config may name the webhook's). */
export function prepareCliRun(spec: Omit<RunSpec, 'checks' | 'catalog'>): PreparedRun {
  try {
    return prepareRun({ ...spec, checks: MANIFEST_CHECKS, catalog: ALL_CHECKS });
  } catch (e) {
    if (e instanceof RunSpecError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `--checks` with `--pss`: --pss asks for the Pod Security Standards verdicts, so their checks
 * (PSS-*) join the ones --checks names instead of being dropped silently; the note says so.
 */
export function checksWithPss(only: readonly string[] | undefined, pss: PssPolicy | undefined): { only: readonly string[] | undefined; note?: string } {
  if (!only?.length || !pss || pss.level === 'privileged') return { only };
  const ids = pssChecks.map((c) => c.meta.id);
  return { only: [...only, ...ids.filter((id) => !only.includes(id))], note: `--pss ${formatPssLevelVersion(pss.level, pss.version)} adds the ${ids.length} Pod Security Standards checks (PSS-*) to the checks --checks names` };
}

/** `--set key=value` check settings (a value with commas is a list: a,b,c). */
export function parseSetFlags(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${p}"`);
    const v = p.slice(eq + 1);
    out[p.slice(0, eq)] = v.includes(',') ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
  }
  return out;
}
