/** What every reporter receives: one scan's results plus facts about the run. */
import type { ScanResult } from '../engine/scan.js';
import type { Check, FailOn } from '../engine/types.js';

export interface ReportInput extends ScanResult {
  /** The checks that ran (SARIF lists them as rules). */
  checks: readonly Check[];
  failOn: FailOn;
  toolVersion: string;
  /** Colour escapes in text output (on a TTY unless NO_COLOR). */
  color?: boolean;
  /** Include suppressed findings in text output. */
  showSuppressed?: boolean;
}

export type Reporter = (input: ReportInput) => string;

/** A reporter whose output is written piece by piece (reports of huge scans exceed a string). */
export type ChunkedReporter = (input: ReportInput) => Iterable<string>;
