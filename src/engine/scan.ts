/**
 * The one evaluation function: the CLI, the webhook and `fix` all call it, so they agree.
 * Loaded objects + configuration in; findings (with suppressions), errors and a summary out.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { evaluate, Evaluation } from './evaluate.js';
import { ObjectIndex } from './object-index.js';
import { prepareRun, type PreparedRun, type RunSpec } from './run.js';
import { applySuppressions } from './suppress.js';
import { SEVERITIES, severityRank, type FailOn, type Finding, type Severity } from './types.js';

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

/** The summary of findings in report order (an array, or findings read back from disk: one walk). */
export function summarize(objects: number, findings: Iterable<Finding>): Summary {
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byCheck: Record<string, number> = {};
  let suppressed = 0;
  let count = 0;
  for (const f of findings) {
    count++;
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  }
  return { objects, findings: count - suppressed, suppressed, bySeverity, byCheck };
}

/** The order of a scan's findings: by file, position, then check. */
export function compareFindings(a: Finding, b: Finding): number {
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

/** Where a scan in passes hands each pass's findings (the CLI gives report/finding-spool.ts's FindingSpool). */
export interface FindingSink<F extends Finding = Finding> {
  /** One pass's findings; the sink orders them (the passes in order make one stable sort). */
  addRun(findings: readonly F[]): void;
}

/**
 * Objects evaluated per pass of scanObjectsInPasses. Small, so that a pass's findings are
 * collected young: with more they outlive two scavenges and are promoted, garbage that only a
 * full collection frees (×100 corpus, peak RSS: 1,165 MiB with 1,000 objects a pass; 1,076–1,082
 * MiB with 100; 878–884 MiB with 20, three runs each). The spool then holds ~4,000 runs.
 */
const PASS_OBJECTS = 20;

/**
 * scanObjects for a set whose findings are too many to hold: the objects are evaluated in passes
 * (against the index of all of them, so cross-object checks see everything) and each pass's
 * findings, suppressions applied, go to `sink`; the bundle checks' findings are the last pass.
 * The result has no findings; its summary, errors and warnings equal scanObjects'.
 */
export function scanObjectsInPasses(objects: readonly LoadedObject[], opts: ScanOptions, sink: FindingSink, passObjects = PASS_OBJECTS): ScanResult {
  const run = 'run' in opts ? opts.run : prepareRun(opts);
  const index = opts.index ?? new ObjectIndex(objects);
  const evaluation = new Evaluation(run, index, opts.minSeverity ? { minSeverity: opts.minSeverity } : {});
  const summary = new RunsSummary(compareFindings);
  const errors: ScanResult['errors'] = [];
  const suppressions: string[] = [];
  const pass = (): void => {
    const taken = evaluation.take();
    const suppressed = applySuppressions(taken.findings, index, { annotationExemptions: run.annotationExemptions, exemptions: run.exemptions, catalog: run.catalog, now: opts.now });
    // Every pass repeats the expired exemptions, and a deprecated id's note is given once.
    const first = suppressions.length === 0;
    for (const w of suppressed.warnings) if (first || !suppressions.includes(w)) suppressions.push(w);
    for (const e of taken.errors) errors.push(e);
    summary.add(taken.findings);
    sink.addRun(taken.findings);
  };
  for (let i = 0; i < objects.length; i += passObjects) {
    evaluation.objects(objects.slice(i, i + passObjects));
    pass();
  }
  evaluation.bundle();
  pass();
  return { findings: [], errors, warnings: [...run.warnings, ...suppressions], summary: summary.summary(objects.length) };
}

/**
 * The summary of findings given pass by pass, equal to summarize() over them sorted by
 * `compare` (stably, the passes in order): its counts are sums, and its byCheck lists checks in
 * the order they first appear in that sort (a JSON report prints the order), so each check's
 * first finding is kept.
 */
export class RunsSummary<F extends Finding = Finding> {
  private readonly total = summarize(0, []);
  private readonly first = new Map<string, F>();

  constructor(private readonly compare: (a: F, b: F) => number) {}

  add(pass: readonly F[]): void {
    const s = summarize(0, pass);
    this.total.findings += s.findings;
    this.total.suppressed += s.suppressed;
    for (const [sev, n] of Object.entries(s.bySeverity)) this.total.bySeverity[sev as Severity] += n;
    for (const f of pass) {
      if (f.suppressed) continue;
      const known = this.first.get(f.check);
      // An earlier pass wins a tie, as in one stable sort of the passes in order.
      if (!known || this.compare(f, known) < 0) this.first.set(f.check, f);
    }
    for (const [check, n] of Object.entries(s.byCheck)) this.total.byCheck[check] = (this.total.byCheck[check] ?? 0) + n;
  }

  summary(objects: number): Summary {
    const order = [...this.first].sort(([, a], [, b]) => this.compare(a, b));
    const byCheck: Record<string, number> = {};
    for (const [check] of order) byCheck[check] = this.total.byCheck[check];
    return { ...this.total, objects, byCheck };
  }
}

/**
 * A sink that passes on to `next` only the findings at or above `min` (what --min-severity
 * shows), with the summary of those (in the order `compare` gives the report) and the number of
 * the others: what the report of all findings held in memory, filtered, would give.
 */
export class AtLeastSink<F extends Finding = Finding> implements FindingSink<F> {
  hidden = 0;
  private readonly shownSummary: RunsSummary<F>;
  private readonly minRank: number;

  constructor(
    private readonly next: FindingSink<F>,
    readonly min: Severity,
    compare: (a: F, b: F) => number = compareFindings,
  ) {
    this.minRank = severityRank(min);
    this.shownSummary = new RunsSummary(compare);
  }

  addRun(findings: readonly F[]): void {
    const shown = findings.filter((f) => severityRank(f.severity) >= this.minRank);
    this.hidden += findings.length - shown.length;
    this.shownSummary.add(shown);
    this.next.addRun(shown);
  }

  /** The summary of the findings passed on. */
  summary(objects: number): Summary {
    return this.shownSummary.summary(objects);
  }
}

/** failsAt from a summary alone (findings handed to a sink): an unsuppressed count at or above `failOn`. */
export function summaryFailsAt(summary: Summary, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return SEVERITIES.some((s) => severityRank(s) >= severityRank(failOn) && summary.bySeverity[s] > 0);
}

/** True when an unsuppressed finding is at or above `failOn`. */
export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const min = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= min);
}
