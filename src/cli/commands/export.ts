/**
 * `kubeharden export vap`: the checks as ValidatingAdmissionPolicies and bindings, for clusters
 * that run no admission webhook. Policies go to stdout (YAML or JSON), the report of what could
 * not be exported to stderr; `--strict` makes a check that cannot be exported an error (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { DEFAULT_POLICY } from '../../admission/policy.js';
import type { Config } from '../../engine/config.js';
import { SEVERITIES, type Severity } from '../../engine/types.js';
import { ACTIONS, exportVap, typeCheckProbes, type Action, type VapReport } from '../../vap/export.js';
import { parseLabelSelector } from '../../vap/selector.js';
import { readConfigFile } from '../config.js';
import { parsePssFlag } from '../pss-flag.js';
import { checksWithPss, parseSetFlags, prepareCliRun } from '../run.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { printWarnings, writeStdout } from '../output.js';

interface ExportFlags {
  checks?: string;
  pss?: string;
  profile?: string;
  action: Action;
  namespaceSelector?: string;
  exemptNamespaces: string;
  failOn?: Severity;
  set: string[];
  annotationExemptions: boolean;
  namePrefix: string;
  strict?: boolean;
  output: 'yaml' | 'json';
  reportFile?: string;
  typeCheckProbes?: boolean;
}

function reportText(r: VapReport, policies: number, action: Action, failOn: Severity): string {
  const lines = [`kubeharden export vap: ${r.exported.length} check(s) in ${policies} ValidatingAdmissionPolicies (action ${action}, fail-on ${failOn})`];
  const partial = r.exported.filter((e) => e.leftOut);
  if (partial.length) {
    lines.push(`exported for some kinds only (${partial.length}):`);
    for (const e of partial) lines.push(`  ${e.id}: not for ${e.leftOut?.kinds.join(', ')}: ${e.leftOut?.reason}`);
  }
  if (r.notExported.length) {
    lines.push(`not exported (${r.notExported.length}):`);
    for (const n of r.notExported) lines.push(`  ${n.id}: ${n.reason}`);
  }
  if (r.belowFailOn.length) lines.push(`below --fail-on ${failOn}, not exported (${r.belowFailOn.length}): ${r.belowFailOn.join(', ')}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** --profile FILE, else the nearest .kubeharden.yaml, as `scan` reads its configuration. */
async function readProfile(file: string | undefined): Promise<{ config: Config; file?: string }> {
  if (file === undefined) return readConfigFile(undefined);
  try {
    readFileSync(file);
  } catch (e) {
    throw new UsageError(`--profile: cannot read ${file}: ${(e as Error).message}`);
  }
  return readConfigFile(file);
}

export async function runExportVap(flags: ExportFlags): Promise<number> {
  const { config, file: configFile } = await readProfile(flags.profile);
  const named = flags.checks ? flags.checks.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  if (flags.checks !== undefined && !named?.length) throw new UsageError('--checks: no check ids given');
  const pss = parsePssFlag(flags.pss);
  // Unknown ids (on the command line or in the profile) are refused here, with a did-you-mean, as by scan.
  const { only, note } = checksWithPss(named, pss);
  if (note) process.stderr.write(`note: ${note}\n`);
  const run = prepareCliRun({
    config,
    configOrigin: configFile,
    only,
    settings: { ...parseSetFlags(flags.set), ...(pss ? { pss } : {}) },
    settingsOrigin: '--set',
    annotationExemptions: flags.annotationExemptions === false ? false : undefined,
  });
  const failOn = flags.failOn ?? (config.failOn && config.failOn !== 'none' ? config.failOn : 'high');
  const now = new Date();
  const live = run.exemptions.filter((e) => e.expires === undefined || Date.parse(e.expires) >= now.getTime());
  const result = exportVap({
    checks: run.checks,
    settings: run.settings,
    severityOverrides: new Set(Object.keys(config.checks?.severity ?? {})),
    failOn,
    action: flags.action,
    annotationExemptions: run.annotationExemptions,
    exemptions: live,
    exemptNamespaces: flags.exemptNamespaces.split(',').map((s) => s.trim()).filter(Boolean),
    exemptUsernames: DEFAULT_POLICY.exemptions?.usernames ?? [],
    ...(flags.namespaceSelector !== undefined ? { namespaceSelector: parseNamespaceSelector(flags.namespaceSelector) } : {}),
    prefix: flags.namePrefix,
  });
  const docs = flags.typeCheckProbes ? typeCheckProbes(result.documents) : result.documents;
  printWarnings(run.warnings);
  const text = reportText(result.report, result.documents.length / 2, flags.action, failOn);
  if (docs.length === 0) {
    process.stderr.write(text);
    throw new UsageError('no check could be exported: nothing to write');
  }
  writeStdout(flags.output === 'json' ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }, null, 2)}\n` : docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
  process.stderr.write(text);
  if (flags.reportFile) writeReport(flags.reportFile, result.report);
  if (flags.strict && result.report.notExported.length) {
    process.stderr.write(`kubeharden: --strict: ${result.report.notExported.length} check(s) cannot be exported: ${result.report.notExported.map((n) => n.id).join(', ')}\n`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

function parseNamespaceSelector(s: string) {
  try {
    return parseLabelSelector(s);
  } catch (e) {
    throw new UsageError(`--namespace-selector: ${(e as Error).message}`);
  }
}

function writeReport(file: string, report: VapReport): void {
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (e) {
    throw new UsageError(`--report-file: cannot write ${file}: ${(e as Error).message}`);
  }
}

export function registerExportCommand(program: Command): void {
  const exp = program.command('export').description('export the checks for other enforcement points');
  exp
    .command('vap')
    .description('the checks as ValidatingAdmissionPolicies and bindings (admissionregistration.k8s.io/v1), no webhook needed')
    .option('--checks <ids>', 'export only these checks (comma-separated ids)')
    .option('--pss <level[:version]>', 'also enforce the Pod Security Standards at this level for every pod: baseline|restricted[:v1.N|:latest]')
    .option('--profile <file>', 'a kubeharden configuration (.kubeharden.yaml format): checks, severities, settings, pss, exemptions, failOn (default: .kubeharden.yaml searched upward, as scan)')
    .addOption(new Option('--action <action>', 'what the binding does with a failure').choices(ACTIONS).default('deny'))
    .addOption(new Option('--fail-on <severity>', 'act on findings at or above this severity, as scan --fail-on (default: the profile\'s failOn, else high)').choices(SEVERITIES))
    .option('--namespace-selector <selector>', 'bind only in namespaces matching this label selector, e.g. env=prod,team!=infra')
    .option('--exempt-namespaces <names>', 'namespaces the policies never judge (comma-separated; "" for none)', 'kube-system')
    .option('--set <key=value>', 'a check setting, e.g. allowedRegistries=ghcr.io/acme (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--no-annotation-exemptions', 'ignore ignore.kubeharden.io/<CHECK> annotations')
    .option('--name-prefix <prefix>', 'policy and binding names are <prefix>-<resource>', 'kubeharden')
    .option('--strict', 'exit 2 when a selected check cannot be exported')
    .option('--report-file <file>', 'also write the export report as JSON')
    .option('--type-check-probes', 'write unbound copies of the policies whose status.typeChecking shows whether every expression fits the cluster\'s schema, instead of the policies')
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .action(async (flags: ExportFlags) => {
      if (!/^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/.test(flags.namePrefix)) throw new UsageError(`--name-prefix: "${flags.namePrefix}" is not a lower-case DNS name prefix`);
      process.exitCode = await runExportVap(flags);
    });
}

