/** `kubeharden scan PATH...`: the static audit. */
import { Command, Option } from 'commander';
import { append, loadInputs } from '../../load/index.js';
import { applyNamespace, namespaceConflictText } from '../../load/namespace.js';
import { CONFIG_NAMES } from '../../engine/config-file.js';
import { isClusterScoped, ObjectIndex } from '../../engine/object-index.js';
import { AtLeastSink, compareFindings, failsAt, scanObjects, scanObjectsInPasses, summaryFailsAt, type ScanResult } from '../../engine/scan.js';
import { type FailOn, type Severity } from '../../engine/types.js';
import { fieldTypeFindings } from '../../k8s/field-types.js';
import { FindingSpool, OUTPUT_FORMATS, REPORT_CHUNKS, STREAM_REPORTERS, SpoolError, batched, type ChunkedReporter, type ReportInput, type StreamReporter } from '../../report/index.js';
import { VERSION } from '../version.js';
import { readConfigFile } from '../config.js';
import { parsePssFlag } from '../pss-flag.js';
import { addCheckOptions } from '../settings-flag.js';
import { checksWithPss, parseSetFlags, prepareCliRun } from '../run.js';
import { exitCode, UsageError } from '../exit.js';
import { printErrors, printWarnings, streamOutput } from '../output.js';
import { parseNamespaceFlag } from '../namespace-flag.js';
import { addReportOptions, frameworkSettings, frameworkView, heldReportInput, inventoryOf, spoolMode, spoolOnlyShown, loadBaseline, parseFramework, parseRepoUrl, reportExtras, reportPieces, spooledReportInput, writeBaselineFile, type ReportFlags } from '../report-extras.js';
import { addImageOptions, imageGateForScan, type ImageFlags } from '../../images/scan-options.js';
import { addControlPlaneOptions, controlPlaneInputs, hasControlPlaneInputs, type ControlPlaneScanFlags } from './scan-control-plane.js';

interface ScanFlags extends ReportFlags, ImageFlags, ControlPlaneScanFlags {
  output: string;
  outputFile?: string;
  failOn?: FailOn;
  minSeverity?: Severity;
  config?: string;
  exclude: string[];
  checks?: string;
  pss?: string;
  namespace?: string;
  annotationExemptions: boolean;
  showSuppressed?: boolean;
  color?: boolean;
  maxFileSize?: string;
  kustomize: boolean;
  set: string[];
}

/**
 * From this many objects a scan hands its findings to a temporary file pass by pass (FindingSpool)
 * when the report can be written from there, so that memory grows with the objects and not with
 * their findings: the ×100 corpus (79,700 objects) holds ~270 MB of findings, the ×10 corpus
 * (7,970) 27 MB, where writing and reading them again would cost more than it saves.
 * KUBEHARDEN_SPOOL_FINDINGS=always|never overrides it (spoolMode).
 */
const SPOOL_FROM_OBJECTS = 20_000;

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--max-file-size: cannot read "${s}" (examples: 64MiB, 500k)`);
  const unit = (m[2] ?? '').toLowerCase()[0];
  return Math.round(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1048576 : unit === 'g' ? 1073741824 : 1));
}

/** What every scan report has besides its findings and summary. */
type ReportHead = Pick<ReportInput, 'title' | 'errors' | 'warnings' | 'checks' | 'failOn' | 'toolVersion' | 'color' | 'showSuppressed'>;

export async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  const { config, file: configFile } = await readConfigFile(flags.config);
  const reporter = REPORT_CHUNKS[flags.output];
  if (!reporter) throw new UsageError(`unknown output format "${flags.output}" (${OUTPUT_FORMATS.join(', ')})`);
  const framework = parseFramework(flags);
  parseRepoUrl(flags);
  const baseline = loadBaseline(flags);
  const failOn = flags.failOn ?? config.failOn ?? 'high';
  const pss = parsePssFlag(flags.pss);
  const spool = spoolMode();
  const { only, note } = checksWithPss(flags.checks ? flags.checks.split(',').map((s) => s.trim()).filter(Boolean) : undefined, pss);
  if (note) process.stderr.write(`note: ${note}\n`);
  const runSpec = {
    config,
    configOrigin: configFile,
    only,
    settings: { ...parseSetFlags(flags.set), ...(pss ? { pss } : frameworkSettings(framework, flags.pss)) },
    settingsOrigin: '--set',
    annotationExemptions: flags.annotationExemptions === false ? false : undefined,
  };
  // Validated before anything is read; prepared again below when an image gate joins the settings.
  let run = prepareCliRun(runSpec);
  const namespace = parseNamespaceFlag(flags.namespace);
  const targets = paths.length ? paths : hasControlPlaneInputs(flags) ? ['the control-plane inputs'] : ['.'];

  const loadOpts = {
    exclude: [...(config.exclude ?? []), ...flags.exclude],
    kustomize: flags.kustomize,
    skipNames: CONFIG_NAMES,
    ...(flags.maxFileSize ? { maxFileBytes: parseSize(flags.maxFileSize) } : {}),
  };
  // Control-plane inputs (--kubelet-config, --control-plane…) replace the default '.'.
  const loaded = await loadInputs(paths.length || hasControlPlaneInputs(flags) ? paths : ['.'], loadOpts);
  const cp = await controlPlaneInputs(flags, loaded.objects, loadOpts);
  append(loaded.objects, cp.objects);
  append(loaded.errors, cp.errors);
  append(loaded.files, cp.files);
  const warnings = [...loaded.warnings];
  let objects = loaded.objects;
  if (namespace !== undefined) {
    const placed = applyNamespace(objects, namespace, isClusterScoped);
    objects = placed.objects;
    for (const o of placed.conflicts) warnings.push(namespaceConflictText(o, namespace));
  }
  // Wrongly typed fields make the API server refuse the object: input errors, never a silent pass.
  const typed = fieldTypeFindings(objects);
  const gate = await imageGateForScan(objects, config, flags, flags.config).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  if (gate) run = prepareCliRun({ ...runSpec, settings: { ...runSpec.settings, images: gate } });
  const index = new ObjectIndex(objects);
  // The formats that write findings read back from disk, when nothing needs them all at once.
  const toDisk = spool === 'always' || (spool === 'auto' && objects.length >= SPOOL_FROM_OBJECTS);
  const streamer: StreamReporter | undefined = toDisk ? STREAM_REPORTERS[flags.output] : undefined;
  let findings: FindingSpool | undefined;
  try {
    findings = streamer ? new FindingSpool(compareFindings) : undefined;
    // --min-severity: the spool gets what the report shows; the result still counts every finding (--fail-on).
    const shown = findings && flags.minSeverity && spoolOnlyShown(flags) ? new AtLeastSink(findings, flags.minSeverity) : undefined;
    const result = findings ? scanObjectsInPasses(objects, { run, index }, shown ?? findings) : scanObjects(objects, { run, index });
    const errors = append(append(append([], loaded.errors), typed.errors), result.errors);
    if (gate) append(append(errors, gate.errors), gate.registryErrors());
    append(warnings, typed.warnings);
    append(warnings, result.warnings);
    // Positions are taken as findings are made: a file that changed since it was read says so now.
    append(warnings, loaded.lateWarnings);
    if (gate) append(warnings, gate.warnings);
    const nothingScanned = objects.length === 0;
    if (nothingScanned) warnings.push(`no Kubernetes object found in ${targets.join(', ')}: nothing was scanned`);
    const report = {
      title: `kubeharden scan ${(paths.length ? paths : ['.']).join(' ')}`,
      errors,
      warnings,
      checks: run.checks,
      failOn,
      toolVersion: VERSION,
      color: flags.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR),
      showSuppressed: flags.showSuppressed,
    };
    let failing: boolean;
    if (findings && streamer) failing = await writeSpooledReport(findings, result, report, streamer, shown);
    else failing = await writeReport(result, report, reporter);
    // Errors and warnings go to stderr in every format (the report itself carries them for machines).
    printErrors(errors);
    printWarnings(warnings);
    return exitCode({ inputErrors: errors.length, failing, failOn, nothingScanned });
  } catch (e) {
    // The findings' temporary files could not be made, written or read (a full or read-only TMPDIR).
    if (e instanceof SpoolError) throw new UsageError(e.message);
    throw e;
  } finally {
    findings?.close();
  }

  /** The report of findings read back from disk, with what --min-severity, --baseline and --framework change, and --write-baseline; true when failing. */
  async function writeSpooledReport(spool: FindingSpool, result: ScanResult, report: ReportHead, streamer: StreamReporter, shown: AtLeastSink | undefined): Promise<boolean> {
    const all = { ...report, findings: spool, summary: result.summary };
    if (flags.writeBaseline) writeBaselineFile(flags.writeBaseline, all);
    // Scores (html, markdown) and the --framework view count clean objects too; the view judges every finding.
    const inventory = flags.output === 'html' || flags.output === 'markdown' || framework ? inventoryOf(objects, index) : undefined;
    const compliance = framework && inventory ? frameworkView(framework, spool, run.checks, inventory) : undefined;
    const scored = { ...(inventory ? { inventory } : {}), ...(compliance ? { compliance } : {}) };
    const { input, failSummary } = spooledReportInput(
      { ...all, ...scored, ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}) },
      shown,
      baseline && flags.baseline ? { counts: baseline, file: flags.baseline } : undefined,
      flags.minSeverity,
    );
    await streamOutput(batched(reportPieces(flags.output, streamer, input, spool)), flags.outputFile);
    return summaryFailsAt(failSummary, failOn);
  }

  /** The report of findings held in memory, with what --framework, --baseline and --min-severity add; true when failing. */
  async function writeReport(result: ScanResult, report: ReportHead, chunks: ChunkedReporter): Promise<boolean> {
    const extras = reportExtras(flags, framework, baseline, result.findings, run.checks, inventoryOf(objects, index));
    // --min-severity decides what is shown; --fail-on still sees every finding (that --baseline keeps).
    const input = heldReportInput(report, extras, result.summary, flags.minSeverity);
    if (flags.writeBaseline) writeBaselineFile(flags.writeBaseline, { ...input, findings: result.findings, summary: result.summary });
    const pieces = reportPieces(flags.output, chunks, input, result.findings);
    await streamOutput(batched(pieces), flags.outputFile);
    return failsAt(extras.findings, failOn);
  }
}

export function registerScanCommand(program: Command): void {
  const scan = program
    .command('scan')
    .description('audit manifests: files, directories, - for stdin, Kustomize directories')
    .argument('[paths...]', 'files or directories to scan (default: .)')
    .addOption(new Option('-o, --output <format>', 'report format').choices(OUTPUT_FORMATS).default('text'))
    .option('--output-file <file>', 'write the report to a file instead of stdout (its folder must exist)')
    .option('-n, --namespace <ns>', 'namespace of the objects that name none, as kubectl apply -n would place them (default: "default")')
    .option('--exclude <glob>', 'skip paths matching the glob (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--max-file-size <size>', 'largest file to read (default 50MiB)')
    .option('--no-kustomize', 'read kustomization directories as plain files instead of rendering them');
  addControlPlaneOptions(addImageOptions(addReportOptions(addCheckOptions(scan), { repoUrl: true }))).action(async (paths: string[], flags: ScanFlags) => {
    process.exitCode = await runScan(paths, flags);
  });
}
