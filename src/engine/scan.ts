/**
 * The one evaluation function: the CLI, the webhook and `fix` all call it, so they agree.
 * Loaded objects + configuration in; findings (with suppressions), errors and a summary out.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { evaluate } from './evaluate.js';
import { ObjectIndex } from './object-index.js';
import { prepareRun, type PreparedRun, type RunSpec } from './run.js';
import { applySuppressions } from './suppress.js';
import { severityRank, type FailOn, type Finding, type Severity } from './types.js';

export type { PreparedRun, RunSpec } from './run.js';
export { prepareRun } from './run.js';

/** A run to prepare here, or one prepared before (the webhook prepares one per profile). */
export type ScanOptions = (RunSpec | { run: PreparedRun }) & {
  now?: Date;
  /** Leave out findings below this severity (see EvaluateOptions.minSeverity). */
  minSeverity?: Severity;
  /**
   * An index of exactly `objects`, built by the caller: what checks derive from it (pod specs,
   * Pod Security evaluations) is then shared with the caller and with other scans of the same
   * objects (the webhook evaluates one object under several profiles, then words the findings).
   */
  index?: ObjectIndex;
};

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

export function scanObjects(objects: readonly LoadedObject[], opts: ScanOptions): ScanResult {
  const run = 'run' in opts ? opts.run : prepareRun(opts);
  const index = opts.index ?? new ObjectIndex(objects);
  const { findings, errors } = evaluate(objects, run, index, opts.minSeverity ? { minSeverity: opts.minSeverity } : {});
  const suppressed = applySuppressions(findings, index, { annotationExemptions: run.annotationExemptions, exemptions: run.exemptions, catalog: run.catalog, now: opts.now });
  findings.sort(compareFindings);
  return { findings, errors, warnings: [...run.warnings, ...suppressed.warnings], summary: summarize(objects.length, findings) };
}

/** True when an unsuppressed finding is at or above `failOn`. */
export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const min = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= min);
}
