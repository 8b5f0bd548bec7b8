/** The configuration file as the CLI commands read it: --config, else searched upward. */
import { ConfigError, findConfig, loadConfig, type Config } from '../engine/config.js';
import { UsageError } from './exit.js';

/** Reads `--config FILE` or the nearest `.kubeharden.yaml`; problems are usage errors (exit 2). */
export function readConfig(flag: string | undefined): Config {
  const file = flag ?? findConfig();
  if (!file) return {};
  try {
    return loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}
