/** Preparing a run from the command line: the registry's checks, and problems as usage errors (exit 2). */
import { ALL_CHECKS } from '../checks/registry.js';
import { prepareRun, type PreparedRun, type RunSpec } from '../engine/run.js';
import { RunSpecError } from '../engine/errors.js';
import { readsManifests } from '../engine/types.js';
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
