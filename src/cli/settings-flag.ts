/** The check-selection flags `scan` and `audit` share, defined once (src/cli/run.ts prepares the run from them). */
import { Option, type Command } from 'commander';
import { SEVERITIES, type FailOn, type Severity } from '../engine/types.js';

/** What the flags of addCheckOptions give. */
export interface CheckFlags {
  failOn?: FailOn;
  minSeverity?: Severity;
  config?: string;
  checks?: string;
  pss?: string;
  set: string[];
  annotationExemptions: boolean;
  showSuppressed?: boolean;
  color?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Which checks run and how findings count: the same options, help and defaults for scan and audit. */
export function addCheckOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default high); none: findings never fail (input errors still exit 2)').choices([...SEVERITIES, 'none']))
    .addOption(new Option('--min-severity <severity>', 'show only findings at or above this severity (--fail-on still sees all)').choices([...SEVERITIES]))
    .option('-c, --config <file>', 'configuration file (default: .kubeharden.yaml searched upward)')
    .option('--checks <ids>', 'run only these checks (comma-separated ids; with --pss the PSS-* checks too)')
    .option('--pss <level[:version]>', 'also evaluate the Pod Security Standards: baseline|restricted[:v1.N|:latest], v1.0 to the newest version known')
    .option('--set <key=value>', 'a check setting, e.g. allowedRegistries=ghcr.io/acme (repeatable)', collect, [] as string[])
    .option('--no-annotation-exemptions', 'ignore ignore.kubeharden.io/<CHECK> annotations')
    .option('--show-suppressed', 'list suppressed findings in text output')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour');
}
