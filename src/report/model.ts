/** What every reporter receives: one scan's results plus facts about the run. */
import type { ScanResult } from '../engine/scan.js';
import type { Check, FailOn, Severity } from '../engine/types.js';
import type { BaselineOutcome } from './baseline.js';
import type { ComplianceReport } from './compliance/evaluate.js';
import type { FindingStream } from './finding-spool.js';
import type { ObjectRef } from './overview.js';

export interface ReportInput extends ScanResult {
  /** The checks that ran (SARIF lists them as rules). */
  checks: readonly Check[];
  failOn: FailOn;
  toolVersion: string;
  /** Colour escapes in text output (on a TTY unless NO_COLOR). */
  color?: boolean;
  /** Include suppressed findings in text output. */
  showSuppressed?: boolean;
  /** --min-severity: findings below it were left out of `findings` (and the summary). */
  minSeverity?: Severity;
  /** How many findings --min-severity left out (they still count for --fail-on). */
  hiddenBelowMinSeverity?: number;
  /** Every scanned object: clean ones count in the scores of the HTML and Markdown reports. */
  inventory?: readonly ObjectRef[];
  /** What --baseline accepted and found fixed (`findings` then holds only the new ones). */
  baseline?: BaselineOutcome;
  /** Base URL of the repository's files (links to lines in Markdown and HTML), e.g. https://github.com/o/r/blob/SHA. */
  repoUrl?: string;
  /** The --framework view, when asked for (text, JSON, HTML and Markdown show it). */
  compliance?: ComplianceReport;
  /** What was scanned, for report headings (e.g. "kubeharden scan manifests/"). */
  title?: string;
  /** The command that made the report (headings, hints): default `scan`. */
  command?: 'scan' | 'audit';
}

export type Reporter = (input: ReportInput) => string;

/** A reporter whose output is written piece by piece (reports of huge scans exceed a string). */
export type ChunkedReporter = (input: ReportInput) => Iterable<string>;

/**
 * A report's input whose findings are read back from disk as they are written (an audit too
 * large to hold them; src/report/finding-spool.ts). Its output is byte-identical to the same
 * reporter's on the findings as an array.
 */
export interface StreamInput extends Omit<ReportInput, 'findings'> {
  findings: FindingStream;
}

/** A format that can write a StreamInput. */
export type StreamReporter = (input: StreamInput) => Iterable<string>;
