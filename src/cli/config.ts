/** The configuration file as the CLI commands read it: --config, else searched upward. */
import type { Config } from '../engine/config.js';
import { ConfigError, findConfig } from '../engine/config-file.js';
import { UsageError } from './exit.js';

/**
 * Reads `--config FILE` or the nearest `.kubeharden.yaml`; problems are usage errors (exit 2).
 * The schema module is loaded only when there is a file to validate.
 */
export async function readConfig(flag: string | undefined): Promise<Config> {
  return (await readConfigFile(flag)).config;
}

/** readConfig, and the file it read (for messages about its content). */
export async function readConfigFile(flag: string | undefined): Promise<{ config: Config; file?: string }> {
  const file = flag ?? findConfig();
  if (!file) return { config: {} };
  try {
    const { loadConfig } = await import('../engine/config.js');
    return { config: loadConfig(file), file };
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}
