/** `kubeharden scan PATH...`: the static audit. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadInputs } from '../../load/index.js';
import { failsAt, scanObjects, selectChecks, summarize } from '../../engine/scan.js';
import { SEVERITIES, type FailOn } from '../../engine/types.js';
import { REPORT_CHUNKS, batched } from '../../report/index.js';
import { VERSION } from '../version.js';
import { readConfig } from '../config.js';
import { parsePssFlag } from '../pss-flag.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { ObjectIndex } from '../../engine/object-index.js';
import { complianceText } from '../../report/compliance/text.js';
import { baselineLine, frameworkSettings, inventoryOf, loadBaseline, parseFramework, parseRepoUrl, reportExtras, writeBaselineFile, type ReportFlags } from '../report-extras.js';
import { addImageOptions, imageGateForScan, type ImageFlags } from '../../images/scan-options.js';
import { addControlPlaneOptions, controlPlaneInputs, hasControlPlaneInputs, type ControlPlaneScanFlags } from './scan-control-plane.js';

interface ScanFlags extends ReportFlags, ImageFlags, ControlPlaneScanFlags {
  output: string;
  outputFile?: string;
  failOn?: FailOn;
  config?: string;
  exclude: string[];
  checks?: string;
  pss?: string;
  annotationExemptions: boolean;
  showSuppressed?: boolean;
  color?: boolean;
  maxFileSize?: string;
  kustomize: boolean;
  set: string[];
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--max-file-size: cannot read "${s}" (examples: 64MiB, 500k)`);
  const unit = (m[2] ?? '').toLowerCase()[0];
  return Math.round(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1048576 : unit === 'g' ? 1073741824 : 1));
}

/** `--set key=value` check settings (values parsed as YAML scalars/lists: a,b,c → list). */
function parseSettings(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${p}"`);
    const v = p.slice(eq + 1);
    out[p.slice(0, eq)] = v.includes(',') ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
  }
  return out;
}

/** Writes the report in ~1 MB batches: a report of a huge scan never exists as one string. */
function writeReport(pieces: Iterable<string>, outputFile: string | undefined): void {
  if (!outputFile) {
    // Synchronous for files and pipes on Linux and macOS, so batches do not pile up in memory.
    for (const batch of batched(pieces)) process.stdout.write(batch);
    return;
  }
  const fd = openSync(outputFile, 'w');
  try {
    for (const batch of batched(pieces)) writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
}

export async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  const config = await readConfig(flags.config);
  const reporter = REPORT_CHUNKS[flags.output];
  if (!reporter) throw new UsageError(`unknown output format "${flags.output}" (${Object.keys(REPORT_CHUNKS).join(', ')})`);
  const framework = parseFramework(flags);
  parseRepoUrl(flags);
  const baseline = loadBaseline(flags);
  const failOn = flags.failOn ?? config.failOn ?? 'high';
  const only = flags.checks ? flags.checks.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const settings: Record<string, unknown> = { ...parseSettings(flags.set), ...(flags.pss ? { pss: flags.pss } : frameworkSettings(framework, flags.pss)) };
  parsePssFlag(flags.pss); // validates; the checks read the string from settings

  const loadOpts = {
    exclude: [...(config.exclude ?? []), ...flags.exclude],
    kustomize: flags.kustomize,
    ...(flags.maxFileSize ? { maxFileBytes: parseSize(flags.maxFileSize) } : {}),
  };
  const loaded = await loadInputs(paths.length || hasControlPlaneInputs(flags) ? paths : ['.'], loadOpts);
  const cp = await controlPlaneInputs(flags, loaded.objects, loadOpts);
  loaded.objects.push(...cp.objects);
  loaded.errors.push(...cp.errors);
  loaded.files.push(...cp.files);
  const gate = await imageGateForScan(loaded.objects, config, flags, flags.config).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  if (gate) settings.images = gate;
  const index = new ObjectIndex(loaded.objects);
  const scanOpts = { config, only, settings, annotationExemptions: flags.annotationExemptions === false ? false : undefined, index };
  const result = scanObjects(loaded.objects, scanOpts);
  const errors = [...loaded.errors, ...result.errors, ...(gate ? [...gate.errors, ...gate.registryErrors()] : [])];
  const checks = selectChecks(scanOpts);
  const extras = reportExtras(flags, framework, baseline, result.findings, checks, inventoryOf(loaded.objects, index));
  const input = {
    ...result,
    ...extras,
    summary: extras.baseline ? summarize(result.summary.objects, extras.findings) : result.summary,
    title: `kubeharden scan ${(paths.length ? paths : ['.']).join(' ')}`,
    errors,
    warnings: [...loaded.warnings, ...result.warnings, ...(gate?.warnings ?? [])],
    checks,
    failOn,
    toolVersion: VERSION,
    color: flags.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR),
    showSuppressed: flags.showSuppressed,
  };
  if (flags.writeBaseline) writeBaselineFile(flags.writeBaseline, { ...input, findings: result.findings, summary: result.summary });
  const pieces: Iterable<string> =
    flags.output === 'text' && input.compliance
      ? [complianceText(input.compliance, result.findings, input.color)]
      : flags.output === 'text' && input.baseline
        ? [...reporter(input), baselineLine(input.baseline)]
        : reporter(input);
  writeReport(pieces, flags.outputFile);
  if (errors.length && flags.output !== 'text') for (const e of errors) process.stderr.write(`error: ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}\n`);
  if (failsAt(extras.findings, failOn)) return EXIT_FINDINGS;
  return errors.length ? EXIT_USAGE : EXIT_OK;
}

export function registerScanCommand(program: Command): void {
  const scan = program
    .command('scan')
    .description('audit manifests: files, directories, - for stdin, Kustomize directories')
    .argument('[paths...]', 'files or directories to scan (default: .)')
    .addOption(new Option('-o, --output <format>', 'text, json, sarif, junit, html or markdown').default('text'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default high; none: never)').choices([...SEVERITIES, 'none']))
    .option('-c, --config <file>', 'configuration file (default: .kubeharden.yaml searched upward)')
    .option('--exclude <glob>', 'skip paths matching the glob (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--checks <ids>', 'run only these checks (comma-separated ids)')
    .option('--pss <level[:version]>', 'also evaluate the Pod Security Standards: baseline|restricted[:v1.N|:latest]')
    .option('--set <key=value>', 'a check setting, e.g. allowedRegistries=ghcr.io/acme (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--no-annotation-exemptions', 'ignore ignore.kubeharden.io/<CHECK> annotations')
    .option('--show-suppressed', 'list suppressed findings in text output')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--max-file-size <size>', 'largest file to read (default 50MiB)')
    .option('--no-kustomize', 'read kustomization directories as plain files instead of rendering them')
    .option('--framework <id>', 'compliance view by control: nsa-cisa, cis, pss-baseline or pss-restricted (text, json, html, markdown)')
    .option('--baseline <file>', 'a previous JSON report: show and fail only on findings not in it, and count those fixed')
    .option('--write-baseline <file>', 'also write this scan\'s findings as a JSON report to use with --baseline')
    .option('--repo-url <url>', 'link findings to lines: the repository\'s file base, e.g. https://github.com/OWNER/REPO/blob/SHA (markdown, html)');
  addControlPlaneOptions(addImageOptions(scan)).action(async (paths: string[], flags: ScanFlags) => {
    process.exitCode = await runScan(paths, flags);
  });
}
