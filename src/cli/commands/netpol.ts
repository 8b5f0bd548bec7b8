/**
 * `kubeharden netpol can-reach | matrix | exposure | diff`: NetworkPolicy reachability, offline
 * from manifests (`-f PATH`, repeatable) or live from a cluster (`--kubeconfig/--context`).
 *
 * Exit codes: can-reach 0 yes (or partly) / 1 no; diff 0 unchanged / 1 connections added or
 * removed; matrix and exposure 0; 2 for usage or input errors — an unreadable file or list, or a
 * NetworkPolicy the API server would reject, makes every answer unreliable.
 */
import { Command, Option } from 'commander';
import { loadInputs } from '../../load/index.js';
import type { LoadedObject } from '../../load/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import { buildWorld, type World, type WorldOptions } from '../../netpol/world.js';
import { Reachability } from '../../netpol/engine.js';
import { policyName, whereIn } from '../../netpol/policy.js';
import { canReach, parsePortArg, QueryError, resolveArg, type ServiceLookup } from '../../netpol/query.js';
import { computeMatrix, DEFAULT_EXTERNALS, parseExternal, type ExternalSpec } from '../../netpol/matrix.js';
import { computeExposure, parseApiServer, type ExposureOptions } from '../../netpol/exposure.js';
import { diffMatrices } from '../../netpol/diff.js';
import { canReachJson, canReachText, diffJson, diffText, exposureJson, exposureText, matrixCsv, matrixJson, matrixText } from '../../netpol/output/reports.js';
import { matrixDot, matrixMermaid } from '../../netpol/output/graph.js';
import { matrixHtml } from '../../netpol/output/html.js';
import { NAMESPACE_NAME_LABEL } from '../../netpol/world.js';
import type { Address } from '../../netpol/ip.js';
import { VERSION } from '../version.js';
import { EXIT_FINDINGS, EXIT_OK, InputFailure, UsageError } from '../exit.js';
import { inputErrorText, writeOutput as writeFile } from '../output.js';
import { parseNamespaceFlag } from '../namespace-flag.js';

/** The live module pulls in the cluster client (@kubernetes/client-node): offline commands never load it. */
const liveModule = () => import('../../netpol/live.js');

interface SourceFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  kustomize: boolean;
  skipInvalid?: boolean;
  ipblocksApplyToPods?: boolean;
}

/** Where the commands write (tests swap it to capture output). */
export const netpolIo = {
  stdout: (s: string): void => void process.stdout.write(s),
  stderr: (s: string): void => void process.stderr.write(s),
};

function out(s: string): void {
  netpolIo.stdout(s.endsWith('\n') ? s : `${s}\n`);
}

function warn(s: string): void {
  netpolIo.stderr(`warning: ${s}\n`);
}

export interface NetpolSource {
  world: World;
  engine: Reachability;
  services: ServiceLookup;
  /** "3 input file(s): …" or "cluster context "dev" at https://…". */
  description: string;
  apiServer?: { addresses: Address[]; ports: number[] };
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function addSource(cmd: Command, filenameHelp = 'read manifests from a file, directory, Kustomize directory or - (repeatable)'): Command {
  return cmd
    .option('-f, --filename <path>', filenameHelp, collect, [] as string[])
    .option('--kubeconfig <file>', 'live: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'live: kubeconfig context')
    .option('--no-kustomize', 'read kustomization directories as plain files')
    .option('--skip-invalid', 'answer from the readable inputs when some cannot be read or a NetworkPolicy is invalid (default: exit 2)')
    .option('--ipblocks-apply-to-pods', 'let ipBlock rules match pod IPs (CNI-dependent: Calico does, Cilium does not); needs pod IPs, so live mode');
}

/** Builds the world from loaded objects, reporting invalid policies (input errors) and what is not evaluated. */
function worldFrom(objects: LoadedObject[], flags: SourceFlags, errors: string[], worldOpts: WorldOptions = {}): World {
  let world = buildWorld(new ObjectIndex(objects), worldOpts);
  const invalid = world.policies.filter((p) => p.problems.length > 0);
  for (const p of invalid) for (const pr of p.problems) errors.push(`${whereIn(p, pr.path)}: NetworkPolicy ${policyName(p)}: ${pr.message}`);
  if (invalid.length && flags.skipInvalid) {
    const skip = new Set(invalid.map((p) => p.object));
    world = buildWorld(new ObjectIndex(objects.filter((o) => !skip.has(o))), worldOpts);
  }
  for (const p of world.policies) for (const w of p.warnings) warn(`${whereIn(p, w.path)}: NetworkPolicy ${policyName(p)}: ${w.message}`);
  for (const f of world.foreign)
    warn(`${f.object.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.object.name} (${f.object.apiVersion}) is not evaluated by kubeharden: verdicts for the pods it selects${f.namespace ? ` in namespace ${f.namespace}` : ' (any namespace)'} may differ`);
  // Namespace selectors on labels other than the name label cannot see namespaces whose object is missing.
  const usesLabels = world.policies.some((p) => [...p.ingress, ...p.egress].some((r) => (r.peers ?? []).some((peer) => peer.kind === 'pods' && peer.namespaceSelector?.requirements.some((q) => q.key !== NAMESPACE_NAME_LABEL))));
  if (usesLabels) {
    const missing = [...new Set(world.pods.map((p) => p.namespace))].filter((ns) => !world.namespaces.get(ns)?.declared).sort();
    if (missing.length)
      warn(`namespace selectors match labels, but the Namespace objects of ${missing.map((n) => `"${n}"`).join(', ')} are not in the input: only their ${NAMESPACE_NAME_LABEL} label is known`);
  }
  return world;
}

async function loadSource(flags: SourceFlags): Promise<NetpolSource> {
  const errors: string[] = [];
  const engineOpts = { podIpBlocks: flags.ipblocksApplyToPods ? ('apply' as const) : ('ignore' as const) };
  if (flags.filename.length > 0) {
    if (flags.kubeconfig || flags.context) throw new UsageError('use either -f (offline) or --kubeconfig/--context (live), not both');
    const loaded = await loadInputs(flags.filename, { kustomize: flags.kustomize });
    for (const e of loaded.errors) errors.push(inputErrorText(e));
    for (const w of loaded.warnings) warn(w);
    const world = worldFrom(loaded.objects, flags, errors);
    failOnErrors(errors, flags);
    const index = new ObjectIndex(loaded.objects);
    return {
      world,
      engine: new Reachability(world, engineOpts),
      services: (ns, name) => index.get('Service', ns, name)?.object as Record<string, unknown> | undefined,
      description: `${loaded.files.length} input file(s): ${loaded.files.slice(0, 3).join(', ')}${loaded.files.length > 3 ? ', …' : ''}`,
    };
  }
  const { loadLiveNetpol } = await liveModule();
  const { ClusterError } = await import('../../cluster/errors.js');
  let live;
  try {
    live = await loadLiveNetpol({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (e) {
    // A failed discovery names the cluster itself; anything else is the kubeconfig's.
    throw new InputFailure(e instanceof ClusterError ? `cannot read the cluster: ${e.message}` : `cannot read the cluster configuration: ${(e as Error).message}`);
  }
  errors.push(...live.errors);
  const world = worldFrom(live.objects, flags, errors, { podsOnly: true });
  failOnErrors(errors, flags);
  const index = new ObjectIndex(live.objects);
  return {
    world,
    engine: new Reachability(world, engineOpts),
    services: (ns, name) => index.get('Service', ns, name)?.object as Record<string, unknown> | undefined,
    description: live.description,
    ...(live.apiServer ? { apiServer: live.apiServer } : {}),
  };
}

function failOnErrors(errors: string[], flags: SourceFlags): void {
  if (errors.length === 0) return;
  for (const e of errors) netpolIo.stderr(`${flags.skipInvalid ? 'skipped' : 'error'}: ${e}\n`);
  if (!flags.skipInvalid) throw new InputFailure(`${errors.length} input error(s): the answer could be wrong without them (--skip-invalid answers from the rest)`);
  warn(`${errors.length} input error(s) skipped: what they contain is not part of the answer`);
}

function namespacesOf(flags: { namespace?: string[]; allNamespaces?: boolean }): ReadonlySet<string> | undefined {
  if (flags.allNamespaces && flags.namespace?.length) throw new UsageError('-n and -A cannot be used together');
  return flags.namespace?.length ? new Set(flags.namespace.map((n) => parseNamespaceFlag(n) as string)) : undefined;
}

/** To --output-file (an unwritable one is a usage error), else to stdout. */
function writeOutput(text: string, file: string | undefined): void {
  if (!file || file === '-') return out(text);
  writeFile([text.endsWith('\n') ? text : `${text}\n`], file);
}

// ---- can-reach ---------------------------------------------------------------------------------

interface CanReachFlags extends SourceFlags {
  port?: string;
  explain?: boolean;
  quiet?: boolean;
  output: string;
}

export async function runCanReach(srcText: string, dstText: string, flags: CanReachFlags): Promise<number> {
  const port = flags.port ? parsePortArg(flags.port) : undefined;
  const src = await loadSource(flags);
  const resolve = (t: string) => resolveArg(t, src.world, src.engine, src.services);
  const answer = canReach(src.engine, resolve(srcText), resolve(dstText), port);
  const pods = answer.pairs.flatMap((p) => [p.srcEndpoint, p.dstEndpoint]).flatMap((e) => (e.kind === 'pod' ? [e.cls.namespace] : []));
  const foreign = [...new Set(pods)].flatMap((ns) => src.world.foreignFor(ns));
  if (foreign.length) warn(`the answer ignores ${[...new Set(foreign.map((f) => `${f.object.kind} ${f.object.name}`))].join(', ')}, which may select these pods`);
  if (answer.pairs.some((p) => p.egress.cniDependent.length || p.ingress.cniDependent.length) && !flags.explain)
    warn('an ipBlock rule may also match pod addresses, depending on the CNI: see --explain');
  if (!flags.quiet) {
    if (flags.output === 'json') out(JSON.stringify(canReachJson(answer), null, 2));
    else out(canReachText(answer, !!flags.explain));
  }
  return answer.answer === 'no' ? EXIT_FINDINGS : EXIT_OK;
}

// ---- matrix ------------------------------------------------------------------------------------

interface MatrixFlags extends SourceFlags {
  namespace?: string[];
  allNamespaces?: boolean;
  output: string;
  outputFile?: string;
  external: string[];
  externals: boolean;
}

export async function runMatrix(flags: MatrixFlags): Promise<number> {
  const namespaces = namespacesOf(flags);
  const externals: ExternalSpec[] = flags.externals ? [...DEFAULT_EXTERNALS] : [];
  for (const e of flags.external) {
    const x = parseExternal(e);
    if (typeof x === 'string') throw new UsageError(x);
    externals.push(x);
  }
  const src = await loadSource(flags);
  const m = computeMatrix(src.engine, { ...(namespaces ? { namespaces } : {}), externals });
  let text: string;
  switch (flags.output) {
    case 'json':
      text = JSON.stringify(matrixJson(m), null, 2);
      break;
    case 'csv':
      text = matrixCsv(m);
      break;
    case 'dot':
      text = matrixDot(m);
      break;
    case 'mermaid':
      text = matrixMermaid(m);
      break;
    case 'html':
      text = matrixHtml(m, { generator: `kubeharden ${VERSION}`, source: src.description });
      break;
    default:
      text = matrixText(m);
  }
  writeOutput(text, flags.outputFile);
  return EXIT_OK;
}

// ---- exposure ----------------------------------------------------------------------------------

interface ExposureFlags extends SourceFlags {
  namespace?: string[];
  allNamespaces?: boolean;
  output: string;
  apiServer?: string;
}

export async function runExposure(flags: ExposureFlags): Promise<number> {
  const namespaces = namespacesOf(flags);
  let apiServer: ExposureOptions['apiServer'];
  if (flags.apiServer) {
    const a = parseApiServer(flags.apiServer);
    if (typeof a === 'string') throw new UsageError(a);
    apiServer = a;
  }
  const src = await loadSource(flags);
  const report = computeExposure(src.engine, { ...(namespaces ? { namespaces } : {}), ...((apiServer ?? src.apiServer) ? { apiServer: apiServer ?? src.apiServer } : {}) });
  out(flags.output === 'json' ? JSON.stringify(exposureJson(report), null, 2) : exposureText(report));
  return EXIT_OK;
}

// ---- diff --------------------------------------------------------------------------------------

interface DiffFlags extends SourceFlags {
  against: string[];
  namespace?: string[];
  allNamespaces?: boolean;
  output: string;
}

export async function runDiff(flags: DiffFlags): Promise<number> {
  if (flags.filename.length === 0 && !flags.kubeconfig && !flags.context) throw new UsageError('diff needs the old state: -f OLD (manifests) or --kubeconfig/--context (the live cluster)');
  if (flags.against.length === 0) throw new UsageError('diff needs the new manifests: --against NEW (repeatable)');
  const namespaces = namespacesOf(flags);
  const opts = { ...(namespaces ? { namespaces } : {}) };
  const before = await loadSource(flags);
  const after = await loadSource({ ...flags, filename: flags.against, kubeconfig: undefined, context: undefined });
  const d = diffMatrices(computeMatrix(before.engine, opts), computeMatrix(after.engine, opts));
  out(flags.output === 'json' ? JSON.stringify(diffJson(d), null, 2) : diffText(d));
  return d.changes.length || d.addedNodes.length || d.removedNodes.length ? EXIT_FINDINGS : EXIT_OK;
}

// ---- registration ------------------------------------------------------------------------------

async function guard(run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (e) {
    if (e instanceof QueryError) throw new UsageError(e.message);
    throw e;
  }
}

export function registerNetpolCommand(program: Command): void {
  const netpol = program
    .command('netpol')
    .description('NetworkPolicy reachability: who can talk to whom (can-reach, matrix), what is exposed, what a change opens (offline with -f, live with --kubeconfig/--context)');

  addSource(
    netpol
      .command('can-reach')
      .description('can SRC open a connection to DST? prints yes, no or partly first; exit 0 yes/partly, 1 no. SRC/DST: NS/WORKLOAD, NS/KIND/NAME, NS/SELECTOR, NS/*, an IP or CIDR (0.0.0.0/0: the internet)')
      .argument('<src>', 'source: NS/WORKLOAD, NS/KIND/NAME, NS/SELECTOR (app=web), NS/*, IP or CIDR')
      .argument('<dst>', 'destination: the same, or NS/SERVICE')
      .option('--port <port[/protocol]>', 'the destination port: a number, or a named container port of DST (or a Service port); protocol TCP (default), UDP or SCTP')
      .option('--explain', 'both sides: the policies selecting each end and the rule (file:line) that allows it, or why none does')
      .option('-q, --quiet', 'print nothing; only the exit code')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (s: string, d: string, flags: CanReachFlags) => {
    await guard(() => runCanReach(s, d, flags));
  });

  addSource(
    netpol
      .command('matrix')
      .description('every workload pair (and external endpoints) with the ports allowed between them')
      .option('-n, --namespace <ns>', 'only workloads of this namespace (repeatable; default: all)', collect, [] as string[])
      .option('-A, --all-namespaces', 'every namespace (the default)')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'csv', 'dot', 'mermaid', 'html']).default('text'))
      .option('--output-file <file>', 'write the output to a file')
      .option('--external <name=cidr>', 'an external endpoint to include, e.g. partners=203.0.113.0/24 (repeatable)', collect, [] as string[])
      .option('--no-externals', 'leave out the default external endpoints (internet, metadata)'),
  ).action(async (flags: MatrixFlags) => {
    await guard(() => runMatrix(flags));
  });

  addSource(
    netpol
      .command('exposure')
      .description('per workload: reachable from other namespaces, any pod, the internet; egress to the internet, metadata endpoint, API server; DNS where egress is isolated; default-deny coverage per namespace')
      .option('-n, --namespace <ns>', 'only workloads of this namespace (repeatable; default: all)', collect, [] as string[])
      .option('-A, --all-namespaces', 'every namespace (the default)')
      .option('--api-server <addr[:port]>', 'the API server address(es) for the egress question (live: read from the kubernetes Service)')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (flags: ExposureFlags) => {
    await guard(() => runExposure(flags));
  });

  addSource(
    netpol
      .command('diff')
      .description('connections added and removed from OLD (-f, or the live cluster) to NEW (--against); exit 1 when any changed'),
    'the old manifests: file, directory, Kustomize directory or - (repeatable)',
  )
    .option('--against <path>', 'the new manifests (repeatable)', collect, [] as string[])
    .option('-n, --namespace <ns>', 'only workloads of this namespace (repeatable)', collect, [] as string[])
    .option('-A, --all-namespaces', 'every namespace (the default)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: DiffFlags) => {
    await guard(() => runDiff(flags));
  });
}
