/**
 * `kubeharden audit`: the checks of `scan`, run on what a cluster is running (or on a recorded
 * dump of it), with PolicyReports; `kubeharden audit install` prints the CronJob that does it on
 * a schedule. Flags are parsed once here into AuditCommand; the rest of the code sees only that.
 */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { AtLeastSink, failsAt, summaryFailsAt, type ScanOptions } from '../../engine/scan.js';
import { type FailOn, type Severity } from '../../engine/types.js';
import type { InputError } from '../../load/types.js';
import { FindingSpool, OUTPUT_FORMATS, REPORT_CHUNKS, STREAM_REPORTERS, SpoolError, batched, type StreamReporter } from '../../report/index.js';
import type { FrameworkId } from '../../report/compliance/frameworks.js';
import type { AuditSource, Gap } from '../../audit/source.js';
import type { AuditResult } from '../../audit/run.js';
import type { CheckedRef, ReportApi } from '../../audit/policy-report.js';
import { VERSION } from '../version.js';
import { readConfigFile } from '../config.js';
import { checksWithPss, parseSetFlags, prepareCliRun } from '../run.js';
import { parsePssFlag } from '../pss-flag.js';
import { EXIT_OK, EXIT_USAGE, exitCode, UsageError } from '../exit.js';
import { streamOutput } from '../output.js';
import { addCheckOptions, type CheckFlags } from '../settings-flag.js';
import { addReportOptions, frameworkSettings, frameworkView, heldReportInput, loadBaseline, spoolOnlyShown, spoolMode, type SpoolMode, parseFramework, reportExtras, reportPieces, spooledReportInput, writeBaselineFile, type ReportFlags } from '../report-extras.js';
import { addImageOptions, compileImageGate, imagesOf, type ImageFlags } from '../../images/scan-options.js';

/** scan's report formats, and PolicyReports. */
const FORMATS = [...OUTPUT_FORMATS, 'policyreport'] as const;
/** Shared sub-objects (a report's timestamp, a schema node) are written out, never as YAML aliases. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
type Format = (typeof FORMATS)[number];
const REPORT_API_NAMES = ['wgpolicyk8s', 'openreports'] as const;

/** A namespace name as the API server accepts it (RFC 1123 label). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The flags as commander gives them: scan's check, report and image flags, and audit's own. */
interface RawFlags extends CheckFlags, ReportFlags, ImageFlags {
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  allNamespaces?: boolean;
  excludeNamespace: string[];
  from?: string;
  output: string;
  outputFile?: string;
  writeReports?: boolean;
  reportApi: string;
  skipForbidden?: boolean;
  chunkSize: string;
  dump?: string;
  requestTimeout: string;
  includeBootstrap?: boolean;
}

/** Everything `audit` needs, validated. */
export interface AuditCommand {
  target: { kind: 'live'; kubeconfig?: string; context?: string; writeReports: boolean } | { kind: 'dump'; path: string };
  namespaces?: string[];
  exclude: string[];
  format: Format;
  outputFile?: string;
  reportApi: ReportApi;
  pss?: string;
  failOn?: FailOn;
  minSeverity?: Severity;
  /** --framework, --baseline, --write-baseline as scan reads them. */
  report: ReportFlags;
  framework?: FrameworkId;
  /** The image gate's flags (scan's); the policy is compiled once the configuration is read. */
  images: ImageFlags;
  skipForbidden: boolean;
  only?: string[];
  /** What --pss added to --checks, for stderr. */
  note?: string;
  settings: Record<string, unknown>;
  config?: string;
  annotationExemptions?: false;
  showSuppressed: boolean;
  color?: boolean;
  chunkSize: number;
  /** KUBEHARDEN_SPOOL_FINDINGS: `never` writes the report from findings held in memory. */
  spool: SpoolMode;
  dump?: string;
  requestTimeoutMs: number;
  includeBootstrap: boolean;
}

function positiveInt(flag: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag}: expected a whole number from 1 to ${max}, got "${v}"`);
  return n;
}

function namespaces(flag: string, list: readonly string[]): string[] {
  const out = list.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const ns of out) if (!NAMESPACE.test(ns)) throw new UsageError(`${flag}: "${ns}" is not a namespace name (lower-case letters, digits and '-', at most 63)`);
  return out;
}

export function parseAuditFlags(f: RawFlags): AuditCommand {
  if (!(FORMATS as readonly string[]).includes(f.output)) throw new UsageError(`-o: unknown format "${f.output}" (${FORMATS.join(', ')})`);
  if (!(REPORT_API_NAMES as readonly string[]).includes(f.reportApi)) throw new UsageError(`--report-api: "${f.reportApi}" is not one of ${REPORT_API_NAMES.join(', ')}`);
  const ns = namespaces('-n', f.namespace);
  if (ns.length && f.allNamespaces) throw new UsageError('-n and -A exclude each other (-A is the default)');
  const exclude = namespaces('--exclude-namespace', f.excludeNamespace);
  if (f.from !== undefined) {
    if (f.kubeconfig || f.context) throw new UsageError('--from reads a recorded cluster: it takes no --kubeconfig/--context');
    if (f.writeReports) throw new UsageError('--write-reports writes to a live cluster: it cannot be used with --from');
  }
  // As scan: --pss with --checks adds the PSS-* checks (and says so).
  const { only, note } = checksWithPss(f.checks ? f.checks.split(',').map((s) => s.trim()).filter(Boolean) : undefined, parsePssFlag(f.pss));
  const report: ReportFlags = { output: f.output, framework: f.framework, baseline: f.baseline, writeBaseline: f.writeBaseline, pss: f.pss };
  const framework = parseFramework(report);
  return {
    target: f.from !== undefined ? { kind: 'dump', path: f.from } : { kind: 'live', kubeconfig: f.kubeconfig, context: f.context, writeReports: f.writeReports === true },
    ...(ns.length ? { namespaces: ns } : {}),
    exclude,
    format: f.output as Format,
    outputFile: f.outputFile,
    reportApi: f.reportApi as ReportApi,
    pss: f.pss,
    failOn: f.failOn,
    ...(f.minSeverity ? { minSeverity: f.minSeverity } : {}),
    report,
    ...(framework ? { framework } : {}),
    images: { vulnReports: f.vulnReports, vulnFailOn: f.vulnFailOn, vulnOnlyFixed: f.vulnOnlyFixed, vulnMaxAge: f.vulnMaxAge, imageKey: f.imageKey, imageCache: f.imageCache, offline: f.offline },
    skipForbidden: f.skipForbidden === true,
    ...(only ? { only: [...only] } : {}),
    ...(note ? { note } : {}),
    settings: { ...parseSetFlags(f.set), ...(f.pss ? { pss: f.pss } : frameworkSettings(framework, f.pss)) },
    config: f.config,
    ...(f.annotationExemptions === false ? { annotationExemptions: false as const } : {}),
    showSuppressed: f.showSuppressed === true,
    color: f.color,
    chunkSize: positiveInt('--chunk-size', f.chunkSize, 10_000),
    spool: spoolMode(),
    dump: f.dump,
    requestTimeoutMs: positiveInt('--request-timeout', f.requestTimeout, 3600) * 1000,
    includeBootstrap: f.includeBootstrap === true,
  };
}

/** A gap as an error (the audit is incomplete) or, accepted with --skip-forbidden, as a warning. */
function gapText(g: Gap): string {
  return `cannot ${g.what}: ${g.message}; ${g.consequence}`;
}

export async function runAuditCommand(cmd: AuditCommand): Promise<number> {
  const { config, file: configFile } = await readConfigFile(cmd.config);
  if (cmd.note) process.stderr.write(`note: ${cmd.note}\n`);
  const failOn = cmd.failOn ?? config.failOn ?? 'high';
  const baseline = loadBaseline(cmd.report);
  // The image policy of scan (config `images:` and the image flags); its registry evidence is
  // fetched per batch of audited objects, before their checks run.
  const gate = await compileImageGate(config, cmd.images, cmd.config).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  const settings = { ...cmd.settings, ...(gate ? { images: gate } : {}) };
  const run = prepareCliRun({ config, configOrigin: configFile, ...(cmd.only ? { only: cmd.only } : {}), settings, settingsOrigin: '--set', ...(cmd.annotationExemptions === false ? { annotationExemptions: false } : {}) });
  const scanOpts: ScanOptions = { run };
  // Scores (html, markdown) and compliance count clean objects too.
  const inventory = cmd.format === 'html' || cmd.format === 'markdown' || cmd.framework !== undefined;
  const { runAudit, compareAudit } = await import('../../audit/run.js');
  const { progressBar } = await import('../../audit/progress.js');

  let source: AuditSource;
  let client: import('../../cluster/client.js').ClusterClient | undefined;
  if (cmd.target.kind === 'dump') {
    const { dumpSource } = await import('../../audit/dump-source.js');
    source = await dumpSource(cmd.target.path);
  } else {
    const { connect } = await import('../../cluster/client.js');
    const { liveSource } = await import('../../audit/live-source.js');
    try {
      client = await connect({ kubeconfig: cmd.target.kubeconfig, context: cmd.target.context, timeoutMs: cmd.requestTimeoutMs });
    } catch (e) {
      throw new UsageError(`cannot read the cluster configuration: ${(e as Error).message}`);
    }
    source = liveSource({ client, ...(cmd.namespaces ? { namespaces: cmd.namespaces } : {}), chunkSize: cmd.chunkSize });
  }

  const wantReports = cmd.format === 'policyreport' || (cmd.target.kind === 'live' && cmd.target.writeReports);
  const checked: CheckedRef[] = [];
  const { DumpWriter } = await import('../../audit/dump-writer.js');
  const dump = cmd.dump ? new DumpWriter(cmd.dump) : undefined;
  const bar = progressBar();
  const started = new Date();
  // Findings wait on disk, pass by pass, until the report is written: memory grows with one pass.
  let spool: FindingSpool;
  try {
    spool = new FindingSpool(compareAudit);
  } catch (e) {
    if (e instanceof SpoolError) throw new UsageError(e.message);
    throw e;
  }
  // Every format writes findings as they are read back, but PolicyReports (they need them all at once).
  const streamer: StreamReporter | undefined = wantReports || cmd.spool === 'never' ? undefined : STREAM_REPORTERS[cmd.format];
  // --min-severity on a streamed report: the spool gets what it shows; the audit's summary still counts every finding (--fail-on).
  const shown = streamer && cmd.minSeverity && spoolOnlyShown({ ...cmd.report, minSeverity: cmd.minSeverity }) ? new AtLeastSink(spool, cmd.minSeverity, compareAudit) : undefined;
  let result: AuditResult;
  try {
    result = await runAudit(source, {
      spool: shown ?? spool,
      scan: scanOpts,
      ...(cmd.namespaces ? { namespaces: cmd.namespaces } : {}),
      exclude: cmd.exclude,
      includeBootstrap: cmd.includeBootstrap,
      inventory,
      ...(gate ? { beforePass: async (objects) => void (await gate.prepare(imagesOf(objects))) } : {}),
      ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      onObject: (o, reported) => {
        dump?.add(o);
        if (wantReports && reported) {
          const m = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown; uid?: unknown };
          checked.push({
            apiVersion: String(o.apiVersion),
            kind: String(o.kind),
            ...(typeof m.namespace === 'string' ? { namespace: m.namespace } : {}),
            name: String(m.name ?? ''),
            ...(typeof m.uid === 'string' ? { uid: m.uid } : {}),
          });
        }
      },
    });
  } catch (e) {
    bar?.done();
    client?.close();
    spool.close();
    dump?.finish(source.label, [...source.gaps, { what: 'finish the audit', reason: 'failed', message: (e as Error).message, consequence: 'this dump is incomplete' }], started);
    const { ClusterError } = await import('../../cluster/errors.js');
    if (e instanceof ClusterError || e instanceof SpoolError) {
      process.stderr.write(`error: cannot audit: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  } finally {
    bar?.done();
  }
  dump?.finish(result.label, result.gaps, started);
  await gate?.store.cache.flush();

  const accepted = (g: Gap) => cmd.skipForbidden && g.reason === 'forbidden';
  const errors: InputError[] = [...result.errors, ...result.gaps.filter((g) => !accepted(g)).map((g) => ({ file: result.label, message: gapText(g) }))];
  const warnings = [...result.warnings, ...result.gaps.filter(accepted).map((g) => `not audited (--skip-forbidden): ${gapText(g)}`)];
  if (gate) {
    errors.push(...gate.errors, ...gate.registryErrors());
    warnings.push(...gate.warnings);
  }
  const checks = run.checks;
  let reports: Record<string, unknown>[] = [];
  let failing: boolean;
  // What every report of this audit has besides its findings and summary.
  const head = {
    errors,
    warnings,
    title: `kubeharden audit ${result.label}`,
    command: 'audit' as const,
    checks,
    failOn,
    toolVersion: VERSION,
    color: cmd.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR),
    showSuppressed: cmd.showSuppressed,
  };
  if (streamer) {
    if (cmd.report.writeBaseline) writeBaselineFile(cmd.report.writeBaseline, { ...head, findings: spool, summary: result.summary });
    // The --framework view judges every finding (the spool has them all then: no sink).
    const compliance = cmd.framework ? frameworkView(cmd.framework, spool, checks, result.inventory ?? []) : undefined;
    const { input, failSummary } = spooledReportInput(
      { ...head, findings: spool, inventory: result.inventory ?? [], summary: result.summary, ...(compliance ? { compliance } : {}) },
      shown,
      baseline && cmd.report.baseline ? { counts: baseline, file: cmd.report.baseline } : undefined,
      cmd.minSeverity,
    );
    await writeStreamed(batched(reportPieces(cmd.format, streamer, input, spool)), cmd.outputFile);
    failing = summaryFailsAt(failSummary, failOn);
  } else {
    // Every other report takes the findings as one array, read back in report order.
    result.findings = [...spool] as AuditResult['findings'];
    const extras = reportExtras(cmd.report, cmd.framework, baseline, result.findings, checks, result.inventory ?? []);

    if (wantReports) {
      const { buildReports } = await import('../../audit/policy-report.js');
      reports = buildReports({
        findings: result.findings,
        checked,
        gaps: result.gaps,
        acceptedGaps: cmd.skipForbidden,
        checkErrors: result.errors.map((e) => e.message),
        api: cmd.reportApi,
        now: started,
        clusterReport: !cmd.namespaces,
      });
    }

    if (cmd.format === 'policyreport') {
      await streamOutput(
        batched(reports.map((r) => `---\n${stringify(r, YAML_OPTIONS)}`)),
        cmd.outputFile,
      );
    } else {
      // --min-severity decides what is shown; --fail-on still sees every finding (that --baseline keeps).
      const input = heldReportInput(head, extras, result.summary, cmd.minSeverity);
      if (cmd.report.writeBaseline) writeBaselineFile(cmd.report.writeBaseline, { ...input, findings: result.findings, summary: result.summary });
      const reporter = REPORT_CHUNKS[cmd.format] as (typeof REPORT_CHUNKS)[string];
      const pieces = reportPieces(cmd.format, reporter, input, result.findings);
      await streamOutput(batched(pieces), cmd.outputFile);
    }
    failing = failsAt(extras.findings, failOn);
  }
  spool.close();
  if (cmd.format === 'text' && !cmd.outputFile) process.stdout.write(`${auditLine(result)}\n`);
  // Errors and warnings go to stderr in every format (the text report no longer carries them).
  for (const e of errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);

  if (client && cmd.target.kind === 'live' && cmd.target.writeReports) {
    const { writeReports } = await import('../../audit/write-reports.js');
    const w = await writeReports(client, reports, cmd.reportApi, { ...(cmd.namespaces ? { namespaces: cmd.namespaces } : {}), exclude: cmd.exclude });
    for (const e of w.errors) errors.push({ file: result.label, message: e });
    for (const e of w.errors) process.stderr.write(`error: ${e}\n`);
    process.stderr.write(`kubeharden: wrote ${w.written} report(s)${w.deleted ? `, deleted ${w.deleted} stale report(s)` : ''} to ${result.label}\n`);
  }
  client?.close();
  // An incomplete audit must never pass for a clean (or an ordinary failing) one: the exit table.
  return exitCode({ inputErrors: errors.length, failing, failOn });
}

/** streamOutput, where writing the report also reads (and may write) the findings' temporary files: their failure is a usage error naming them. */
async function writeStreamed(pieces: Iterable<string>, file: string | undefined): Promise<void> {
  try {
    await streamOutput(pieces, file);
  } catch (e) {
    if (e instanceof SpoolError) throw new UsageError(e.message);
    throw e;
  }
}

function auditLine(r: AuditResult): string {
  const folded = Object.entries(r.folded)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`);
  return `audited ${r.label}: ${r.namespaces} namespace${r.namespaces === 1 ? '' : 's'}${folded.length ? `; folded into their controllers: ${folded.join(', ')}` : ''}`;
}

interface InstallFlags {
  namespace: string;
  schedule: string;
  image: string;
  reportApi: string;
  crds: boolean;
  resource: string[];
  pss?: string;
}

async function install(flags: InstallFlags): Promise<number> {
  if (!(REPORT_API_NAMES as readonly string[]).includes(flags.reportApi)) throw new UsageError(`--report-api: "${flags.reportApi}" is not one of ${REPORT_API_NAMES.join(', ')}`);
  if (!NAMESPACE.test(flags.namespace)) throw new UsageError(`--namespace: "${flags.namespace}" is not a namespace name`);
  if (flags.schedule.trim().split(/\s+/).length !== 5 && !flags.schedule.trim().startsWith('@')) throw new UsageError(`--schedule: "${flags.schedule}" is not a cron schedule (five fields, e.g. "0 * * * *")`);
  parsePssFlag(flags.pss);
  const { auditInstallManifests } = await import('../../audit/install.js');
  let objects;
  try {
    objects = auditInstallManifests({
      namespace: flags.namespace,
      schedule: flags.schedule,
      image: flags.image,
      api: flags.reportApi as ReportApi,
      crds: flags.crds,
      extraResources: flags.resource,
      auditArgs: flags.pss ? [`--pss=${flags.pss}`] : [],
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const header = [
    `kubeharden ${VERSION} audit install: a CronJob that audits the cluster (${flags.schedule}) and writes ${flags.reportApi} reports.`,
    `Apply: kubeharden audit install | kubectl apply -f -${flags.crds ? '   (--no-crds where Kyverno or another tool installed the report CRDs)' : ''}`,
  ];
  process.stdout.write(`${header.map((l) => `# ${l}`).join('\n')}\n${objects.map((o) => `---\n${stringify(o, YAML_OPTIONS)}`).join('')}`);
  return EXIT_OK;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerAuditCommand(program: Command): void {
  // `audit install --namespace X`: install's options come after `install`, and commander hands
  // them to `audit` (which has -n/--namespace too) unless options are positional from the root.
  program.enablePositionalOptions();
  const audit = program
    .command('audit')
    .description('audit what a cluster is running (or a recorded dump of it) with the checks of scan; PolicyReports')
    .enablePositionalOptions()
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <ns>', 'audit only this namespace (repeatable, or comma-separated)', collect, [] as string[])
    .option('-A, --all-namespaces', 'audit every namespace (the default)')
    .option('--exclude-namespace <ns>', 'skip this namespace (repeatable)', collect, [] as string[])
    .option('--from <file>', 'audit a recorded cluster: `kubectl get … -A -o json|yaml` output or an `audit --dump` file; - for stdin')
    .addOption(new Option('-o, --output <format>', FORMATS.join(', ')).default('text'))
    .option('--output-file <file>', 'write the report to a file instead of stdout (its folder must exist)')
    .option('--write-reports', 'create or update one PolicyReport per namespace and a cluster report in the cluster')
    .addOption(new Option('--report-api <api>', 'report kinds: wgpolicyk8s (PolicyReport, v1alpha2) or openreports (Report, v1alpha1)').default('wgpolicyk8s'))
    .option('--skip-forbidden', 'lists the identity may not make are reported as not audited instead of failing (exit 2)')
    .option('--chunk-size <n>', 'objects per list page (like kubectl --chunk-size)', '500')
    .option('--dump <file>', 'also write the audited objects and cluster facts as a List, for --from and scan')
    .option('--request-timeout <seconds>', 'per request to the API server', '60')
    .option('--include-bootstrap', 'also report the RBAC objects the API server maintains itself (kubernetes.io/bootstrapping=rbac-defaults)');
  // The options of scan, from the same definitions: checks, reports, the image gate.
  addImageOptions(addReportOptions(addCheckOptions(audit), { repoUrl: false }))
    .action(async (flags: RawFlags) => {
      process.exitCode = await runAuditCommand(parseAuditFlags(flags));
    });
  audit
    .command('install')
    .description('print a CronJob that audits the cluster on a schedule and writes PolicyReports, its least-privilege RBAC and the report CRDs')
    .option('--namespace <ns>', 'namespace of the CronJob', 'kubeharden-system')
    .option('--schedule <cron>', 'when to audit', '0 * * * *')
    .option('--image <image>', 'kubeharden image', `ghcr.io/kubeharden/kubeharden:v${VERSION}`)
    .option('--report-api <api>', 'wgpolicyk8s or openreports', 'wgpolicyk8s')
    .option('--no-crds', 'leave out the report CRDs (Kyverno or another tool installed them)')
    .option('--resource <group/resource>', 'also allow listing this custom resource with pod templates (repeatable)', collect, [] as string[])
    .option('--pss <level[:version]>', 'audit with the Pod Security Standards at this level')
    .action(async (flags: InstallFlags) => {
      process.exitCode = await install(flags);
    });
}
