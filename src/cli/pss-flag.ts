/** The --pss flag, one parser for every command that takes it (the same as config `pss:`). */
import { parsePssLevelVersion } from '../pss/version.js';
import type { PssPolicy } from '../pss/types.js';
import { UsageError } from './exit.js';

export function parsePssFlag(s: string | undefined): PssPolicy | undefined {
  if (s === undefined) return undefined;
  try {
    return parsePssLevelVersion(s);
  } catch (e) {
    throw new UsageError(`--pss: ${(e as Error).message}`);
  }
}
