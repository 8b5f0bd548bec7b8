/**
 * npm run bench:peers — kubeharden against the scanners users would otherwise pick, on the same
 * inputs in the same run: installs the pinned peers (install.ts), times every tool on the corpus,
 * each of its sets and the ×10 / ×100 copies, compares verdicts on the corpus, and writes
 * bench/RESULTS.md. Not part of `npm test`.
 *
 * Options:
 *   --runs N           timed runs per tool and input (default 5)
 *   --timeout S        per-run limit in seconds (default 600)
 *   --factors 10,100   scaled copies to make (default 10,100; "" for none)
 *   --inputs LIST      subset: corpus,sets,scaled (default all)
 *   --tools LIST       subset of kubeharden,checkov,kubeScore,kubeLinter,polaris,trivy,kyverno
 *   --no-build         do not rebuild kubeharden first
 *   --keep-scaled      keep the scaled copies (default: removed at the end)
 *   --report-only      redo the agreement and RESULTS.md from the last timing (bench/out/peers/timing.json)
 *   --timing FILE      timing data written / read (default bench/out/peers/timing.json)
 *   --output FILE      where to write the report (default bench/RESULTS.md)
 * Env: KUBEHARDEN_SHARED (default ../shared), KUBEHARDEN_CACHE (default ~/.cache/kubeharden).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { compare, kyvernoControls, kyvernoMappings, mappingsFor } from './agreement.js';
import type { CatalogueCheck, Mapping, PeerId } from './model.js';
import { corpusDir, isManifest, isYaml, listFiles, loadCorpus, REPO_ROOT, treeBytes, type CorpusObject } from './corpus.js';
import { installAll, type InstallStatus } from './install.js';
import { cacheDir } from './versions.js';
import { haveGnuTime, outFile, runOnce, stats, type RunResult, type Stats } from './measure.js';
import { parseCheckov, parseKubeharden, parseKubeLinter, parseKubeScore, parseTrivy, type Verdict, type VerdictIndex } from './parse.js';
import { renderResults, type Cell, type Environment, type InputResult } from './report.js';
import { makeScaled } from './scale.js';
import { distinctBatches, identitiesByFile, kyvernoAgreementRuns, KYVERNO_PSS_VERSION, type AgreementRuns } from './kyverno.js';
import { kubehardenTool, KUBE_SCORE_OPTIONAL, peerTools, type BenchInput, type Tool } from './tools.js';

interface Options {
  runs: number;
  timeoutS: number;
  factors: number[];
  inputs: Set<string>;
  tools: Set<string> | undefined;
  build: boolean;
  keepScaled: boolean;
  reportOnly: boolean;
  timing: string;
  output: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 5, timeoutS: 600, factors: [10, 100], inputs: new Set(['corpus', 'sets', 'scaled']), tools: undefined, build: true, keepScaled: false, reportOnly: false, timing: join(REPO_ROOT, 'bench', 'out', 'peers', 'timing.json'), output: join(REPO_ROOT, 'bench', 'RESULTS.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i] ?? '';
    if (a === '--runs') o.runs = Math.max(1, Number(next()));
    else if (a === '--timeout') o.timeoutS = Number(next());
    else if (a === '--factors') o.factors = next().split(',').filter(Boolean).map(Number);
    else if (a === '--inputs') o.inputs = new Set(next().split(','));
    else if (a === '--tools') o.tools = new Set(next().split(','));
    else if (a === '--no-build') o.build = false;
    else if (a === '--keep-scaled') o.keepScaled = true;
    else if (a === '--report-only') o.reportOnly = true;
    else if (a === '--timing') o.timing = next();
    else if (a === '--output') o.output = next();
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** First output of each tool on the whole corpus (read by the agreement). */
const savedOutputs = new Map<string, string>();

const log = (s: string): void => {
  process.stderr.write(`[bench:peers ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return '?';
  }
}

function environment(catalogue: number): Environment {
  const os = (() => {
    try {
      return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? process.platform;
    } catch {
      return process.platform;
    }
  })();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    os: `${os}, kernel ${sh('uname', ['-r'])}`,
    loadBefore: loadavg().map((x) => x.toFixed(2)).join(' / '),
    loadAfter: '',
    node: process.version,
    go: sh('go', ['env', 'GOVERSION']),
    python: sh('python3', ['--version']).replace(/^Python /, ''),
    kubehardenCommit: sh('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']),
    catalogue,
  };
}

/** `node -e 0`, 11 times (the first discarded as a warm-up): the start-up cost of any Node.js CLI. */
async function nodeFloor(outDir: string): Promise<Stats> {
  const runs: RunResult[] = [];
  for (let i = 0; i < 11; i++) {
    const r = await runOnce({ cmd: process.execPath, args: ['-e', '0'], cwd: REPO_ROOT, okCodes: [0] }, join(outDir, 'node-floor.out'), 10_000);
    if (i > 0) runs.push(r);
  }
  rmSync(join(outDir, 'node-floor.out'), { force: true });
  return stats(runs);
}

/** Verdicts of a tool run once per file, and the files it aborts a whole run on. */
interface PerFile {
  idx: VerdictIndex;
  fatal: string[];
}

/** The agreement runs of the peers whose whole-corpus output is not enough (kube-score, Kyverno). */
interface PeerRuns {
  kubeScore?: PerFile;
  kyverno?: AgreementRuns;
}

/**
 * kube-score once per corpus YAML file: the agreement needs the real file of each object (its
 * JSON names the Helm `# Source:` file instead), and files it cannot decode abort a whole run.
 */
function kubeScorePerFile(bin: string, corpus: string, files: string[]): PerFile {
  const idx: VerdictIndex = new Map();
  const fatal: string[] = [];
  for (const f of files) {
    const r = spawnSync(bin, ['score', '-o', 'json', ...KUBE_SCORE_OPTIONAL.flatMap((t) => ['--enable-optional-test', t]), f], { cwd: corpus, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (/Failed to score files/i.test(r.stderr ?? '')) {
      fatal.push(f);
      continue;
    }
    if ((r.stdout ?? '').trim()) parseKubeScore(r.stdout, f, idx);
  }
  return { idx, fatal };
}

async function measureInput(input: BenchInput, tools: Tool[], o: Options, outDir: string, skip: Map<string, string>): Promise<InputResult> {
  const cells: Cell[] = [];
  const runs = new Map<string, RunResult[]>();
  const want = new Map<string, number>();
  const failed = new Map<string, string>();
  const maxRuns = input.name.includes('×100') ? Math.min(3, o.runs) : o.runs;
  for (const t of tools) {
    const why = skip.get(t.id);
    if (why) failed.set(t.id, why);
    else {
      runs.set(t.id, []);
      want.set(t.id, maxRuns);
    }
  }
  // The first run of each tool is a discarded warm-up unless it is slow (over 10 s), then it counts.
  for (let rep = 0; ; rep++) {
    const order = tools.filter((t) => runs.has(t.id) && !failed.has(t.id) && (runs.get(t.id)?.length ?? 0) < (want.get(t.id) ?? 0));
    if (order.length === 0) break;
    // Rotate the order each repetition so that no tool always runs first.
    const rotated = order.map((_, i) => order[(i + rep) % order.length]);
    for (const t of rotated) {
      const c = t.command(input);
      const file = outFile(outDir, t.id, input.name, rep);
      log(`${input.name}: ${t.label} run ${rep + 1}`);
      const r = await runOnce(c, file, o.timeoutS * 1000);
      if (r.timedOut) {
        failed.set(t.id, `timeout (> ${o.timeoutS} s)`);
        continue;
      }
      const bad = c.okCodes.includes(r.code) ? t.check?.({ stdoutBytes: statSync(file).size, stderr: r.stderr }) : undefined;
      if (bad) {
        failed.set(t.id, bad);
        continue;
      }
      if (!c.okCodes.includes(r.code)) {
        const msg = r.stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
        failed.set(t.id, `failed (exit ${r.code}${/heap out of memory|Killed|MemoryError/i.test(r.stderr) ? ', out of memory' : ''}${msg ? `: ${msg.slice(0, 120)}` : ''})`);
        continue;
      }
      const list = runs.get(t.id) ?? [];
      const warmUp = rep === 0 && r.wallMs < 10_000 && !input.scaled;
      if (input.name === 'corpus' && !savedOutputs.has(t.id)) savedOutputs.set(t.id, file);
      else rmSync(file, { force: true });
      if (warmUp) continue; // discarded: fills the page cache and the tools' own caches
      list.push(r);
      if (list.length === 1) {
        if (r.wallMs > 60_000) want.set(t.id, 1);
        else if (r.wallMs > 15_000) want.set(t.id, Math.min(3, want.get(t.id) ?? 3));
      }
    }
  }
  for (const t of tools) {
    const rs = runs.get(t.id) ?? [];
    const f = failed.get(t.id);
    cells.push(rs.length && !f ? { tool: t.id, stats: stats(rs) } : { tool: t.id, failure: f ?? 'no run' });
  }
  return { input, cells };
}


async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.reportOnly) {
    const timing = JSON.parse(readFileSync(o.timing, 'utf8')) as Timing;
    report(o, timing, installAll(log, o.tools));
    return;
  }
  if (!haveGnuTime()) throw new Error('/usr/bin/time (GNU time) is required for peak RSS: apt-get install time');
  const corpus = corpusDir();
  const outDir = join(REPO_ROOT, 'bench', 'out', 'peers');
  mkdirSync(outDir, { recursive: true });

  log('installing peers (cached) ...');
  // Only the peers this run times (--tools); the tool ids are the peer names.
  const status = installAll(log, o.tools);
  for (const s of status) log(`${s.label} ${s.version}: ${s.ok ? `ok (${s.reported})` : `unavailable: ${s.reason}`}`);

  if (o.build) {
    log('building kubeharden ...');
    execFileSync('nice', ['-n', '10', 'npm', 'run', '-s', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  // A private copy of the build, outside the repo (so lint and editors never see it): others
  // rebuild dist/ in the same checkout while this runs. package.json gives it "type": "module";
  // the node_modules link resolves its dependencies.
  const snapshot = join(cacheDir(), `kubeharden-${process.pid}`);
  const distCopy = join(snapshot, 'dist');
  rmSync(snapshot, { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'dist'), distCopy, { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(snapshot, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(snapshot, 'node_modules'), 'dir');
  const khVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const catalogue = JSON.parse(execFileSync(process.execPath, [join(distCopy, 'cli', 'main.js'), 'checks', '-o', 'json'], { encoding: 'utf8' })) as CatalogueCheck[];
  const env = environment(catalogue.length);
  env.nodeFloor = await nodeFloor(outDir);

  let tools: Tool[] = [kubehardenTool(khVersion, distCopy), ...peerTools(status)];
  if (o.tools) tools = tools.filter((t) => o.tools?.has(t.id));
  const runnable = tools.filter((t) => t.available);
  const notes: string[] = [];

  log('loading the corpus model ...');
  const objects = loadCorpus(corpus);

  // kube-score per file and Kyverno per batch: agreement data, and the files each aborts on.
  const yamlFiles = listFiles(corpus, isYaml);
  const perFile: PeerRuns = {};
  const ks = status.find((s) => s.name === 'kubeScore' && s.ok);
  if (ks && runnable.some((t) => t.id === 'kubeScore')) {
    log('kube-score per file (agreement data) ...');
    perFile.kubeScore = kubeScorePerFile(ks.binary, corpus, yamlFiles);
  }
  const ky = status.find((s) => s.name === 'kyverno' && s.ok);
  if (ky && runnable.some((t) => t.id === 'kyverno')) {
    log('Kyverno on the corpus in batches of distinct objects (agreement data) ...');
    perFile.kyverno = kyvernoAgreementRuns(ky.binary, corpus, yamlFiles, objects, kyvernoControls(catalogue));
  }
  const ksFatal = perFile.kubeScore?.fatal ?? [];
  const kyFatal = perFile.kyverno?.fatal ?? [];
  const ksFiles = yamlFiles.filter((f) => !ksFatal.includes(f));
  const kyFiles = yamlFiles.filter((f) => !kyFatal.includes(f));
  const inSet = (files: string[], set: string): string[] => files.filter((f) => f.startsWith(`${set}/`)).map((f) => f.slice(set.length + 1));
  // Kyverno panics on two objects of the same kind, namespace and name in one run: batches of distinct ones (kyverno.ts).
  const ids = identitiesByFile(objects);
  const kyBatches = (files: string[], prefix = ''): string[][] => distinctBatches(files, (f) => ids.get(`${prefix}${f}`) ?? []).map((b) => b.files);

  const inputs: BenchInput[] = [];
  if (o.inputs.has('corpus')) inputs.push({ name: 'corpus', dir: corpus, fileArgs: { kubeScore: ksFiles, kyverno: kyBatches(kyFiles) }, bytes: treeBytes(corpus), objects: objects.size, scaled: false });
  if (o.inputs.has('sets')) {
    for (const set of [...new Set(listFiles(corpus).map((f) => f.split('/')[0]).filter((f) => !f.includes('.')))]) {
      const dir = join(corpus, set);
      inputs.push({
        name: `set:${set}`,
        dir,
        fileArgs: { kubeScore: inSet(ksFiles, set), kyverno: kyBatches(inSet(kyFiles, set), `${set}/`) },
        bytes: treeBytes(dir),
        objects: [...objects.values()].filter((x) => x.file.startsWith(`${set}/`)).length,
        scaled: false,
      });
    }
  }
  const kyCorpus = inputs.find((i) => i.name === 'corpus')?.fileArgs.kyverno.length ?? 0;
  if (perFile.kyverno && kyCorpus > 1) {
    const multi = inputs.filter((i) => i.fileArgs.kyverno.length > 1).map((i) => i.name);
    notes.push(`Kyverno panics when two input objects share kind, namespace and name (it loads them all into a fake API client: "customresourcedefinitions … already exists"; argo-cd's install variants sit side by side in the corpus), so on ${multi.join(', ')} and the scaled copies it runs as several \`kyverno apply\` processes one after another (${kyCorpus} on the corpus), each on files whose objects are distinct, timed together as one run (bench/peers/kyverno.ts).`);
  }
  const scaledBase = join(tmpdir(), 'kubeharden-bench-peers');
  const scaledInputs: BenchInput[] = [];
  if (o.inputs.has('scaled')) {
    for (const factor of o.factors) {
      const s = makeScaled(corpus, scaledBase, factor, log);
      const copies = (files: string[]): string[] => {
        const want = new Set(files);
        return [...s.origin].filter(([, orig]) => want.has(orig)).map(([copy]) => copy);
      };
      // Copies are renamed per k, so the corpus batches (all copies of each) stay distinct.
      scaledInputs.push({ name: `corpus ×${factor}`, dir: s.dir, fileArgs: { kubeScore: copies(ksFiles), kyverno: kyBatches(kyFiles).map(copies) }, bytes: s.bytes, objects: objects.size * factor, scaled: true });
    }
  }

  const results: InputResult[] = [];
  const timedOutScaled = new Map<string, string>();
  for (const input of [...inputs, ...scaledInputs]) {
    const r = await measureInput(input, runnable, o, outDir, input.scaled ? timedOutScaled : new Map());
    results.push(r);
    if (input.scaled) {
      for (const c of r.cells) if (c.failure && !timedOutScaled.has(c.tool)) timedOutScaled.set(c.tool, `not run: ${c.failure.startsWith('not run') ? c.failure.slice(9) : c.failure} on ${input.name}`);
    }
  }
  env.loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const timing: Timing = { env, tools: tools.map(({ command: _c, ...t }) => t), results, notes, ksFatal, kyFatal, outputs: Object.fromEntries(savedOutputs), runs: o.runs, timeoutS: o.timeoutS };
  writeFileSync(o.timing, JSON.stringify(timing, null, 1));
  if (!o.keepScaled) rmSync(scaledBase, { recursive: true, force: true });
  rmSync(snapshot, { recursive: true, force: true });
  report(o, timing, status, perFile);
}

/** What the timing phase leaves for the report phase (bench/out/peers/timing.json). */
interface Timing {
  env: Environment;
  tools: Omit<Tool, 'command'>[];
  results: InputResult[];
  notes: string[];
  ksFatal: string[];
  /** Corpus files Kyverno aborts a whole run on (absent in timings of older runs). */
  kyFatal?: string[];
  /** First output of each tool on the whole corpus. */
  outputs: Record<string, string>;
  runs: number;
  timeoutS: number;
}

/**
 * Agreement and RESULTS.md. With --report-only this reruns on the timing of an earlier run:
 * kubeharden is rescanned (the catalogue may have grown since), peers' outputs are reused.
 */
function report(o: Options, timing: Timing, status: InstallStatus[], perFile: PeerRuns = {}): void {
  const corpus = corpusDir();
  const outDir = join(REPO_ROOT, 'bench', 'out', 'peers');
  const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  const fullCatalogue = JSON.parse(execFileSync(process.execPath, [main, 'checks', '-o', 'json'], { encoding: 'utf8' })) as CatalogueCheck[];
  // Opt-in checks and the PSS-* checks (active only with `scan --pss` or namespace labels) do not run in a default scan.
  const catalogue = fullCatalogue.filter((c) => !c.optIn && !c.id.startsWith('PSS-'));
  const objects = loadCorpus(corpus);
  const khScan = (out: string, extra: string[]): string => {
    log(`kubeharden ${['scan', '.', ...extra].join(' ')} on the corpus (agreement data) ...`);
    const r = spawnSync(process.execPath, [main, 'scan', '.', ...extra, '-o', 'json'], { cwd: corpus, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    writeFileSync(join(outDir, out), r.stdout);
    return join(outDir, out);
  };
  let khOut = timing.outputs.kubeharden;
  if (o.reportOnly || !khOut) khOut = khScan('kubeharden.agreement.json', []);
  const notes = [...timing.notes];
  // Peers are compared when they were part of the timed run (`--tools` may leave some out).
  const timed = (id: Tool['id']): boolean => timing.tools.some((t) => t.id === id && t.available);
  log('agreement ...');
  const kh = parseKubeharden(readFileSync(khOut, 'utf8'));
  const peerIdx = new Map<PeerId, VerdictIndex>();
  const tv = timing.outputs.trivy;
  if (tv && existsSync(tv)) {
    // The objects kubeharden fails on the checks each Trivy id maps to: kinds that id reads (see parseTrivy).
    const related = new Map<string, CorpusObject[]>();
    for (const m of mappingsFor(catalogue, ['trivy'])) {
      const failed = [...(kh.idx.get(m.khCheck)?.keys() ?? [])].map((k) => objects.get(k)).filter((x): x is CorpusObject => !!x);
      for (const id of m.peerChecks) related.set(id, [...(related.get(id) ?? []), ...failed]);
    }
    const t = parseTrivy(readFileSync(tv, 'utf8'), objects, (id) => related.get(id) ?? []);
    peerIdx.set('trivy', t.idx);
    if (t.unplaced.length) notes.push(`Trivy findings not placed on a corpus object (left out): ${t.unplaced.length}, e.g. ${t.unplaced.slice(0, 3).join('; ')}.`);
  }
  const ck = timing.outputs.checkov;
  if (ck && existsSync(ck)) peerIdx.set('checkov', remapTemplatePods(parseCheckov(readFileSync(ck, 'utf8')), objects));
  const ks = status.find((s) => s.name === 'kubeScore' && s.ok);
  const ksWhole = timing.outputs.kubeScore;
  if (ks && timed('kubeScore')) {
    const ksPerFile = perFile.kubeScore?.idx ?? kubeScorePerFile(ks.binary, corpus, listFiles(corpus, isYaml)).idx;
    const whole = ksWhole && existsSync(ksWhole) ? parseKubeScoreWhole(readFileSync(ksWhole, 'utf8'), corpus, objects) : new Map();
    peerIdx.set('kubeScore', mergeKubeScore(ksPerFile, whole));
  }
  // Kyverno's podSecurity rule is compared with kubeharden's PSS-* checks under the same policy.
  const ky = status.find((s) => s.name === 'kyverno' && s.ok);
  let khPss: ReturnType<typeof parseKubeharden> | undefined;
  let kyRuns: AgreementRuns | undefined;
  if (ky && timed('kyverno')) {
    kyRuns = perFile.kyverno ?? kyvernoAgreementRuns(ky.binary, corpus, listFiles(corpus, isYaml), objects, kyvernoControls(fullCatalogue));
    peerIdx.set('kyverno', kyRuns.idx);
    khPss = parseKubeharden(readFileSync(khScan('kubeharden.pss.agreement.json', ['--pss', `restricted:${KYVERNO_PSS_VERSION}`]), 'utf8'));
    notes.push(`Kyverno is compared on the Pod Security Standards: its podSecurity rule (bench/peers/kyverno-pss.yaml, restricted ${KYVERNO_PSS_VERSION}) against kubeharden's PSS-* checks under \`scan --pss restricted:${KYVERNO_PSS_VERSION}\`; each upstream check id Kyverno reports (properties.controls) is the PSS-<id> check of the same name. Its report names objects, not files: for this it runs on batches of files in which every object it evaluates is the only one of its kind, namespace and name.`);
  }
  const kl = timing.outputs.kubeLinter;
  if (kl && existsSync(kl)) peerIdx.set('kubeLinter', parseKubeLinter(readFileSync(kl, 'utf8')));
  const allMappings: Mapping[] = [...mappingsFor(catalogue, [...peerIdx.keys()]), ...(peerIdx.has('kyverno') ? kyvernoMappings(fullCatalogue) : [])];
  const mappings = allMappings.filter((m) => m.peerChecks.some((id) => peerIdx.get(m.peer)?.has(id)));
  const silent = allMappings.filter((m) => !mappings.includes(m));
  if (silent.length) notes.push(`Mapped peer ids with no verdict at all on the corpus (not run by that invocation, or no object of their kind), so not compared: ${silent.map((m) => `${m.khCheck} ↔ ${m.peerChecks.join('/')}`).join('; ')}.`);
  const agreement = mappings.map((m) => {
    const side = m.peer === 'kyverno' && khPss ? khPss : kh;
    return compare(m, side.idx, side.errorFiles, peerIdx.get(m.peer) ?? new Map(), objects, { peerKinds: kindsOf(peerIdx.get(m.peer)), peerFiles: filesOf(peerIdx.get(m.peer)), peerErrors: m.peer === 'kyverno' ? kyRuns?.errors : undefined });
  });
  const optIn = fullCatalogue.filter((c) => c.optIn).map((c) => c.id);
  if (optIn.length) notes.push(`Opt-in kubeharden checks (off in a default scan, so not compared): ${optIn.join(', ')}. The PSS-* checks report only under \`scan --pss LEVEL\` or namespace pod-security labels, so they are compared with Kyverno only (under \`--pss\`); with the other peers, the catalogue checks they share peers with (CTR-*, POD-*) are.`);
  if (!peerIdx.has('kubeLinter') || !peerIdx.has('polaris')) notes.push('kube-linter and Polaris ids in the catalogue are not compared in this run: the tools could not be installed (see Machine and versions).');
  notes.push('The agreement scans the corpus as one bundle, as a user running each tool on the whole directory would: objects without metadata.namespace from different sets all land in "default", so cross-object checks (NetworkPolicy coverage, Service targets) see them together in every tool. kube-score\'s per-object checks are read from one run per file (its JSON names the Helm `# Source:` template instead of the file); its cross-object checks from the whole-corpus run.');
  const toolsWithCommand: Tool[] = timing.tools.map((t) => ({ ...t, command: () => ({ cmd: '', args: [], cwd: '', okCodes: [] }) }));
  const md = renderResults({
    env: timing.env,
    tools: toolsWithCommand,
    results: timing.results,
    agreement,
    notes,
    timeoutS: timing.timeoutS,
    runs: timing.runs,
    corpusFiles: listFiles(corpus, isManifest).length,
    corpusObjects: objects.size,
    kubeScoreExcluded: timing.ksFatal,
    kyvernoExcluded: timing.kyFatal ?? [],
    profile: existsSync(join(REPO_ROOT, 'bench', 'peers', 'profile.md')) ? readFileSync(join(REPO_ROOT, 'bench', 'peers', 'profile.md'), 'utf8') : undefined,
  });
  writeFileSync(o.output, md);
  writeFileSync(join(outDir, 'agreement.json'), JSON.stringify(agreement.map((p) => ({ ...p, disagreements: p.disagreements.map((d) => ({ ...d, object: undefined })) })), null, 1));
  log(`wrote ${o.output}`);
}

function kindsOf(idx: VerdictIndex | undefined): Set<string> {
  const out = new Set<string>();
  for (const m of idx?.values() ?? []) for (const k of m.keys()) out.add(k.split('|')[1]);
  return out;
}

function filesOf(idx: VerdictIndex | undefined): Set<string> {
  const out = new Set<string>();
  for (const m of idx?.values() ?? []) for (const k of m.keys()) out.add(k.split('|')[0]);
  return out;
}

/**
 * Checkov's graph checks (CKV2_K8S_*) see a workload's pod template as a synthetic Pod named
 * "<workload>.<label>-<value>..." : give its verdict to the workload of the same file.
 */
function remapTemplatePods(idx: VerdictIndex, objects: Map<string, CorpusObject>): VerdictIndex {
  const byFile = new Map<string, CorpusObject[]>();
  for (const o of objects.values()) if (o.pod) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o]);
  for (const m of idx.values()) {
    for (const key of [...m.keys()]) {
      if (objects.has(key)) continue;
      const [file, kind, ns, name] = key.split('|');
      if (kind !== 'Pod') continue;
      const owner = (byFile.get(file) ?? []).filter((o) => o.kind !== 'Pod' && (o.namespace || 'default') === ns && [o.name, String((o.pod?.metadata ?? {}).name ?? '')].some((n) => n && (name === n || name.startsWith(`${n}.`)))).sort((a, b) => b.name.length - a.name.length)[0];
      if (!owner) continue;
      moveVerdict(m, key, owner.key);
    }
  }
  // Graph checks on RBAC report on the (Cluster)RoleBinding; kubeharden on the role it grants.
  for (const [check, m] of idx) {
    if (!check.startsWith('CKV2_K8S_')) continue;
    for (const key of [...m.keys()]) {
      const b = objects.get(key);
      if (!b || (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding')) continue;
      const ref = b.object.roleRef as { kind?: string; name?: string } | undefined;
      const ns = ref?.kind === 'Role' ? b.namespace || 'default' : 'default';
      const role = [...objects.values()].filter((x) => x.kind === ref?.kind && x.name === ref?.name && (x.namespace || 'default') === ns).sort((x, y) => Number(y.file === b.file) - Number(x.file === b.file))[0];
      if (role) moveVerdict(m, key, role.key);
    }
  }
  return idx;
}

function moveVerdict(m: Map<string, Verdict>, from: string, to: string): void {
  const v = m.get(from);
  if (!v) return;
  m.delete(from);
  const old = m.get(to);
  m.set(to, old ? { ...old, fail: old.fail || v.fail } : { ...v, key: to });
}

/** kube-score checks that read other objects: compared from the whole-corpus run, like kubeharden's. */
const KUBE_SCORE_CROSS = new Set(['pod-networkpolicy', 'networkpolicy-targets-pod', 'service-targets-pod', 'pod-probes', 'ingress-targets-service', 'deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget', 'horizontalpodautoscaler-has-target', 'statefulset-has-servicename', 'deployment-targeted-by-hpa-does-not-have-replicas-configured']);

/**
 * The whole-corpus kube-score run: an object's file_name is the real file, or for Helm output
 * the `# Source:` template; those are resolved by (kind, namespace, name) when that is unique.
 */
function parseKubeScoreWhole(text: string, corpus: string, objects: Map<string, CorpusObject>): VerdictIndex {
  const byIdentity = new Map<string, CorpusObject[]>();
  for (const o of objects.values()) {
    const id = `${o.kind}|${o.namespace || 'default'}|${o.name}`;
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), o]);
  }
  const fileOf = (fileName: string, kind: string, ns: string | undefined, name: string): string | undefined => {
    const rel = relative(corpus, resolve(corpus, fileName)).split(sep).join('/');
    if (!rel.startsWith('..') && existsSync(join(corpus, rel))) return rel;
    const c = byIdentity.get(`${kind}|${ns || 'default'}|${name}`) ?? [];
    return c.length === 1 ? c[0].file : undefined;
  };
  const out: VerdictIndex = new Map();
  for (const o of JSON.parse(text) as Array<{ file_name?: string; type_meta?: { kind?: string }; object_meta?: { namespace?: string; name?: string } }>) {
    const kind = String(o.type_meta?.kind);
    const name = String(o.object_meta?.name);
    // kube-score merges objects of the same kind, namespace and name from different files into one
    // entry: its verdict stands for every copy.
    const copies = byIdentity.get(`${kind}|${o.object_meta?.namespace || 'default'}|${name}`) ?? [];
    const files = copies.length > 1 ? copies.map((c) => c.file) : [fileOf(String(o.file_name ?? ''), kind, o.object_meta?.namespace, name)];
    for (const file of files) if (file !== undefined) parseKubeScore(JSON.stringify([o]), file, out);
  }
  return out;
}

function mergeKubeScore(perFile: VerdictIndex, whole: VerdictIndex): VerdictIndex {
  const out: VerdictIndex = new Map();
  for (const [check, m] of perFile) if (!KUBE_SCORE_CROSS.has(check)) out.set(check, m);
  for (const [check, m] of whole) if (KUBE_SCORE_CROSS.has(check)) out.set(check, m);
  return out;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:peers: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
