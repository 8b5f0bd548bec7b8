/**
 * What `scan` adds to its report beyond the findings, from its flags: the --framework compliance
 * view, the --baseline filter (and --write-baseline), the object inventory the scores need, and
 * the repository base for links. Parsed here once; the reporters only render.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import type { LoadedObject } from '../load/types.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { ObjectIndex } from '../engine/object-index.js';
import { severityRank, type Check, type Finding, type ObjectRef, type Severity } from '../engine/types.js';
import { applyBaseline, applyBaselineToStream, BaselineError, readBaseline, type BaselineOutcome } from '../report/baseline.js';
import { summarize, type AtLeastSink, type Summary } from '../engine/scan.js';
import { evaluateFramework, type ComplianceReport } from '../report/compliance/evaluate.js';
import { FRAMEWORK_IDS, FRAMEWORKS, type FrameworkId } from '../report/compliance/frameworks.js';
import { batched } from '../report/json-chunks.js';
import { jsonReport } from '../report/json.js';
import { complianceText } from '../report/compliance/text.js';
import type { ReportInput, StreamInput } from '../report/model.js';
import type { FindingStream } from '../report/finding-spool.js';
import { parsePssFlag } from './pss-flag.js';
import { UsageError } from './exit.js';
import { didYouMean } from '../engine/did-you-mean.js';
import { isControlPlaneObject } from '../controlplane/model.js';

export interface ReportFlags {
  output: string;
  framework?: string;
  baseline?: string;
  writeBaseline?: string;
  repoUrl?: string;
  pss?: string;
}

/** The report options scan and audit share (--repo-url only where findings have files: scan). */
export function addReportOptions(cmd: Command, opts: { repoUrl: boolean }): Command {
  cmd
    .option('--framework <id>', 'compliance view by control: nsa-cisa, cis, pss-baseline or pss-restricted (text, json, html, markdown)')
    .option('--baseline <file>', 'a previous JSON report: show and fail only on findings not in it, and count those fixed')
    .option('--write-baseline <file>', 'also write the findings as a JSON report to use with --baseline');
  if (opts.repoUrl) cmd.option('--repo-url <url>', 'link findings to lines: the repository\'s file base, e.g. https://github.com/OWNER/REPO/blob/SHA (markdown, html)');
  return cmd;
}

/** Formats that can show a compliance view. */
const FRAMEWORK_FORMATS = ['text', 'json', 'html', 'markdown'];

export function parseFramework(flags: ReportFlags): FrameworkId | undefined {
  if (flags.framework === undefined) return undefined;
  if (!(FRAMEWORK_IDS as readonly string[]).includes(flags.framework)) throw new UsageError(`--framework: unknown framework "${flags.framework}" (${FRAMEWORK_IDS.join(', ')})`);
  if (!FRAMEWORK_FORMATS.includes(flags.output)) throw new UsageError(`--framework shows a compliance view in ${FRAMEWORK_FORMATS.join(', ')}; not in -o ${flags.output}`);
  const fw = FRAMEWORKS[flags.framework as FrameworkId];
  // A Pod Security framework is judged by the exact PSS checks at its level: a lower --pss level
  // would leave its restricted controls unevaluated and looking clean.
  if (fw.pssLevel === 'restricted' && flags.pss && parsePssFlag(flags.pss)?.level === 'baseline') {
    throw new UsageError(`--framework ${fw.id} needs --pss restricted (or no --pss: it then evaluates restricted:latest); --pss ${flags.pss} would leave its restricted controls unevaluated`);
  }
  return fw.id;
}

export function parseRepoUrl(flags: ReportFlags): string | undefined {
  if (flags.repoUrl !== undefined && !/^https?:\/\/\S+$/.test(flags.repoUrl)) throw new UsageError(`--repo-url: expected an http(s) URL, e.g. https://github.com/OWNER/REPO/blob/SHA; got "${flags.repoUrl}"`);
  return flags.repoUrl;
}

/** The settings a framework needs beyond the flags: the PSS level of a Pod Security framework. */
export function frameworkSettings(framework: FrameworkId | undefined, pss: string | undefined): Record<string, unknown> {
  const level = framework ? FRAMEWORKS[framework].pssLevel : undefined;
  return level && !pss ? { pss: `${level}:latest` } : {};
}

export function inventoryOf(objects: readonly LoadedObject[], index: ObjectIndex): ObjectRef[] {
  return objects.map((o) => ({
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    file: o.source.file,
    workload: index.podsOf(o).length > 0,
    ...(isControlPlaneObject(o, index) ? { controlPlane: true } : {}),
  }));
}

export interface Extras {
  findings: Finding[];
  inventory: ObjectRef[];
  baseline?: BaselineOutcome;
  compliance?: ComplianceReport;
  repoUrl?: string;
}

/** Reads --baseline before the scan, so a missing or malformed file fails before any work. */
export function loadBaseline(flags: ReportFlags): Map<string, number> | undefined {
  if (!flags.baseline) return undefined;
  try {
    return readBaseline(flags.baseline);
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
}

/** The --framework view of every finding of a run (suppressed ones included; walked once). */
export function frameworkView(framework: FrameworkId, findings: Iterable<Finding>, checks: readonly Check[], inventory: readonly ObjectRef[]): ComplianceReport {
  return evaluateFramework(framework, { findings, checks, allChecks: ALL_CHECKS, inventory });
}

export function reportExtras(
  flags: ReportFlags,
  framework: FrameworkId | undefined,
  baseline: Map<string, number> | undefined,
  findings: Finding[],
  checks: readonly Check[],
  inventory: ObjectRef[],
): Extras {
  const compliance = framework ? frameworkView(framework, findings, checks, inventory) : undefined;
  const filtered = baseline && flags.baseline ? applyBaseline(findings, baseline, flags.baseline) : undefined;
  return {
    findings: filtered?.findings ?? findings,
    inventory,
    ...(filtered ? { baseline: filtered.outcome } : {}),
    ...(compliance ? { compliance } : {}),
    ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}),
  };
}

/** --write-baseline: the JSON report of every finding of this scan (before any --baseline filter), held or read back from disk. */
export function writeBaselineFile(file: string, input: ReportInput | StreamInput): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw new UsageError(`--write-baseline ${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    for (const b of batched(jsonReport({ ...input, baseline: undefined, compliance: undefined }))) writeSync(fd, b);
  } finally {
    closeSync(fd);
  }
}

/**
 * `KUBEHARDEN_SPOOL_FINDINGS`: where a report's findings wait until it is written. `auto` (the
 * default): on disk for an audit, and for a scan from SPOOL_FROM_OBJECTS objects; `always`: on
 * disk; `never`: in memory. For a machine short of memory (always) or of temporary space (never),
 * and for the tests that compare both. Read once, at the command's start.
 */
export type SpoolMode = 'auto' | 'always' | 'never';
const SPOOL_MODES: readonly SpoolMode[] = ['auto', 'always', 'never'];
export const SPOOL_ENV = 'KUBEHARDEN_SPOOL_FINDINGS';

export function spoolMode(env: NodeJS.ProcessEnv = process.env): SpoolMode {
  const v = env[SPOOL_ENV];
  if (v === undefined || v === '') return 'auto';
  if ((SPOOL_MODES as readonly string[]).includes(v)) return v as SpoolMode;
  throw new UsageError(`${SPOOL_ENV}: unknown value "${v}"${didYouMean(v, SPOOL_MODES)} (${SPOOL_MODES.join(', ')})`);
}

/**
 * Whether the spool of a streamed report can keep only the findings --min-severity shows (an
 * AtLeastSink in front of it): not when --baseline, --write-baseline or --framework must see them all.
 */
export function spoolOnlyShown(flags: Pick<ReportFlags, 'baseline' | 'writeBaseline' | 'framework'> & { minSeverity?: string }): boolean {
  return flags.minSeverity !== undefined && !flags.baseline && !flags.writeBaseline && !flags.framework;
}

/** The line text output ends with when a baseline filtered the findings. */
export function baselineLine(b: BaselineOutcome): string {
  return `baseline ${b.file}: ${b.new} new finding${b.new === 1 ? '' : 's'} shown; ${b.unchanged} already in the baseline not shown; ${b.fixed} fixed since\n`;
}

/**
 * The pieces of a report in `format` made by `reporter`: as text, --framework shows the
 * compliance view (of every finding, `all`) and --baseline ends with what it filtered.
 */
export function* reportPieces<I extends ReportInput | StreamInput>(format: string, reporter: (input: I) => Iterable<string>, input: I, all: Iterable<Finding>): Generator<string> {
  if (format === 'text' && input.compliance) {
    yield complianceText(input.compliance, all, input.color === true);
    return;
  }
  yield* reporter(input);
  if (format === 'text' && input.baseline) yield baselineLine(input.baseline);
}

/**
 * A report of findings held in memory with what `extras` (--baseline, --framework…) and
 * --min-severity change: the findings shown, the summary of them, and how many --min-severity
 * hid (they still count for --fail-on, which reads `extras.findings`).
 */
export function heldReportInput<H extends Omit<ReportInput, 'findings' | 'summary' | keyof Extras>>(head: H, extras: Extras, summary: Summary, minSeverity: Severity | undefined): H & Extras & Pick<ReportInput, 'summary' | 'minSeverity' | 'hiddenBelowMinSeverity'> {
  const min = minSeverity ? severityRank(minSeverity) : -1;
  const shown = min < 0 ? extras.findings : extras.findings.filter((f) => severityRank(f.severity) >= min);
  const hidden = extras.findings.length - shown.length;
  return {
    ...head,
    ...extras,
    findings: shown,
    summary: extras.baseline || hidden ? summarize(summary.objects, shown) : summary,
    ...(minSeverity ? { minSeverity, hiddenBelowMinSeverity: hidden } : {}),
  };
}

/**
 * A report of findings read back from disk (a FindingSpool) with what --min-severity and
 * --baseline change. When a sink stood in front of the spool (`shown`: only the findings the
 * report shows were written), it already applied --min-severity; with --baseline, --write-baseline or --framework the
 * spool has every finding, so the baseline matches them all as they are read back and
 * --min-severity filters what it keeps. `failSummary` is what --fail-on reads: every finding but those the baseline accepts.
 */
export function spooledReportInput<F extends Finding>(
  input: StreamInput,
  shown: AtLeastSink<F> | undefined,
  baseline: { counts: ReadonlyMap<string, number>; file: string } | undefined,
  minSeverity: Severity | undefined,
): { input: StreamInput; failSummary: Summary } {
  if (shown) return { input: { ...input, summary: shown.summary(input.summary.objects), minSeverity: shown.min, hiddenBelowMinSeverity: shown.hidden }, failSummary: input.summary };
  let out = input;
  if (baseline) {
    const kept = applyBaselineToStream(input.findings, baseline.counts, baseline.file, input.summary.objects);
    out = { ...out, findings: kept.findings, summary: kept.summary, baseline: kept.outcome };
  }
  const failSummary = out.summary;
  if (minSeverity) {
    const atLeast = atLeastOf(out.findings, minSeverity, out.summary.objects);
    const hidden = out.findings.length - atLeast.findings.length;
    // As heldReportInput: a summary of what is shown once anything is filtered.
    out = { ...out, findings: atLeast.findings, summary: out.baseline || hidden ? atLeast.summary : out.summary, minSeverity, hiddenBelowMinSeverity: hidden };
  }
  return { input: out, failSummary };
}

/** The findings of a walk at or above `min` and their summary (one walk counts them; each later walk filters again). */
function atLeastOf(findings: FindingStream, min: Severity, objects: number): { findings: FindingStream; summary: Summary } {
  const rank = severityRank(min);
  const walk = function* () {
    for (const f of findings) if (severityRank(f.severity) >= rank) yield f;
  };
  const summary = summarize(objects, walk());
  return { findings: { length: summary.findings + summary.suppressed, [Symbol.iterator]: walk }, summary };
}
