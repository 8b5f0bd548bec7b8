/**
 * The Cyclonus-based NetworkPolicy oracle (test/netpol-oracle, built into the cache by
 * scripts/infra/20-cyclonus.sh): where it is, and one batch evaluation (one process, every case).
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../shared.js';
import type { RandomWorld } from './random-world.js';

export const ORACLE_BUILD = 'bash scripts/infra/20-cyclonus.sh';

/** The oracle binary, or undefined (with the reason) when it is not built. */
export function oracleBinary(): { path?: string; reason?: string } {
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/infra/20-cyclonus.sh'), '--print'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) return { reason: `cannot locate the oracle: ${r.stderr.trim()}` };
  try {
    accessSync(path, constants.X_OK);
    return { path };
  } catch {
    return { reason: `the NetworkPolicy oracle is not built (${path}): run ${ORACLE_BUILD}` };
  }
}

export interface OracleResult {
  ingress: boolean;
  egress: boolean;
  allowed: boolean;
}

export interface OracleOutput {
  worlds: Array<{ results: OracleResult[]; matrixAllowed?: number; error?: string }>;
  evaluateSeconds: number;
}

export function runOracle(binary: string, worlds: RandomWorld[], repeat = 1): OracleOutput {
  const input = JSON.stringify({ worlds, repeat });
  const r = spawnSync(binary, [], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`oracle failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleOutput;
}
