/**
 * `kubeharden rbac can-i | who-can | lookup | risks`: RBAC analysis offline from manifests
 * (`-f PATH`, repeatable: files, directories, '-', Lists, Kustomize) or live from a cluster
 * (`--kubeconfig/--context`, in-cluster config when run in a pod). What is printed is shaped in
 * src/report/rbac.ts.
 *
 * Fail closed: an answer computed from part of the RBAC objects can say "no" where the cluster
 * says "yes", so any input or cluster list that cannot be read is an error (exit 2, naming the
 * cluster/context and the cause) unless --skip-unreadable accepts a partial answer, which then
 * says what was not read. Exit codes otherwise follow src/cli/exit.ts: can-i 0 yes / 1 no; risks
 * 1 for a finding at or above --fail-on.
 */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { loadInputs } from '../../load/index.js';
import { applyNamespace, namespaceConflictText } from '../../load/namespace.js';
import { CONFIG_NAMES } from '../../engine/config-file.js';
import { isClusterScoped } from '../../engine/object-index.js';
import { SEVERITIES, severityRank, type FailOn, type Severity } from '../../engine/types.js';
import { buildPolicy, inputsFromLoaded, type RbacInput, type RbacPolicy } from '../../rbac/policy.js';
import { bootstrapInputs } from '../../rbac/defaults.js';
import { authorize } from '../../rbac/authorizer.js';
import { whoCan } from '../../rbac/locator.js';
import { effectiveRules, lookup, userForSubject } from '../../rbac/lookup.js';
import { analyzeRisks } from '../../rbac/risks.js';
import { impersonatedUser, parseSubject } from '../../rbac/identity.js';
import { formatRulesTable } from '../../rbac/rules-list.js';
import { ResourceCatalog } from '../../rbac/resources.js';
import { parseTarget, RequestError } from '../../rbac/request.js';
import type { LiveLoad, LiveResource } from '../../rbac/live.js';
import type { UserInfo } from '../../rbac/types.js';
import {
  bindingJson,
  canIExplainText,
  decisionJson,
  lookupJson,
  lookupText,
  requestJson,
  riskJson,
  risksText,
  roleJson,
  subjectJson,
  unreadJson,
  unreadText,
  whoCanJson,
  whoCanText,
  type Unread,
} from '../../report/rbac.js';
import { exitCode, EXIT_FINDINGS, EXIT_OK, InputFailure, UsageError } from '../exit.js';
import { inputErrorText } from '../output.js';
import { parseNamespaceFlag } from '../namespace-flag.js';

/** The live-cluster module pulls in @kubernetes/client-node (5 MB): offline commands never load it. */
const liveModule = () => import('../../rbac/live.js');
import { VERSION } from '../version.js';
import { registerRbacUsageCommands, runWorkloadRanking } from './rbac-usage.js';

/** Kinds whose namespace changes an RBAC answer (for the -n hint). */
const RBAC_RELEVANT = new Set(['Role', 'RoleBinding', 'ServiceAccount']);

/** The RBAC objects: every answer depends on all four. */
const RBAC: readonly LiveResource[] = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'];

interface CommonFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  withDefaults?: boolean;
  output: string;
  kustomize: boolean;
  skipUnreadable?: boolean;
  /** Hidden alias of --skip-unreadable (its name before live reads were covered too). */
  skipInvalid?: boolean;
  namespace?: string;
}

interface Source {
  policy: RbacPolicy;
  catalog: ResourceCatalog;
  mode: 'offline' | 'live';
  /** Default namespace (-n): 'default' offline, the context's namespace live. */
  namespace: string;
  live?: LiveLoad;
  warnings: string[];
  /** What could not be read (only with --skip-unreadable; without it that is an error). */
  unread: Unread[];
}

/** What a command reads live: the lists its answer depends on, and those that only help. */
interface Needs {
  required: readonly LiveResource[];
  optional: readonly LiveResource[];
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
  rbacIo.stderr(`warning: ${s}\n`);
}

function addCommon(cmd: Command, formats: readonly string[] = ['text', 'json', 'yaml']): Command {
  return cmd
    .option('-f, --filename <path>', 'read RBAC objects offline from a file, directory, Kustomize directory or - (repeatable)', collect, [] as string[])
    .option('--kubeconfig <file>', 'live: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'live: kubeconfig context')
    .option('--with-defaults', 'offline: add the built-in ClusterRoles and bindings of a real cluster (cluster-admin, admin/edit/view, system:*)')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...formats]).default('text'))
    .option('--no-kustomize', 'read kustomization directories as plain files')
    .option('--skip-unreadable', 'answer from what could be read when an input (-f) or a cluster list (forbidden…) cannot be read; the answer then names what is missing (default: exit 2)')
    .addOption(new Option('--skip-invalid', 'old name of --skip-unreadable').hideHelp())
    // One consent, whichever name was used (the audit-log commands read skipInvalid).
    .hook('preAction', (c) => {
      if (c.opts().skipUnreadable) c.setOptionValue('skipInvalid', true);
    });
}

function consented(flags: CommonFlags): boolean {
  return flags.skipUnreadable === true || flags.skipInvalid === true;
}

async function loadSource(flags: CommonFlags, needs: Needs): Promise<Source> {
  const catalog = new ResourceCatalog();
  const warnings: string[] = [];
  const unread: Unread[] = [];
  const namespace = parseNamespaceFlag(flags.namespace);
  if (flags.filename.length > 0) {
    if (flags.kubeconfig || flags.context) throw new UsageError('use either -f (offline) or --kubeconfig/--context (live), not both');
    const loaded = await loadInputs(flags.filename, { kustomize: flags.kustomize, skipNames: CONFIG_NAMES });
    if (loaded.errors.length) {
      for (const e of loaded.errors) rbacIo.stderr(`${consented(flags) ? 'skipped' : 'error'}: ${inputErrorText(e)}\n`);
      if (!consented(flags)) throw new InputFailure(`${loaded.errors.length} input error(s): the answer could be wrong without them (--skip-unreadable answers from the rest and names what is missing)`);
      for (const e of loaded.errors) unread.push({ what: `${e.file}${e.line ? `:${e.line}` : ''}`, cause: e.message, consequence: 'objects in it are not part of the answer' });
    }
    if (loaded.objects.length === 0) throw new InputFailure(`no Kubernetes object found in ${flags.filename.join(', ')}: nothing to answer from`);
    warnings.push(...loaded.warnings);
    let objects = loaded.objects;
    if (namespace !== undefined) {
      const placed = applyNamespace(objects, namespace, isClusterScoped);
      objects = placed.objects;
      for (const o of placed.conflicts) warnings.push(namespaceConflictText(o, namespace));
    } else {
      // Argo CD's install manifest names no namespace: read in "default", its Roles and
      // ServiceAccounts do not meet the bindings that name "argocd". Say what -n would change.
      const unplaced = objects.filter((o) => o.namespace === undefined && !isClusterScoped(o.kind) && RBAC_RELEVANT.has(o.kind));
      if (unplaced.length) warnings.push(`${unplaced.length} object(s) name no namespace (e.g. ${unplaced[0].kind} ${unplaced[0].name} in ${unplaced[0].source.file}) and are read in "default", as kubectl apply without -n would place them; if they are applied with -n NAMESPACE, give the same -n here`);
    }
    for (const o of objects) if (o.kind === 'CustomResourceDefinition') catalog.addCrd(o.object);
    const inputs: RbacInput[] = [...(flags.withDefaults ? bootstrapInputs() : []), ...inputsFromLoaded(objects)];
    const policy = buildPolicy(inputs, namespace !== undefined ? { defaultNamespace: namespace } : {});
    warnings.push(...policy.warnings);
    if (!flags.withDefaults && (policy.clusterRoleBindings.length || policy.roleBindings.length)) {
      const missingBuiltins = policy.allBindings().some((b) => b.roleRef.kind === 'ClusterRole' && !policy.getClusterRole(b.roleRef.name) && ['admin', 'edit', 'view', 'cluster-admin'].includes(b.roleRef.name));
      if (missingBuiltins) warnings.push('bindings reference built-in ClusterRoles (admin/edit/view/cluster-admin) that are not in the input: add --with-defaults to include them');
    }
    return { policy, catalog, mode: 'offline', namespace: namespace ?? 'default', warnings, unread };
  }
  if (flags.withDefaults) warnings.push('--with-defaults only applies offline (-f): a live cluster has its own defaults');
  const live = await liveModule();
  let loaded: LiveLoad;
  try {
    loaded = await live.loadLive({ kubeconfig: flags.kubeconfig, context: flags.context, resources: [...needs.required, ...needs.optional] });
  } catch (e) {
    if (e instanceof live.LiveError) throw new InputFailure(e.message);
    throw e;
  }
  const cluster = `cluster "${loaded.cluster}" (context "${loaded.context}", ${loaded.server})`;
  const blocking = loaded.failures.filter((f) => needs.required.includes(f.resource) && f.namespace === '');
  if (blocking.length && !consented(flags)) {
    const lines = blocking.map((f) => `  cannot list ${live.failureWhat(f)}: ${f.text}`);
    throw new InputFailure(`cannot read all the RBAC objects of ${cluster}:\n${lines.join('\n')}\nAn answer without them could say "no" where the cluster says "yes". --skip-unreadable answers from what could be read and names what is missing.`);
  }
  for (const f of loaded.failures) {
    if (needs.required.includes(f.resource)) unread.push({ what: `${live.failureWhat(f)} of ${cluster}`, cause: f.text, consequence: f.consequence });
    else warnings.push(`cannot list ${live.failureWhat(f)}: ${f.text}; ${f.consequence}`);
  }
  for (const crd of loaded.crds) catalog.addCrd(crd);
  const policy = buildPolicy(loaded.inputs, { aggregate: false });
  policy.complete = loaded.rbacComplete;
  warnings.push(...policy.warnings);
  return { policy, catalog, mode: 'live', namespace: namespace ?? loaded.namespace, live: loaded, warnings, unread };
}

/** Warnings (stderr), and for a partial answer what was not read, on stderr too. */
function announce(src: Source): void {
  for (const w of src.warnings) warn(w);
  for (const u of src.unread) warn(`not read: ${u.what}: ${u.cause}`);
}

function emit(flags: { output: string }, src: Source, data: Record<string, unknown>, text: () => string): void {
  const doc = { ...data, ...unreadJson(src.unread) };
  if (flags.output === 'json') out(JSON.stringify(doc, null, 2));
  else if (flags.output === 'yaml') out(stringify(doc));
  else {
    // The answer first (can-i promises yes/no on the first line), then what it could not see.
    const answer = text();
    out(`${answer}${answer.endsWith('\n') || answer === '' ? '' : '\n'}${unreadText(src.unread)}`);
  }
}

// ---- can-i -------------------------------------------------------------------------------------

interface CanIFlags extends CommonFlags {
  subresource?: string;
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
  const live = await liveModule();
  try {
    return await live.whoAmI({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (e) {
    if (e instanceof live.LiveError) throw new InputFailure(e.message);
    throw e;
  }
}

function parseRequest(verb: string, target: string, flags: { subresource?: string; namespace?: string }, namespace: string, src: Source) {
  try {
    return parseTarget(verb, target, { subresource: flags.subresource, namespace, namespaceExplicit: flags.namespace !== undefined, catalog: src.catalog });
  } catch (e) {
    if (e instanceof RequestError) throw new UsageError(e.message);
    throw e;
  }
}

export async function runCanI(args: string[], flags: CanIFlags): Promise<number> {
  if (flags.list) {
    if (args.length) throw new UsageError('--list takes no VERB/RESOURCE');
    if (flags.allNamespaces) throw new UsageError('--list and --all-namespaces cannot be used together (as in kubectl)');
    if (flags.subresource) throw new UsageError('--list and --subresource cannot be used together (as in kubectl)');
  } else if (args.length < 2) throw new UsageError('usage: rbac can-i VERB RESOURCE[.GROUP][/NAME] | VERB /URL  (or --list)');
  if (flags.allNamespaces && flags.namespace) throw new UsageError('-n and -A cannot be used together');
  const src = await loadSource(flags, { required: RBAC, optional: ['customresourcedefinitions'] });
  const user = await resolveUser(flags, src);
  const namespace = flags.allNamespaces ? '' : src.namespace;
  announce(src);

  if (flags.list) {
    const eff = effectiveRules(src.policy, user, namespace);
    for (const e of eff.errors) warn(e);
    emit(
      flags,
      src,
      {
        user,
        namespace,
        rules: eff.rules,
        grants: eff.grants.map((g) => ({ rule: g.rule, binding: bindingJson(g.grant.binding), role: roleJson(g.grant.role, g.grant.ruleIndex), ruleIndex: g.grant.ruleIndex })),
      },
      () => formatRulesTable(eff.rules, !flags.noHeaders),
    );
    return EXIT_OK;
  }

  const parsed = parseRequest(args[0], args[1], flags, namespace, src);
  for (const w of parsed.warnings) warn(w);
  const attrs = parsed.attrs;
  const d = authorize(src.policy, user, attrs);
  let cluster: { allowed: boolean; reason: string } | undefined;
  if (flags.verify) {
    if (src.mode !== 'live') throw new UsageError('--verify asks the cluster: it needs live mode (--kubeconfig/--context)');
    const live = await liveModule();
    try {
      cluster = await live.subjectAccessReview({ kubeconfig: flags.kubeconfig, context: flags.context }, user, attrs);
    } catch (e) {
      if (e instanceof live.LiveError) throw new InputFailure(e.message);
      throw e;
    }
    if (cluster.allowed !== d.allowed)
      warn(`the cluster's authorizer says ${cluster.allowed ? 'yes' : 'no'}${cluster.reason ? ` (${cluster.reason})` : ''}: another authorizer (Node, webhook) or objects this caller cannot list decide; the cluster's answer is used`);
  }
  const allowed = cluster ? cluster.allowed : d.allowed;
  if (!flags.quiet) {
    emit(
      flags,
      src,
      { allowed, request: requestJson(attrs), user, ...decisionJson(src.policy, d), ...(cluster ? { cluster } : {}), warnings: [...src.warnings, ...parsed.warnings] },
      () => (flags.explain ? `${allowed ? 'yes' : 'no'}\n${canIExplainText(src.policy, user, attrs, d)}` : allowed ? 'yes' : 'no'),
    );
  }
  return allowed ? EXIT_OK : EXIT_FINDINGS;
}

// ---- who-can -----------------------------------------------------------------------------------

interface WhoCanFlags extends CommonFlags {
  subresource?: string;
  allNamespaces?: boolean;
}

export async function runWhoCan(args: string[], flags: WhoCanFlags): Promise<number> {
  if (args.length < 2) throw new UsageError('usage: rbac who-can VERB RESOURCE[.GROUP][/NAME] | VERB /URL');
  if (flags.allNamespaces && flags.namespace) throw new UsageError('-n and -A cannot be used together');
  const src = await loadSource(flags, { required: [...RBAC, 'serviceaccounts', 'pods'], optional: ['customresourcedefinitions', 'namespaces'] });
  announce(src);
  const namespace = flags.allNamespaces ? '' : src.namespace;
  const parsed = parseRequest(args[0], args[1], flags, namespace, src);
  for (const w of parsed.warnings) warn(w);
  const r = whoCan(src.policy, parsed.attrs, { allNamespaces: flags.allNamespaces, workloads: true });
  for (const e of r.errors) warn(e);
  emit(flags, src, whoCanJson(r, parsed.attrs), () => whoCanText(r, parsed.attrs));
  return EXIT_OK;
}

// ---- lookup ------------------------------------------------------------------------------------

interface LookupFlags extends CommonFlags {
  list?: boolean;
  direct?: boolean;
  noHeaders?: boolean;
}

export async function runLookup(args: string[], flags: LookupFlags): Promise<number> {
  if (args.length !== 1) throw new UsageError('usage: rbac lookup SUBJECT  (User:NAME, Group:NAME, ServiceAccount:NS/NAME, system:serviceaccount:NS:NAME, or a bare name)');
  const text = args[0];
  const subject = parseSubject(text);
  const kindExplicit = /^[A-Za-z]+:/.test(text) && !(subject.kind === 'User' && subject.name === text);
  const src = await loadSource(flags, { required: RBAC, optional: [] });
  announce(src);
  const entries = lookup(src.policy, { subject, kindExplicit }, { inherited: !flags.direct });
  if (flags.list) {
    const namespace = src.namespace;
    const subj = kindExplicit ? subject : (entries.find((e) => !e.via)?.subject ?? subject);
    const user = userForSubject(subj);
    const eff = effectiveRules(src.policy, user, namespace);
    for (const e of eff.errors) warn(e);
    emit(flags, src, { subject: subjectJson(subj), user, namespace, rules: eff.rules, bindings: entries.map(lookupJson) }, () => formatRulesTable(eff.rules, !flags.noHeaders));
    return EXIT_OK;
  }
  emit(flags, src, { subject: subjectJson(subject), bindings: entries.map(lookupJson) }, () => lookupText(text, entries));
  return EXIT_OK;
}

// ---- risks -------------------------------------------------------------------------------------

interface RisksFlags extends CommonFlags {
  minSeverity?: Severity;
  failOn: FailOn;
  includeBuiltin?: boolean;
  subject?: string;
  transitive: boolean;
}

export async function runRisks(flags: RisksFlags): Promise<number> {
  const src = await loadSource(flags, { required: [...RBAC, 'serviceaccounts', 'pods'], optional: ['namespaces'] });
  announce(src);
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
    const unread = src.unread.map((u) => `not read: ${u.what}: ${u.cause}`);
    out(risksHtml(report.findings, { subject: `${report.subjects} subjects analysed (${what})`, toolVersion: VERSION, failOn: flags.failOn, warnings: [...src.warnings, ...unread] }));
  } else emit(flags, src, { findings: report.findings.map(riskJson), subjects: report.subjects }, () => risksText(report.findings, report.subjects));
  const failing = flags.failOn !== 'none' && report.findings.some((f) => severityRank(f.severity) >= severityRank(flags.failOn as Severity));
  return exitCode({ inputErrors: 0, failing, failOn: flags.failOn });
}

// ---- registration ------------------------------------------------------------------------------

async function guard(run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (e) {
    if (e instanceof InputFailure) {
      rbacIo.stderr(`error: ${e.message}\n`);
      process.exitCode = exitCode({ inputErrors: 1, failing: false });
      return;
    }
    throw e;
  }
}

export function registerRbacCommand(program: Command): void {
  const rbac = program
    .command('rbac')
    .description('RBAC analysis with the exact semantics of the Kubernetes authorizer: can-i, who-can, lookup, risks (offline with -f, live with --kubeconfig/--context)');
  // suggest / unused / blast-radius (rbac-usage.ts) read the same sources; what a consented partial
  // read did not get reaches them as warnings.
  const host = {
    addCommon,
    loadSource: async (flags: CommonFlags) => {
      const src = await loadSource(flags, { required: [...RBAC, 'serviceaccounts', 'pods'], optional: ['customresourcedefinitions', 'namespaces'] });
      return { ...src, warnings: [...src.warnings, ...src.unread.map((u) => `not read: ${u.what}: ${u.cause}`)] };
    },
    guard,
    io: rbacIo,
  };

  addCommon(
    rbac
      .command('can-i')
      .description('can USER do VERB on RESOURCE? prints yes or no first; exit 0 yes, 1 no (like kubectl auth can-i)')
      .argument('[verb]', 'verb (get, list, create, …, or an HTTP verb for URLs)')
      .argument('[target]', 'RESOURCE[.GROUP][/NAME] or a non-resource URL (/healthz)')
      .option('--subresource <name>', 'subresource (log, exec, status, scale, …)')
      .option('-n, --namespace <ns>', 'namespace of the request (default: "default" offline, the context namespace live); offline, also of the objects that name none (kubectl apply -n)')
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
      .option('-n, --namespace <ns>', 'namespace of the request (default: "default" offline, the context namespace live); offline, also of the objects that name none (kubectl apply -n)')
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
      .option('-n, --namespace <ns>', 'namespace for --list; offline, also of the objects that name none (kubectl apply -n)')
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
      .option('-n, --namespace <ns>', 'offline: namespace of the objects that name none, as kubectl apply -n would place them (default: "default")')
      .addOption(new Option('--min-severity <severity>', 'report only findings at or above').choices([...SEVERITIES]))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above (none: never)').choices([...SEVERITIES, 'none']).default('high'))
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
