/** The --pss flag, one parser for every command that takes it. */
import { PSS_SPEC } from '../pss/version.js';
import type { PssLevel } from '../pss/index.js';
import { UsageError } from './exit.js';

export function parsePssFlag(s: string | undefined): { level: PssLevel; version?: string } | undefined {
  if (s === undefined) return undefined;
  const m = PSS_SPEC.exec(s);
  if (!m) throw new UsageError(`--pss: expected baseline|restricted[:v1.N|:latest], got "${s}"`);
  return { level: m[1] as PssLevel, ...(m[2] ? { version: m[2] } : {}) };
}
