/**
 * A run, prepared once from its inputs: which checks run (config enable/disable/only, --checks),
 * with which severities, with which settings (parsed and typed), grouped by how the engine calls
 * them. The CLI prepares one per command; the webhook one per policy profile, at start-up, and
 * reuses it for every review. The checks to choose from are always the caller's: the engine
 * knows no check by name, the composition roots (cli/, admission/) pick the registry.
 */
import { CheckCatalog, deprecationNote } from './catalog.js';
import type { Config, Exemption } from './config.js';
import { RunSpecError } from './errors.js';
import { parseSettings, settingsSchemaOf, type SettingLayer } from './settings.js';
import type { BundleCheck, ChangeCheck, Check, ObjectCheck, PodCheck, SettingsSchema, Severity } from './types.js';

export interface RunSpec {
  /** The checks the run chooses from (the composition root's: the registry's, or those that apply to it). */
  checks: readonly Check[];
  /**
   * Every registered check (default: `checks`): ids and settings are validated against these, so
   * a config shared between commands may name a check one of them does not run.
   */
  catalog?: readonly Check[];
  config?: Config;
  /** Where the config came from, for messages (default "configuration"). */
  configOrigin?: string;
  /** Run only these check ids (CLI --checks); overrides config enable/disable/only. */
  only?: readonly string[];
  /** Where `only` came from, for messages (default "--checks"). */
  onlyOrigin?: string;
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
  /** Config exemptions, their check ids resolved (a former id reads as the current one). */
  exemptions: readonly Exemption[];
  /** The ids the run knows (for annotations, and checks that report unknown ids). */
  catalog: CheckCatalog;
  /** Former check ids used in the inputs, and what to write instead. */
  warnings: readonly string[];
}

/**
 * Validates and prepares a run. Throws RunSpecError (a SettingError for settings) for an unknown
 * check id or setting, a value that does not parse, or a --checks id the run cannot use.
 */
export function prepareRun(spec: RunSpec): PreparedRun {
  const registered = spec.catalog ?? spec.checks;
  const catalog = new CheckCatalog(registered);
  const ids = resolveIds(spec, catalog);
  const checks = selectChecks(spec.checks, ids);
  return {
    checks,
    settings: parseSettings(settingLayers(spec), settingsSchemaOf(registered)),
    plan: planOf(checks),
    annotationExemptions: spec.annotationExemptions ?? spec.config?.annotationExemptions ?? true,
    exemptions: ids.exemptions,
    catalog,
    warnings: ids.warnings,
  };
}

/** The ids a run's inputs name, resolved once: canonical ids, exemptions with canonical ids, deprecation warnings. */
interface ResolvedIds {
  only: ReadonlySet<string> | undefined;
  enable: ReadonlySet<string>;
  disable: ReadonlySet<string>;
  severity: ReadonlyMap<string, Severity>;
  exemptions: Exemption[];
  warnings: string[];
}

function resolveIds(spec: RunSpec, catalog: CheckCatalog): ResolvedIds {
  const warnings: string[] = [];
  const config = spec.configOrigin ?? 'configuration';
  const resolve = (id: string, origin: string): string => {
    const r = catalog.resolve(id);
    if (!r) throw new RunSpecError(`${origin}: unknown check "${id}"${catalog.suggest(id)} (see kubeharden checks)`);
    if (r.deprecated) warnings.push(deprecationNote(origin, r));
    return r.id;
  };
  const set = (xs: readonly string[] | undefined, origin: string) => new Set((xs ?? []).map((x) => resolve(x, origin)));
  const cfg = spec.config?.checks;
  let only: Set<string> | undefined;
  if (spec.only?.length) {
    only = set(spec.only, spec.onlyOrigin ?? '--checks');
    const runnable = new Set(spec.checks.map((c) => c.meta.id));
    for (const id of only) if (!runnable.has(id)) throw new RunSpecError(`${spec.onlyOrigin ?? '--checks'}: check ${id} does not run here (it is not one of the checks this command evaluates)`);
  } else if (cfg?.only?.length) only = set(cfg.only, `${config}: checks.only`);
  const enable = set(cfg?.enable, `${config}: checks.enable`);
  const disable = set(cfg?.disable, `${config}: checks.disable`);
  const severity = new Map(Object.entries(cfg?.severity ?? {}).map(([id, sev]) => [resolve(id, `${config}: checks.severity`), sev] as const));
  const exemptions = (spec.config?.exemptions ?? []).map((e, i) => {
    const origin = `${config}: exemptions[${i}].checks`;
    const checks = e.checks.map((pattern) => {
      if (!/[*?[]/.test(pattern)) return resolve(pattern, origin);
      if (catalog.matching(pattern).length === 0) throw new RunSpecError(`${origin}: "${pattern}" matches no check${catalog.suggest(pattern)}`);
      return pattern;
    });
    return { ...e, checks };
  });
  return { only, enable, disable, severity, exemptions, warnings };
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
function selectChecks(checks: readonly Check[], ids: ResolvedIds): Check[] {
  return checks
    .filter((c) => {
      const id = c.meta.id;
      if (ids.only) return ids.only.has(id);
      if (ids.disable.has(id)) return false;
      return !c.meta.optIn || ids.enable.has(id);
    })
    .map((c) => {
      const sev = ids.severity.get(c.meta.id);
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
