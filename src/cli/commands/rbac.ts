/**
 * `kubeharden rbac can-i | who-can | lookup | risks`: RBAC analysis offline from manifests
 * (`-f PATH`, repeatable: files, directories, '-', Lists, Kustomize) or live from a cluster
 * (`--kubeconfig/--context`, in-cluster config when run in a pod).
 *
 * Exit codes: can-i 0 yes / 1 no; risks 1 when a finding is at or above --fail-on; 2 for usage
 * or input errors (including unreadable inputs, which would make the answer unreliable).
 */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { loadInputs } from '../../load/index.js';
import type { LoadedObject } from '../../load/types.js';
import { SEVERITIES, severityRank, type Severity } from '../../engine/types.js';
import { buildPolicy, inputsFromLoaded, type RbacInput, type RbacPolicy } from '../../rbac/policy.js';
import { bootstrapInputs } from '../../rbac/defaults.js';
import { authorize, grantReason, rulesFor, type Decision } from '../../rbac/authorizer.js';
import { whoCan, type WhoCanResult } from '../../rbac/locator.js';
import { effectiveRules, lookup, userForSubject, type LookupEntry } from '../../rbac/lookup.js';
import { analyzeRisks, describeSubjectShort, type RiskFinding } from '../../rbac/risks.js';
import { impersonatedUser, parseSubject } from '../../rbac/identity.js';
import { formatRulesTable, tabwrite } from '../../rbac/rules-list.js';
import { ResourceCatalog } from '../../rbac/resources.js';
import { parseTarget, RequestError } from '../../rbac/request.js';
import type { LiveLoad } from '../../rbac/live.js';

/** The live-cluster module pulls in @kubernetes/client-node (5 MB): offline commands never load it. */
const liveModule = () => import('../../rbac/live.js');
import { describeRequest, type PolicyRule, type RbacBinding, type RbacRole, type RequestAttributes, type Subject, type UserInfo } from '../../rbac/types.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { VERSION } from '../version.js';
import { registerRbacUsageCommands, runWorkloadRanking } from './rbac-usage.js';

interface CommonFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  withDefaults?: boolean;
  output: string;
  kustomize: boolean;
  skipInvalid?: boolean;
}

interface Source {
  policy: RbacPolicy;
  catalog: ResourceCatalog;
  mode: 'offline' | 'live';
  /** Default namespace (-n): 'default' offline, the context's namespace live. */
  namespace: string;
  live?: LiveLoad;
  warnings: string[];
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Where the commands write (tests swap it to capture output without touching process.stdout). */
export const rbacIo = {
  stdout: (s: string): void => void process.stdout.write(s),
  stderr: (s: string): void => void process.stderr.write(s),
};

function out(s: string): void {
  rbacIo.stdout(s.endsWith('\n') || s === '' ? s : `${s}\n`);
}

function warn(s: string): void {
  rbacIo.stderr(`Warning: ${s}\n`);
}

function addCommon(cmd: Command, formats: readonly string[] = ['text', 'json', 'yaml']): Command {
  return cmd
    .option('-f, --filename <path>', 'read RBAC objects offline from a file, directory, Kustomize directory or - (repeatable)', collect, [] as string[])
    .option('--kubeconfig <file>', 'live: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'live: kubeconfig context')
    .option('--with-defaults', 'offline: add the built-in ClusterRoles and bindings of a real cluster (cluster-admin, admin/edit/view, system:*)')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...formats]).default('text'))
    .option('--no-kustomize', 'read kustomization directories as plain files')
    .option('--skip-invalid', 'offline: answer from the readable inputs when some cannot be read (default: exit 2)');
}

async function loadSource(flags: CommonFlags): Promise<Source> {
  const catalog = new ResourceCatalog();
  const warnings: string[] = [];
  if (flags.filename.length > 0) {
    if (flags.kubeconfig || flags.context) throw new UsageError('use either -f (offline) or --kubeconfig/--context (live), not both');
    const loaded = await loadInputs(flags.filename, { kustomize: flags.kustomize });
    if (loaded.errors.length) {
      for (const e of loaded.errors) rbacIo.stderr(`${flags.skipInvalid ? 'skipped' : 'error'}: ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}\n`);
      if (!flags.skipInvalid) throw new InputFailure(`${loaded.errors.length} input error(s): the answer could be wrong without them (--skip-invalid answers from the rest)`);
      warnings.push(`${loaded.errors.length} input error(s) skipped: objects in them are not part of the answer`);
    }
    warnings.push(...loaded.warnings);
    for (const o of loaded.objects) if (o.kind === 'CustomResourceDefinition') catalog.addCrd(o.object);
    const inputs: RbacInput[] = [...(flags.withDefaults ? bootstrapInputs() : []), ...inputsFromLoaded(loaded.objects)];
    const policy = buildPolicy(inputs);
    warnings.push(...policy.warnings);
    if (!flags.withDefaults && (policy.clusterRoleBindings.length || policy.roleBindings.length)) {
      const missingBuiltins = policy.allBindings().some((b) => b.roleRef.kind === 'ClusterRole' && !policy.getClusterRole(b.roleRef.name) && ['admin', 'edit', 'view', 'cluster-admin'].includes(b.roleRef.name));
      if (missingBuiltins) warnings.push('bindings reference built-in ClusterRoles (admin/edit/view/cluster-admin) that are not in the input: add --with-defaults to include them');
    }
    return { policy, catalog, mode: 'offline', namespace: 'default', warnings };
  }
  if (flags.withDefaults) warnings.push('--with-defaults only applies offline (-f): a live cluster has its own defaults');
  let live: LiveLoad;
  try {
    live = await (await liveModule()).loadLive({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (e) {
    throw new InputFailure(`cannot read the cluster: ${(e as Error).message}`);
  }
  const { forbiddenText } = await liveModule();
  for (const f of live.forbidden) warnings.push(forbiddenText(f));
  for (const e of live.errors) warnings.push(e);
  for (const crd of live.crds) catalog.addCrd(crd);
  const policy = buildPolicy(live.inputs, { aggregate: false });
  policy.complete = live.rbacComplete;
  warnings.push(...policy.warnings);
  return { policy, catalog, mode: 'live', namespace: live.namespace, live, warnings };
}

class InputFailure extends Error {}

function emit(flags: { output: string }, data: unknown, text: () => string): void {
  if (flags.output === 'json') out(JSON.stringify(data, null, 2));
  else if (flags.output === 'yaml') out(stringify(data));
  else out(text());
}

// ---- descriptions of objects with their source positions -------------------------------------

function whereOf(o: { origin: string; loaded?: LoadedObject }, path: ReadonlyArray<string | number> = []): string | undefined {
  if (o.origin === 'builtin') return 'built-in bootstrap policy';
  if (o.origin === 'live') return 'cluster';
  if (!o.loaded) return undefined;
  const r = o.loaded.source.locate(path);
  return `${o.loaded.source.file}:${r.line}`;
}

function bindingJson(b: RbacBinding): Record<string, unknown> {
  const w = whereOf(b);
  return { kind: b.kind, name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}), ...(w ? { source: w } : {}) };
}

function roleJson(r: RbacRole, ruleIndex?: number): Record<string, unknown> {
  const w = whereOf(r, ruleIndex !== undefined && ruleIndex >= 0 && r.ruleOrigins[ruleIndex]?.role === r.name ? ['rules', ruleIndex] : []);
  return { kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), ...(w ? { source: w } : {}) };
}

function subjectJson(s: Subject): Record<string, unknown> {
  return { kind: s.kind, ...(s.namespace ? { namespace: s.namespace } : {}), name: s.name };
}

function ruleText(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.nonResourceURLs.length) parts.push(`nonResourceURLs: [${r.nonResourceURLs.join(', ')}]`);
  if (r.apiGroups.length || r.resources.length) {
    parts.push(`apiGroups: [${r.apiGroups.map((g) => JSON.stringify(g)).join(', ')}]`);
    parts.push(`resources: [${r.resources.join(', ')}]`);
  }
  if (r.resourceNames.length) parts.push(`resourceNames: [${r.resourceNames.join(', ')}]`);
  parts.push(`verbs: [${r.verbs.join(', ')}]`);
  return parts.join('  ');
}

function ruleProvenance(policy: RbacPolicy, role: RbacRole, i: number): { text: string; json: Record<string, unknown> } {
  const o = role.ruleOrigins[i];
  if (!o || o.role === role.name) {
    const w = whereOf(role, ['rules', i]);
    return { text: `rule ${i} of ${role.kind} "${role.name}"${w ? ` (${w})` : ''}`, json: { index: i, ...(w ? { source: w } : {}) } };
  }
  const from = policy.getClusterRole(o.role);
  const w = from ? whereOf(from, ['rules', o.index]) : undefined;
  return {
    text: `rule ${i} of ClusterRole "${role.name}", aggregated from rule ${o.index} of ClusterRole "${o.role}"${w ? ` (${w})` : ''}`,
    json: { index: i, aggregatedFrom: { clusterRole: o.role, index: o.index, ...(w ? { source: w } : {}) } },
  };
}

// ---- can-i -------------------------------------------------------------------------------------

interface CanIFlags extends CommonFlags {
  subresource?: string;
  namespace?: string;
  allNamespaces?: boolean;
  as?: string;
  asGroup: string[];
  explain?: boolean;
  list?: boolean;
  quiet?: boolean;
  noHeaders?: boolean;
  verify?: boolean;
}

async function resolveUser(flags: { as?: string; asGroup: string[]; kubeconfig?: string; context?: string }, src: Source): Promise<UserInfo> {
  if (flags.asGroup.length && !flags.as) throw new UsageError('--as-group requires --as (impersonating groups needs a user, as in kubectl)');
  if (flags.as !== undefined) return impersonatedUser(flags.as, flags.asGroup);
  if (src.mode === 'offline') throw new UsageError('offline (-f) there is no current user: give --as USER (e.g. --as system:serviceaccount:NS:NAME)');
  try {
    return await (await liveModule()).whoAmI({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (e) {
    throw new InputFailure(`cannot tell who the kubeconfig user is (SelfSubjectReview): ${(e as Error).message}; give --as`);
  }
}

function requestJson(a: RequestAttributes): Record<string, unknown> {
  return a.resourceRequest
    ? { verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, name: a.name, namespace: a.namespace }
    : { verb: a.verb, nonResourceURL: a.path };
}

function decisionJson(policy: RbacPolicy, d: Decision): Record<string, unknown> {
  const out: Record<string, unknown> = { allowed: d.allowed, reason: d.reason };
  if (d.bypass) out.bypass = d.bypass;
  if (d.grant) {
    const g = d.grant;
    out.grant = { binding: bindingJson(g.binding), role: roleJson(g.role), subject: subjectJson(g.subject), rule: { ...ruleProvenance(policy, g.role, g.ruleIndex).json, ...g.rule } };
  }
  if (d.errors.length) out.errors = d.errors;
  return out;
}

export async function runCanI(args: string[], flags: CanIFlags): Promise<number> {
  if (flags.list) {
    if (args.length) throw new UsageError('--list takes no VERB/RESOURCE');
    if (flags.allNamespaces) throw new UsageError('--list and --all-namespaces cannot be used together (as in kubectl)');
    if (flags.subresource) throw new UsageError('--list and --subresource cannot be used together (as in kubectl)');
  } else if (args.length < 2) throw new UsageError('usage: rbac can-i VERB RESOURCE[.GROUP][/NAME] | VERB /URL  (or --list)');
  if (flags.allNamespaces && flags.namespace) throw new UsageError('-n and -A cannot be used together');
  const src = await loadSource(flags);
  const user = await resolveUser(flags, src);
  const namespace = flags.allNamespaces ? '' : (flags.namespace ?? src.namespace);
  for (const w of src.warnings) warn(w);

  if (flags.list) {
    const eff = effectiveRules(src.policy, user, namespace);
    for (const e of eff.errors) warn(e);
    emit(
      flags,
      {
        user,
        namespace,
        rules: eff.rules,
        grants: eff.grants.map((g) => ({ rule: g.rule, binding: bindingJson(g.grant.binding), role: roleJson(g.grant.role, g.grant.ruleIndex), ruleIndex: g.grant.ruleIndex })),
        incomplete: src.mode === 'live' && !src.policy.complete,
      },
      () => formatRulesTable(eff.rules, !flags.noHeaders),
    );
    return EXIT_OK;
  }

  const [verb, target] = args;
  let parsed;
  try {
    parsed = parseTarget(verb, target, { subresource: flags.subresource, namespace, namespaceExplicit: flags.namespace !== undefined, catalog: src.catalog });
  } catch (e) {
    if (e instanceof RequestError) throw new UsageError(e.message);
    throw e;
  }
  for (const w of parsed.warnings) warn(w);
  const attrs = parsed.attrs;
  const d = authorize(src.policy, user, attrs);
  let cluster: { allowed: boolean; reason: string } | undefined;
  if (flags.verify) {
    if (src.mode !== 'live') throw new UsageError('--verify asks the cluster: it needs live mode (--kubeconfig/--context)');
    cluster = await (await liveModule()).subjectAccessReview({ kubeconfig: flags.kubeconfig, context: flags.context }, user, attrs);
    if (cluster.allowed !== d.allowed)
      warn(`the cluster's authorizer says ${cluster.allowed ? 'yes' : 'no'}${cluster.reason ? ` (${cluster.reason})` : ''}: another authorizer (Node, webhook) or objects this caller cannot list decide; the cluster's answer is used`);
  }
  const allowed = cluster ? cluster.allowed : d.allowed;
  if (!flags.quiet) {
    emit(
      flags,
      { allowed, request: requestJson(attrs), user, ...decisionJson(src.policy, d), ...(cluster ? { cluster } : {}), warnings: [...src.warnings, ...parsed.warnings] },
      () => (flags.explain ? `${allowed ? 'yes' : 'no'}\n${explainText(src, user, attrs, d)}` : allowed ? 'yes' : 'no'),
    );
  }
  return allowed ? EXIT_OK : EXIT_FINDINGS;
}

function explainText(src: Source, user: UserInfo, attrs: RequestAttributes, d: Decision): string {
  const lines: string[] = [];
  lines.push(`request: ${describeRequest(attrs)}`);
  lines.push(`as: User "${user.name}"${user.groups.length ? ` in groups ${user.groups.join(', ')}` : ''}`);
  if (d.bypass) lines.push(d.reason);
  else if (d.grant) {
    const g = d.grant;
    const bw = whereOf(g.binding);
    lines.push(`${grantReason(g)}${bw ? ` (${bw})` : ''}`);
    lines.push(`  by ${ruleProvenance(src.policy, g.role, g.ruleIndex).text}:`);
    lines.push(`    ${ruleText(g.rule)}`);
  } else {
    const applying = rulesFor(src.policy, user, attrs.resourceRequest ? attrs.namespace : '');
    const bindings = new Map<RbacBinding, RbacRole>();
    for (const r of applying.rules) bindings.set(r.grant.binding, r.grant.role);
    lines.push(`no rule of the ${bindings.size} binding(s) that apply to this user allows it${attrs.resourceRequest && attrs.namespace ? '' : ' (cluster-wide requests are granted only by ClusterRoleBindings)'}`);
    for (const [b, role] of bindings) {
      const w = whereOf(b);
      lines.push(`  ${b.kind} "${b.namespace ? `${b.namespace}/` : ''}${b.name}"${w ? ` (${w})` : ''} → ${role.kind} "${role.name}" (${role.rules.length} rules)`);
    }
  }
  for (const e of d.errors) lines.push(`note: ${e}`);
  return lines.join('\n');
}

// ---- who-can -----------------------------------------------------------------------------------

interface WhoCanFlags extends CommonFlags {
  subresource?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

function whoCanJson(r: WhoCanResult, attrs: RequestAttributes): Record<string, unknown> {
  return {
    request: requestJson(attrs),
    subjects: r.subjects.map((e) => ({
      ...subjectJson(e.subject),
      ...(e.implicit ? { implicit: e.implicit } : {}),
      grants: e.grants.map((g) => ({ binding: bindingJson(g.binding), role: roleJson(g.role, g.ruleIndex), ruleIndex: g.ruleIndex, scope: g.namespace || 'cluster' })),
      ...(e.workloads ? { workloads: e.workloads.map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, ...(w.owner ? { owner: w.owner } : {}) })) } : {}),
    })),
    ignored: r.ignored.map((i) => ({ subject: subjectJson(i.subject), binding: bindingJson(i.binding), problem: i.problem })),
    errors: r.errors,
  };
}

function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace ?? '?'}/${s.name}` : s.name;
}

export async function runWhoCan(args: string[], flags: WhoCanFlags): Promise<number> {
  if (args.length < 2) throw new UsageError('usage: rbac who-can VERB RESOURCE[.GROUP][/NAME] | VERB /URL');
  if (flags.allNamespaces && flags.namespace) throw new UsageError('-n and -A cannot be used together');
  const src = await loadSource(flags);
  for (const w of src.warnings) warn(w);
  const namespace = flags.allNamespaces ? '' : (flags.namespace ?? src.namespace);
  let parsed;
  try {
    parsed = parseTarget(args[0], args[1], { subresource: flags.subresource, namespace, namespaceExplicit: flags.namespace !== undefined, catalog: src.catalog });
  } catch (e) {
    if (e instanceof RequestError) throw new UsageError(e.message);
    throw e;
  }
  for (const w of parsed.warnings) warn(w);
  const r = whoCan(src.policy, parsed.attrs, { allNamespaces: flags.allNamespaces, workloads: true });
  for (const e of r.errors) warn(e);
  emit(flags, whoCanJson(r, parsed.attrs), () => {
    const rows: string[][] = [['SUBJECT', 'KIND', 'SCOPE', 'BINDING', 'ROLE']];
    const extra: string[] = [];
    for (const e of r.subjects) {
      if (e.implicit) rows.push([subjectName(e.subject), e.subject.kind, 'cluster', '-', `(${e.implicit})`]);
      for (const g of e.grants)
        rows.push([
          subjectName(e.subject),
          e.subject.kind,
          g.namespace || 'cluster',
          `${g.binding.kind}/${g.binding.name}`,
          `${g.role.kind}/${g.role.name}`,
        ]);
      if (e.workloads?.length) {
        const shown = e.workloads.slice(0, 10).map((w) => `${w.kind} ${w.namespace}/${w.name}`);
        extra.push(`${describeSubjectShort(e.subject)} runs: ${shown.join(', ')}${e.workloads.length > 10 ? `, … (${e.workloads.length} in all)` : ''}`);
      }
    }
    for (const i of r.ignored) extra.push(`ignored: ${i.binding.kind} ${i.binding.name}: ${i.problem}`);
    return `${describeRequest(parsed.attrs)}\n${tabwrite(rows)}${extra.length ? `\n${extra.join('\n')}\n` : ''}`;
  });
  return EXIT_OK;
}

// ---- lookup ------------------------------------------------------------------------------------

interface LookupFlags extends CommonFlags {
  list?: boolean;
  namespace?: string;
  direct?: boolean;
  noHeaders?: boolean;
}

function lookupJson(e: LookupEntry): Record<string, unknown> {
  return {
    subject: subjectJson(e.subject),
    scope: e.scope || 'cluster',
    binding: bindingJson(e.binding),
    role: e.role ? roleJson(e.role) : { kind: e.binding.roleRef.kind, name: e.binding.roleRef.name, missing: true },
    ...(e.via ? { via: e.via } : {}),
    ...(e.error ? { error: e.error } : {}),
  };
}

export async function runLookup(args: string[], flags: LookupFlags): Promise<number> {
  if (args.length !== 1) throw new UsageError('usage: rbac lookup SUBJECT  (User:NAME, Group:NAME, ServiceAccount:NS/NAME, system:serviceaccount:NS:NAME, or a bare name)');
  const text = args[0];
  const subject = parseSubject(text);
  const kindExplicit = /^[A-Za-z]+:/.test(text) && !(subject.kind === 'User' && subject.name === text);
  const src = await loadSource(flags);
  for (const w of src.warnings) warn(w);
  const entries = lookup(src.policy, { subject, kindExplicit }, { inherited: !flags.direct });
  if (flags.list) {
    const namespace = flags.namespace ?? src.namespace;
    const subj = kindExplicit ? subject : (entries.find((e) => !e.via)?.subject ?? subject);
    const user = userForSubject(subj);
    const eff = effectiveRules(src.policy, user, namespace);
    for (const e of eff.errors) warn(e);
    emit(flags, { subject: subjectJson(subj), user, namespace, rules: eff.rules, bindings: entries.map(lookupJson) }, () => formatRulesTable(eff.rules, !flags.noHeaders));
    return EXIT_OK;
  }
  emit(flags, { subject: subjectJson(subject), bindings: entries.map(lookupJson) }, () => {
    if (entries.length === 0) return `No RBAC bindings found for ${text}`;
    const rows: string[][] = [['SUBJECT', 'KIND', 'SCOPE', 'ROLE', 'BINDING', 'VIA']];
    for (const e of entries)
      rows.push([
        subjectName(e.subject),
        e.subject.kind,
        e.scope || 'cluster-wide',
        `${e.binding.roleRef.kind}/${e.binding.roleRef.name}${e.role ? '' : ' (missing)'}`,
        `${e.binding.kind}/${e.binding.name}`,
        e.via ?? '-',
      ]);
    return tabwrite(rows);
  });
  return EXIT_OK;
}

// ---- risks -------------------------------------------------------------------------------------

interface RisksFlags extends CommonFlags {
  minSeverity?: Severity;
  failOn: Severity;
  includeBuiltin?: boolean;
  subject?: string;
  transitive: boolean;
}

function riskJson(f: RiskFinding): Record<string, unknown> {
  return {
    id: f.id,
    ...(f.row ? { row: f.row } : {}),
    severity: f.severity,
    title: f.title,
    subject: subjectJson(f.subject),
    scope: f.scope || 'cluster',
    message: f.message,
    grants: f.grants,
    ...(f.names ? { names: f.names } : {}),
    ...(f.path ? { path: f.path.map((p) => ({ kind: p.kind, from: subjectJson(p.from), to: subjectJson(p.to), how: p.how, ...(p.grant ? { grant: p.grant } : {}) })) } : {}),
    ...(f.builtin ? { builtin: true } : {}),
  };
}

export async function runRisks(flags: RisksFlags): Promise<number> {
  const src = await loadSource(flags);
  for (const w of src.warnings) warn(w);
  const subject = flags.subject ? parseSubject(flags.subject) : undefined;
  const report = analyzeRisks(src.policy, {
    includeBuiltin: flags.includeBuiltin,
    serviceAccountsComplete: src.mode === 'live' && (src.live?.serviceAccountsComplete ?? false),
    transitive: flags.transitive,
    ...(subject ? { subject } : {}),
    ...(flags.minSeverity ? { minSeverity: flags.minSeverity } : {}),
  });
  if (flags.output === 'html') {
    const { risksHtml } = await import('../../report/html/rbac-risks.js');
    const what = flags.filename.length ? `-f ${flags.filename.join(' -f ')}${flags.withDefaults ? ' --with-defaults' : ''}` : `live${flags.context ? ` --context ${flags.context}` : ''}`;
    out(risksHtml(report.findings, { subject: `${report.subjects} subjects analysed (${what})`, toolVersion: VERSION, failOn: flags.failOn, warnings: src.warnings }));
  } else emit(flags, { findings: report.findings.map(riskJson), subjects: report.subjects }, () => {
    if (report.findings.length === 0) return `No RBAC risks found (${report.subjects} subjects analysed).`;
    const lines: string[] = [];
    for (const f of report.findings) {
      lines.push(`${f.severity.toUpperCase().padEnd(8)} ${f.id}${f.row ? ` (#${f.row})` : ''}  ${describeSubjectShort(f.subject)}  ${f.scope ? `namespace ${f.scope}` : 'cluster-wide'}`);
      lines.push(`         ${f.message}`);
      const shown = new Set<string>();
      for (const g of f.grants) {
        const k = `${g.binding.kind}/${g.binding.namespace ?? ''}/${g.binding.name}/${g.ruleIndex}`;
        if (g.ruleIndex < 0 || shown.has(k) || shown.size >= 3) continue;
        shown.add(k);
        lines.push(`         via ${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name} → ${g.role.kind} ${g.role.name} rule ${g.ruleIndex}: ${ruleText(g.rule)}`);
      }
    }
    const counts = [...SEVERITIES].reverse().map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    lines.push('', `${report.findings.length} finding(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')} (${report.subjects} subjects analysed)`);
    return lines.join('\n');
  });
  return report.findings.some((f) => severityRank(f.severity) >= severityRank(flags.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

// ---- registration ------------------------------------------------------------------------------

async function guard(run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (e) {
    if (e instanceof InputFailure) {
      rbacIo.stderr(`kubeharden: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    throw e;
  }
}

export function registerRbacCommand(program: Command): void {
  const rbac = program
    .command('rbac')
    .description('RBAC analysis with the exact semantics of the Kubernetes authorizer: can-i, who-can, lookup, risks (offline with -f, live with --kubeconfig/--context)');
  const host = { addCommon, loadSource, guard, io: rbacIo };

  addCommon(
    rbac
      .command('can-i')
      .description('can USER do VERB on RESOURCE? prints yes or no first; exit 0 yes, 1 no (like kubectl auth can-i)')
      .argument('[verb]', 'verb (get, list, create, …, or an HTTP verb for URLs)')
      .argument('[target]', 'RESOURCE[.GROUP][/NAME] or a non-resource URL (/healthz)')
      .option('--subresource <name>', 'subresource (log, exec, status, scale, …)')
      .option('-n, --namespace <ns>', 'namespace of the request (default: "default" offline, the context namespace live)')
      .option('-A, --all-namespaces', 'ask about all namespaces (only cluster-wide grants count)')
      .option('--as <user>', 'the user to ask for; system:serviceaccount:NS:NAME for a ServiceAccount (implicit groups are added like impersonation)')
      .option('--as-group <group>', 'a group of the user (repeatable)', collect, [] as string[])
      .option('--explain', 'name the binding, role and rule that allow it (or the bindings that apply when denied)')
      .option('--list', 'list every rule the user has in the namespace (like kubectl auth can-i --list)')
      .option('--no-headers', 'with --list: no header row')
      .option('-q, --quiet', 'print nothing; only the exit code')
      .option('--verify', 'live: also ask the cluster (SubjectAccessReview) and use its answer if they differ'),
  ).action(async (verb: string | undefined, target: string | undefined, flags: CanIFlags & { headers?: boolean }) => {
    flags.noHeaders = flags.headers === false;
    await guard(() => runCanI([verb, target].filter((x): x is string => x !== undefined), flags));
  });

  addCommon(
    rbac
      .command('who-can')
      .description('every subject allowed to do VERB on RESOURCE, with the binding and role granting it; ServiceAccounts expanded to their workloads')
      .argument('<verb>', 'verb')
      .argument('<target>', 'RESOURCE[.GROUP][/NAME] or a non-resource URL')
      .option('--subresource <name>', 'subresource')
      .option('-n, --namespace <ns>', 'namespace of the request (default: "default" offline, the context namespace live)')
      .option('-A, --all-namespaces', 'RoleBindings of every namespace count, each in its namespace'),
  ).action(async (verb: string, target: string, flags: WhoCanFlags) => {
    await guard(() => runWhoCan([verb, target], flags));
  });

  addCommon(
    rbac
      .command('lookup')
      .description('the bindings of a subject: roles and scope (and bindings through its implicit groups); --list prints its effective rules')
      .argument('<subject>', 'User:NAME, Group:NAME, ServiceAccount:NS/NAME, system:serviceaccount:NS:NAME, or a bare name (any kind)')
      .option('--list', 'effective rules in the namespace, like kubectl auth can-i --list')
      .option('-n, --namespace <ns>', 'namespace for --list')
      .option('--direct', 'only bindings that name the subject itself')
      .option('--no-headers', 'with --list: no header row'),
  ).action(async (subject: string, flags: LookupFlags & { headers?: boolean }) => {
    flags.noHeaders = flags.headers === false;
    await guard(() => runLookup([subject], flags));
  });

  addCommon(
    rbac
      .command('risks')
      .description('subjects holding escalation permissions (20-row catalogue), transitive paths (create pods ⇒ act as every ServiceAccount), Users bound directly, dangling bindings')
      .addOption(new Option('--min-severity <severity>', 'report only findings at or above').choices([...SEVERITIES]))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above').choices([...SEVERITIES]).default('high'))
      .option('--include-builtin', 'also report grants of the built-in bootstrap policy')
      .option('--subject <subject>', 'only this subject')
      .option('--no-transitive', 'do not follow escalation paths')
      .option('--workloads', 'rank every workload by its blast radius instead (see rbac blast-radius; text, json or yaml)'),
    ['text', 'json', 'yaml', 'html'],
  ).action(async (flags: RisksFlags & { workloads?: boolean }) => {
    await guard(() => (flags.workloads ? runWorkloadRanking(flags, host) : runRisks(flags)));
  });

  registerRbacUsageCommands(rbac, host);
}
