/**
 * Exit codes: one table for every command (README "Exit codes"). A security tool must never let
 * an incomplete answer look like a clean one, so "could not read" outranks "found something":
 *
 *   2  usage error, or the answer is incomplete: an input, the configuration or the cluster could
 *      not be read, nothing at all was found to scan, the output could not be written
 *   1  findings at or above --fail-on (rbac can-i: "no"; fix: something to fix)
 *   0  nothing at or above --fail-on (rbac can-i: "yes")
 *
 * `--fail-on none` means findings never fail the run; it does not make an incomplete answer pass:
 * input errors, usage errors and "nothing scanned" exit 2 whatever --fail-on says (a CI job pointed
 * at a cluster it cannot read, or at the wrong folder, must not pass). Accepting a partial answer
 * takes an explicit consent flag of the command (rbac --skip-unreadable, audit --skip-forbidden),
 * and then the report names what was not read.
 */
import type { FailOn } from '../engine/types.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A usage error the CLI reports on stderr and exits 2 for (no stack trace: it is the user's to fix). */
export class UsageError extends Error {}

/**
 * Something the answer depends on could not be read (a cluster, a list, an input): reported on
 * stderr, exit 2, and nothing that looks like an answer on stdout.
 */
export class InputFailure extends Error {}

export interface Outcome {
  /** Input errors (files, documents, check errors): the scan is incomplete. */
  inputErrors: number;
  /** Something at or above --fail-on was found. */
  failing: boolean;
  /** --fail-on; 'none': findings never fail the run (input errors still do). */
  failOn?: FailOn;
  /** Nothing at all was read (no object in the paths): always 2. */
  nothingScanned?: boolean;
}

/** The exit code of a run, by the precedence of the table above. */
export function exitCode(o: Outcome): number {
  if (o.nothingScanned) return EXIT_USAGE;
  if (o.inputErrors > 0) return EXIT_USAGE;
  if (o.failing && o.failOn !== 'none') return EXIT_FINDINGS;
  return EXIT_OK;
}
