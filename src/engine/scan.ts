/**
 * The one evaluation function: the CLI, the webhook and `fix` all call it, so they agree.
 * Loaded objects + configuration in; findings (with suppressions), errors and a summary out.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { ALL_CHECKS } from '../checks/registry.js';
import type { Config } from './config.js';
import { evaluate } from './evaluate.js';
import { ObjectIndex } from './object-index.js';
import { applySuppressions } from './suppress.js';
import { severityRank, type BundleCheck, type Check, type FailOn, type Finding, type ObjectCheck, type PodCheck, type Severity } from './types.js';

export interface ScanOptions {
  config?: Config;
  /** Checks to choose from (default: every shipped check). */
  checks?: readonly Check[];
  /** Run only these check ids (CLI --checks); overrides config enable/disable. */
  only?: readonly string[];
  /** Extra settings for checks (merged over config.settings), e.g. { pss: 'restricted:v1.30' }. */
  settings?: Record<string, unknown>;
  /** Honour ignore.kubeharden.io annotations (default: config value, else true). */
  annotationExemptions?: boolean;
  now?: Date;
  /** Leave out findings below this severity (see EvaluateOptions.minSeverity). */
  minSeverity?: Severity;
  /**
   * An index of exactly `objects`, built by the caller: what checks derive from it (pod specs,
   * Pod Security evaluations) is then shared with the caller and with other scans of the same
   * objects (the webhook evaluates one object under several profiles, then words the findings).
   */
  index?: ObjectIndex;
}

export interface Summary {
  objects: number;
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byCheck: Record<string, number>;
}

export interface ScanResult {
  findings: Finding[];
  errors: InputError[];
  warnings: string[];
  summary: Summary;
}

const selectionCache = new WeakMap<object, Map<string, Check[]>>();
const NO_CONFIG = {};

/**
 * The checks a run uses, after config enable/disable/only and severity overrides. Memoized per
 * config object and check list: the webhook selects once per profile, not once per review.
 */
export function selectChecks(opts: ScanOptions): Check[] {
  const configKey = opts.config ?? NO_CONFIG;
  let byConfig = selectionCache.get(configKey);
  if (!byConfig) selectionCache.set(configKey, (byConfig = new Map()));
  const listKey = opts.checks ?? ALL_CHECKS;
  const key = `${checkListId(listKey)}|${(opts.only ?? []).join(',')}`;
  let selected = byConfig.get(key);
  if (!selected) byConfig.set(key, (selected = computeSelection(opts)));
  return selected;
}

const listIds = new WeakMap<readonly Check[], number>();
let nextListId = 0;
function checkListId(list: readonly Check[]): number {
  let id = listIds.get(list);
  if (id === undefined) listIds.set(list, (id = nextListId++));
  return id;
}

function computeSelection(opts: ScanOptions): Check[] {
  const all = opts.checks ?? ALL_CHECKS;
  const cfg = opts.config?.checks;
  const up = (xs: readonly string[] | undefined) => new Set((xs ?? []).map((x) => x.toUpperCase()));
  const only = opts.only?.length ? up(opts.only) : cfg?.only?.length ? up(cfg.only) : undefined;
  const enable = up(cfg?.enable);
  const disable = up(cfg?.disable);
  const overrides = cfg?.severity ?? {};
  return all
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
      const pc: PodCheck = { ...c, meta, check: (pod, ctx) => strip(c.check(pod, ctx)) };
      return pc;
    }
    case 'object': {
      const oc: ObjectCheck = { ...c, meta, check: (o, ctx) => strip(c.check(o, ctx)) };
      return oc;
    }
    case 'bundle': {
      const bc: BundleCheck = { ...c, meta, check: (ctx) => strip(c.check(ctx)) };
      return bc;
    }
  }
}

export function summarize(objects: number, findings: readonly Finding[]): Summary {
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byCheck: Record<string, number> = {};
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  }
  return { objects, findings: findings.length - suppressed, suppressed, bySeverity, byCheck };
}

function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0);
}

const configSettings = new WeakMap<Config, Readonly<Record<string, unknown>>>();

/**
 * The settings checks see: config.settings, config.pss, then opts.settings. Without
 * opts.settings they are memoized per config object, so the webhook's reviews share one settings
 * object per profile and what checks derive from it (the parsed `pss` policy) is computed once.
 */
function settingsOf(opts: ScanOptions): Readonly<Record<string, unknown>> {
  if (opts.settings || !opts.config) return mergeSettings(opts);
  let s = configSettings.get(opts.config);
  if (!s) configSettings.set(opts.config, (s = mergeSettings(opts)));
  return s;
}

function mergeSettings(opts: ScanOptions): Record<string, unknown> {
  return { ...(opts.config?.settings ?? {}), ...(opts.config?.pss ? { pss: opts.config.pss } : {}), ...(opts.settings ?? {}) };
}

export function scanObjects(objects: readonly LoadedObject[], opts: ScanOptions = {}): ScanResult {
  const index = opts.index ?? new ObjectIndex(objects);
  const checks = selectChecks(opts);
  const settings = settingsOf(opts);
  const { findings, errors } = evaluate(objects, checks, settings, index, opts.minSeverity ? { minSeverity: opts.minSeverity } : {});
  const { warnings } = applySuppressions(findings, index, {
    annotationExemptions: opts.annotationExemptions ?? opts.config?.annotationExemptions ?? true,
    exemptions: opts.config?.exemptions ?? [],
    now: opts.now,
  });
  findings.sort(compareFindings);
  return { findings, errors, warnings, summary: summarize(objects.length, findings) };
}

/** True when an unsuppressed finding is at or above `failOn`. */
export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const min = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= min);
}
