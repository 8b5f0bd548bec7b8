/**
 * A run, prepared once from its inputs: which checks run (config enable/disable/only, --checks),
 * with which severities, with which settings (parsed and typed), grouped by how the engine calls
 * them. The CLI prepares one per command; the webhook one per policy profile, at start-up, and
 * reuses it for every review. The checks to choose from are always the caller's: the engine
 * knows no check by name, the composition roots (cli/, admission/) pick the registry.
 */
import type { Config, Exemption } from './config.js';
import { parseSettings, settingsSchemaOf, type SettingLayer } from './settings.js';
import type { BundleCheck, ChangeCheck, Check, ObjectCheck, PodCheck, SettingsSchema, Severity } from './types.js';

export interface RunSpec {
  /** Every check the run may choose from (usually the registry's): settings are validated against them. */
  checks: readonly Check[];
  config?: Config;
  /** Where the config came from, for messages (default "configuration"). */
  configOrigin?: string;
  /** Run only these check ids (CLI --checks); overrides config enable/disable/only. */
  only?: readonly string[];
  /** Settings over the config's, e.g. { pss: 'restricted:v1.30' } (raw or already typed values). */
  settings?: Readonly<Record<string, unknown>>;
  /** Where `settings` came from, for messages (default "settings"). */
  settingsOrigin?: string;
  /** Honour ignore.kubeharden.io annotations (default: the config's value, else true). */
  annotationExemptions?: boolean;
}

/** The checks of a run grouped by how they are invoked, so each object is visited once. */
export interface CheckPlan {
  pod: readonly PodCheck<SettingsSchema>[];
  /** Object checks for every kind. */
  anyKind: readonly ObjectCheck<SettingsSchema>[];
  /** Object checks by the kind they run on. */
  byKind: ReadonlyMap<string, readonly ObjectCheck<SettingsSchema>[]>;
  bundle: readonly BundleCheck<SettingsSchema>[];
  /** Change checks by the kind they run on (admission only: see engine/change.ts). */
  change: ReadonlyMap<string, readonly ChangeCheck<SettingsSchema>[]>;
}

export interface PreparedRun {
  /** The checks that run, in registry order, with configured severities. */
  checks: readonly Check[];
  /** Every known setting, typed (see SettingSpec). */
  settings: Readonly<Record<string, unknown>>;
  plan: CheckPlan;
  annotationExemptions: boolean;
  exemptions: readonly Exemption[];
}

/** Validates and prepares a run. Throws SettingError for an unknown setting or a value that does not parse. */
export function prepareRun(spec: RunSpec): PreparedRun {
  const checks = selectChecks(spec);
  return {
    checks,
    settings: parseSettings(settingLayers(spec), settingsSchemaOf(spec.checks)),
    plan: planOf(checks),
    annotationExemptions: spec.annotationExemptions ?? spec.config?.annotationExemptions ?? true,
    exemptions: spec.config?.exemptions ?? [],
  };
}

function settingLayers(spec: RunSpec): SettingLayer[] {
  const config = spec.configOrigin ?? 'configuration';
  const layers: SettingLayer[] = [];
  if (spec.config?.settings) layers.push({ origin: `${config}: settings`, values: spec.config.settings });
  if (spec.config?.pss) layers.push({ origin: `${config}: pss`, values: { pss: spec.config.pss } });
  if (spec.settings) layers.push({ origin: spec.settingsOrigin ?? 'settings', values: spec.settings });
  return layers;
}

/** The checks a run uses, after config enable/disable/only, --checks and severity overrides. */
function selectChecks(spec: RunSpec): Check[] {
  const cfg = spec.config?.checks;
  const up = (xs: readonly string[] | undefined) => new Set((xs ?? []).map((x) => x.toUpperCase()));
  const only = spec.only?.length ? up(spec.only) : cfg?.only?.length ? up(cfg.only) : undefined;
  const enable = up(cfg?.enable);
  const disable = up(cfg?.disable);
  const overrides = cfg?.severity ?? {};
  return spec.checks
    .filter((c) => {
      const id = c.meta.id.toUpperCase();
      if (only) return only.has(id);
      if (disable.has(id)) return false;
      return !c.meta.optIn || enable.has(id);
    })
    .map((c) => {
      const sev = overrides[c.meta.id];
      return sev ? withSeverity(c, sev) : c;
    });
}

/**
 * A configured severity replaces the check's, including the per-finding severities a check
 * chooses itself (e.g. a more dangerous variant): the user's override is the last word.
 */
function withSeverity(c: Check, severity: Severity): Check {
  const meta = { ...c.meta, severity };
  const strip = <T extends { severity?: Severity }>(findings: Iterable<T>): Iterable<T> => {
    const out: T[] = [];
    for (const f of findings) out.push(f.severity === undefined ? f : { ...f, severity });
    return out;
  };
  switch (c.scope) {
    case 'pod': {
      const pc: PodCheck<SettingsSchema> = { ...c, meta, check: (pod, ctx) => strip(c.check(pod, ctx)) };
      return pc;
    }
    case 'object': {
      const oc: ObjectCheck<SettingsSchema> = { ...c, meta, check: (o, ctx) => strip(c.check(o, ctx)) };
      return oc;
    }
    case 'bundle': {
      const bc: BundleCheck<SettingsSchema> = { ...c, meta, check: (ctx) => strip(c.check(ctx)) };
      return bc;
    }
    case 'change': {
      const cc: ChangeCheck<SettingsSchema> = { ...c, meta, check: (change, ctx) => strip(c.check(change, ctx)) };
      return cc;
    }
  }
}

function byKindOf<C extends { kinds: readonly string[] | '*' }>(checks: readonly C[]): Map<string, C[]> {
  const byKind = new Map<string, C[]>();
  for (const c of checks) {
    if (c.kinds === '*') continue;
    for (const k of c.kinds) {
      let l = byKind.get(k);
      if (!l) byKind.set(k, (l = []));
      l.push(c);
    }
  }
  return byKind;
}

function planOf(checks: readonly Check[]): CheckPlan {
  const byKind = byKindOf(checks.filter((c): c is ObjectCheck<SettingsSchema> => c.scope === 'object'));
  return {
    pod: checks.filter((c): c is PodCheck<SettingsSchema> => c.scope === 'pod'),
    anyKind: checks.filter((c): c is ObjectCheck<SettingsSchema> => c.scope === 'object' && c.kinds === '*'),
    byKind,
    bundle: checks.filter((c): c is BundleCheck<SettingsSchema> => c.scope === 'bundle'),
    change: byKindOf(checks.filter((c): c is ChangeCheck<SettingsSchema> => c.scope === 'change')),
  };
}
