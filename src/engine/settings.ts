/**
 * Check settings, parsed once when a run is prepared. Each check declares the settings it reads
 * (`Check.settings`, a SettingsSchema); the union of the declared schemas is the set of known
 * settings, so a misspelt key is an error with a suggestion instead of a silently ignored value.
 * Sources are layered: config `settings:`, config `pss:`, then the command line (`--set`, `--pss`)
 * or the caller's values; a later layer wins per key.
 */
import { didYouMean } from './did-you-mean.js';
import { RunSpecError } from './errors.js';
import type { Check, SettingSpec } from './types.js';

/** A setting that is unknown or whose value does not parse. */
export class SettingError extends RunSpecError {}

/** Raw values from one place, named in messages (`--set`, `.kubeharden.yaml settings`). */
export interface SettingLayer {
  origin: string;
  values: Readonly<Record<string, unknown>>;
}

/** Every setting the checks declare, by name. Two checks reading one setting must share its spec. */
export function settingsSchemaOf(checks: readonly Check[]): ReadonlyMap<string, SettingSpec> {
  const schema = new Map<string, SettingSpec>();
  const owner = new Map<string, string>();
  for (const c of checks) {
    for (const [key, spec] of Object.entries(c.settings ?? {})) {
      const known = schema.get(key);
      if (known && known !== spec) throw new Error(`checks ${owner.get(key)} and ${c.meta.id} declare different settings named "${key}": share one SettingSpec`);
      schema.set(key, spec);
      owner.set(key, c.meta.id);
    }
  }
  return schema;
}

/**
 * The typed value of every known setting: the last layer that sets a key wins, absent keys take
 * their default. Throws SettingError naming the layer for an unknown key or a value that does not parse.
 */
export function parseSettings(layers: readonly SettingLayer[], schema: ReadonlyMap<string, SettingSpec>): Readonly<Record<string, unknown>> {
  const raw = new Map<string, { value: unknown; origin: string }>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (!schema.has(key)) throw new SettingError(`${layer.origin}: unknown setting "${key}"${didYouMean(key, schema.keys())}${knownList(schema)}`);
      raw.set(key, { value, origin: layer.origin });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of schema) {
    const given = raw.get(key);
    if (given === undefined || given.value === undefined || given.value === null) {
      out[key] = spec.default;
      continue;
    }
    try {
      out[key] = spec.parse(given.value);
    } catch (e) {
      throw new SettingError(`${given.origin}: setting ${key} ${(e as Error).message}`);
    }
  }
  return Object.freeze(out);
}

function knownList(schema: ReadonlyMap<string, SettingSpec>): string {
  return schema.size ? ` (settings: ${[...schema.keys()].sort().join(', ')})` : ' (no check has settings)';
}

/** A list of strings: a YAML/JSON list, or a comma-separated string (`--set a=x,y`). */
export function stringListSetting(description: string): SettingSpec<readonly string[]> {
  return {
    description,
    default: [],
    parse(raw) {
      const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
      if (!items) throw new Error(`must be a list of strings or a comma-separated string (got ${JSON.stringify(raw)})`);
      return items.map((x) => {
        if (typeof x !== 'string') throw new Error(`must list strings only (got ${JSON.stringify(x)})`);
        return x.trim();
      }).filter(Boolean);
    },
  };
}
