/**
 * Finding the configuration file, without the schema: a scan with no `.kubeharden.yaml` never
 * loads the validator (zod is a fifth of the modules a scan would otherwise load at start-up).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_NAMES = ['.kubeharden.yaml', '.kubeharden.yml'];

export class ConfigError extends Error {}

/** Looks for a config file from `start` upward to the filesystem root. */
export function findConfig(start = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const n of CONFIG_NAMES) if (existsSync(join(dir, n))) return join(dir, n);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
