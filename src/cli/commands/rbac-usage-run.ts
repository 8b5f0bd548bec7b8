/**
 * The actions of `rbac suggest | unused | blast-radius` (loaded when one runs). Flags are parsed
 * once here; read problems go to stderr with file:line; the report still prints, and the exit
 * code is 2 when any input could not be read (an answer without it could be wrong), unless
 * --skip-unreadable (the same consent as the other rbac commands; --skip-invalid is its old name).
 */
import { severityRank, type Severity } from '../../engine/types.js';
import { readAuditLogs, type AuditReadReport } from '../../audit/reader.js';
import { describeWindow, parseWindow, type TimeWindow } from '../../audit/window.js';
import { describeAuditSubject, parseAuditSubject, SubjectError } from '../../rbac/usage/audit-subject.js';
import { SuggestBuilder } from '../../rbac/usage/suggest.js';
import { UsageTracker } from '../../rbac/usage/unused.js';
import { suggestJson, suggestYaml, unusedData, unusedText, unusedYaml } from '../../report/rbac-usage.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { stringify } from 'yaml';
import { BlastAnalyzer, findWorkload, WorkloadError, type BlastRadius } from '../../rbac/blast/radius.js';
import type { RbacPolicy, Workload } from '../../rbac/policy.js';
import { blastDot, blastHtml, blastJson, blastMermaid, blastText } from '../../report/blast-radius.js';
import { tabwrite } from '../../rbac/rules-list.js';
import type { InputFlags, RbacHost } from './rbac-usage-host.js';

interface AuditFlags {
  auditLog: string[];
  since?: string;
  until?: string;
  skipInvalid?: boolean;
}

function windowOf(flags: AuditFlags): TimeWindow {
  try {
    return parseWindow({ since: flags.since, until: flags.until });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function reportProblems(read: AuditReadReport, host: RbacHost, skipInvalid: boolean | undefined): void {
  for (const p of read.problems) host.io.stderr(`${skipInvalid ? 'skipped' : 'error'}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  if (read.problemsNotListed) host.io.stderr(`${skipInvalid ? 'skipped' : 'error'}: … and ${read.problemsNotListed} more line(s) with problems (counted in the summary)\n`);
}

function readExit(read: AuditReadReport, host: RbacHost, skipInvalid: boolean | undefined): number | undefined {
  if (!read.failed || skipInvalid) return undefined;
  host.io.stderr(`error: ${read.problems.length + read.problemsNotListed} audit input problem(s): the answer could be wrong without them (--skip-unreadable accepts it)\n`);
  return EXIT_USAGE;
}

/** Says when the log covers less of the window than asked (unused over 30 days of a 2-day log). */
function coverage(w: TimeWindow, read: AuditReadReport): string | undefined {
  if (read.first === undefined) return read.requests === 0 ? 'no request in the window: everything looks unused' : undefined;
  const day = 86_400_000;
  if (w.since !== -Infinity && read.first - w.since > day)
    return `the log starts at ${new Date(read.first).toISOString()}, ${Math.round((read.first - w.since) / day)} day(s) after the window's start: access used only before then shows as unused`;
  return undefined;
}

interface SuggestFlags extends AuditFlags {
  user?: string;
  group?: string;
  serviceaccount?: string;
  namespaceScoped?: boolean;
  generalizeNames?: boolean;
  name?: string;
  output: 'yaml' | 'json';
}

export async function runSuggest(flags: SuggestFlags, host: RbacHost): Promise<number> {
  let subject;
  try {
    subject = parseAuditSubject(flags);
  } catch (e) {
    if (e instanceof SubjectError) throw new UsageError(e.message);
    throw e;
  }
  if (flags.name !== undefined && (flags.name === '' || /[/%]/.test(flags.name))) throw new UsageError(`--name "${flags.name}": RBAC object names cannot be empty or contain / or %`);
  const window = windowOf(flags);
  const builder = new SuggestBuilder({ subject, generalizeNames: flags.generalizeNames, namespaceScoped: flags.namespaceScoped, name: flags.name });
  const read = await readAuditLogs(flags.auditLog, { window, onRequest: (r) => builder.add(r) });
  reportProblems(read, host, flags.skipInvalid);
  const out = { subject: describeAuditSubject(subject), suggestion: builder.result(), read, window };
  host.io.stdout(flags.output === 'json' ? suggestJson(out) : suggestYaml(out));
  if (out.suggestion.allowed === 0) host.io.stderr(`warning: no allowed request of ${out.subject} in ${describeWindow(window)} of the audit log(s): check the subject and the window\n`);
  return readExit(read, host, flags.skipInvalid) ?? EXIT_OK;
}

interface UnusedFlags extends AuditFlags, InputFlags {
  includeSystem?: boolean;
  minSeverity?: Severity;
  failOn: Severity | 'none';
}

export async function runUnused(flags: UnusedFlags, host: RbacHost): Promise<number> {
  const window = windowOf(flags);
  const src = await host.loadSource(flags);
  for (const w of src.warnings) host.io.stderr(`warning: ${w}\n`);
  const tracker = new UsageTracker(src.policy, { includeSystem: flags.includeSystem, serviceAccountsComplete: src.mode === 'live' && (src.live?.serviceAccountsComplete ?? false) });
  const read = await readAuditLogs(flags.auditLog, { window, onRequest: (r) => tracker.add(r) });
  reportProblems(read, host, flags.skipInvalid);
  const report = tracker.report();
  if (flags.minSeverity) report.findings = report.findings.filter((f) => severityRank(f.severity) >= severityRank(flags.minSeverity as Severity));
  const out = { report, read, window, coverage: coverage(window, read) };
  host.io.stdout(flags.output === 'json' ? `${JSON.stringify(unusedData(out), null, 2)}\n` : flags.output === 'yaml' ? unusedYaml(out) : unusedText(out));
  const failed = readExit(read, host, flags.skipInvalid);
  if (failed !== undefined) return failed;
  return flags.failOn !== 'none' && report.findings.some((f) => severityRank(f.severity) >= severityRank(flags.failOn as Severity)) ? EXIT_FINDINGS : EXIT_OK;
}

/** The raw object of each workload: loaded objects offline, the listed pods live. */
function workloadObjects(policy: RbacPolicy, liveInputs: ReadonlyArray<{ object: unknown }> | undefined): { objectOf: (w: Workload) => unknown; all: Array<{ namespace: string; object: unknown }> } {
  const live = new Map<string, unknown>();
  for (const i of liveInputs ?? []) {
    const o = i.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof o?.kind === 'string') live.set(`${o.kind}/${String(o.metadata?.namespace ?? '')}/${String(o.metadata?.name ?? '')}`, o);
  }
  const objectOf = (w: Workload): unknown => w.loaded?.object ?? live.get(`${w.kind}/${w.namespace}/${w.name}`);
  return { objectOf, all: policy.workloads.map((w) => ({ namespace: w.namespace, object: objectOf(w) })) };
}

export async function runBlastRadius(spec: string, flags: InputFlags, host: RbacHost): Promise<number> {
  const src = await host.loadSource(flags);
  for (const w of src.warnings) host.io.stderr(`warning: ${w}\n`);
  const objs = workloadObjects(src.policy, src.live?.inputs);
  let target;
  try {
    target = findWorkload(src.policy, spec, objs.objectOf);
  } catch (e) {
    if (e instanceof WorkloadError) throw new UsageError(e.message);
    throw e;
  }
  const r = new BlastAnalyzer(src.policy, objs.all).analyze(target);
  const render: Record<string, (x: BlastRadius) => string> = { text: blastText, json: blastJson, yaml: (x) => stringify(x, { lineWidth: 0 }), dot: blastDot, mermaid: blastMermaid, html: blastHtml };
  host.io.stdout(render[flags.output](r));
  return EXIT_OK;
}

export async function runWorkloadRanking(flags: InputFlags, host: RbacHost): Promise<number> {
  if (!['text', 'json', 'yaml'].includes(flags.output)) throw new UsageError(`--workloads prints text, json or yaml, not ${flags.output}`);
  const src = await host.loadSource(flags);
  for (const w of src.warnings) host.io.stderr(`warning: ${w}\n`);
  const objs = workloadObjects(src.policy, src.live?.inputs);
  const analyzer = new BlastAnalyzer(src.policy, objs.all);
  const seen = new Set<string>();
  const rows: BlastRadius[] = [];
  for (const w of src.policy.workloads) {
    const k = `${w.kind}/${w.namespace}/${w.name}/${w.serviceAccountName}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const t = { kind: w.kind, namespace: w.namespace, name: w.name, serviceAccountName: w.serviceAccountName, object: objs.objectOf(w), ...(w.loaded ? { source: `${w.loaded.source.file}:${w.loaded.source.locate([]).line}` } : {}) };
    rows.push(analyzer.analyze(t));
  }
  rows.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.become.length - a.become.length || b.secrets.readable.length - a.secrets.readable.length || `${a.workload.namespace}/${a.workload.name}`.localeCompare(`${b.workload.namespace}/${b.workload.name}`));
  const data = rows.map((r) => ({ workload: r.workload, serviceAccount: { namespace: r.serviceAccount.namespace, name: r.serviceAccount.name }, severity: r.severity, apiAccess: r.apiAccess, become: r.become.length, secretsReadable: r.secrets.readable.length, nodeAccess: r.node.length, cloudCredentials: r.cloud.length, summary: r.summary }));
  if (flags.output === 'json') host.io.stdout(`${JSON.stringify({ workloads: data }, null, 2)}\n`);
  else if (flags.output === 'yaml') host.io.stdout(stringify({ workloads: data }, { lineWidth: 0 }));
  else if (rows.length === 0) host.io.stdout('No workloads in the input.\n');
  else host.io.stdout(tabwrite([['SEVERITY', 'WORKLOAD', 'SERVICEACCOUNT', 'BLAST RADIUS'], ...rows.map((r) => [r.severity.toUpperCase(), `${r.workload.kind} ${r.workload.namespace}/${r.workload.name}`, `${r.serviceAccount.namespace}/${r.serviceAccount.name}`, r.summary])]));
  return EXIT_OK;
}
