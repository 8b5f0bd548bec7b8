/**
 * Audit-log throughput and memory of `rbac suggest` and `rbac unused`, and blast radius for every
 * workload of the real-world corpus.
 *   node --import tsx bench/rbac-usage.bench.ts [--mb 1024]
 *
 * Generates a JSON-lines audit log (never committed) of realistic Metadata-level events — 200
 * users and ServiceAccounts, reads and writes over 12 resources and 40 namespaces, a reason
 * annotation on most allowed events, a few denied ones — at half of --mb and at --mb (both past
 * the point where the reader's bounded de-duplication window is full). Each
 * command runs in its own process (figures from process.resourceUsage: CPU time and peak RSS)
 * next to a floor measured in the same run: a process that streams the same file and
 * JSON.parses every line, the least any JSON-lines consumer does. Reported: MB/s of CPU time,
 * the ratio to the floor, and peak RSS on the big log over the half-size one (1.0 = memory
 * independent of log size). For whole-process figures of the CLI itself:
 *   node --import tsx bench/rbac-usage.bench.ts --generate /tmp/audit.log 1024
 *   /usr/bin/time -v node dist/cli/main.js rbac suggest --audit-log /tmp/audit.log --serviceaccount ns1:sa1
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readAuditLogs } from '../src/audit/reader.js';
import { SuggestBuilder } from '../src/rbac/usage/suggest.js';
import { UsageTracker } from '../src/rbac/usage/unused.js';
import { parseAuditSubject } from '../src/rbac/usage/audit-subject.js';
import { buildPolicy, inputsFromLoaded, type RbacInput } from '../src/rbac/policy.js';
import { bootstrapInputs } from '../src/rbac/defaults.js';
import { rng } from '../src/rbac/generator.js';
import { loadInputs } from '../src/load/index.js';
import { BlastAnalyzer } from '../src/rbac/blast/radius.js';

const SELF = fileURLToPath(import.meta.url);
const NAMESPACES = Array.from({ length: 40 }, (_, i) => `ns${i}`);
const RESOURCES: Array<[string, string, string]> = [['', 'pods', ''], ['', 'pods', 'log'], ['', 'pods', 'exec'], ['', 'configmaps', ''], ['', 'secrets', ''], ['', 'services', ''], ['apps', 'deployments', ''], ['apps', 'replicasets', ''], ['batch', 'jobs', ''], ['', 'events', ''], ['coordination.k8s.io', 'leases', ''], ['networking.k8s.io', 'ingresses', '']];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The RBAC the generated log was made under: one Role and RoleBinding per ServiceAccount. */
function policyInputs(): RbacInput[] {
  const objs: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    const ns = NAMESPACES[i % NAMESPACES.length];
    objs.push({ kind: 'ServiceAccount', metadata: { name: `sa${i}`, namespace: ns } });
    objs.push({ kind: 'Role', metadata: { name: `role${i}`, namespace: ns }, rules: [{ apiGroups: ['', 'apps', 'batch', 'coordination.k8s.io', 'networking.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] }] });
    objs.push({ kind: 'RoleBinding', metadata: { name: `rb${i}`, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role${i}` }, subjects: [{ kind: 'ServiceAccount', name: `sa${i}`, namespace: ns }] });
  }
  return [...bootstrapInputs(), ...objs.map((object) => ({ object, origin: 'input' as const }))];
}

async function generate(file: string, bytes: number): Promise<void> {
  const r = rng(18);
  const out = createWriteStream(file);
  let written = 0;
  let id = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 1000; k++) {
      const sa = Math.floor(r() * 100);
      const ns = NAMESPACES[sa % NAMESPACES.length];
      const [group, resource, sub] = RESOURCES[Math.floor(r() * RESOURCES.length)];
      const verb = VERBS[Math.floor(r() * VERBS.length)];
      const denied = r() < 0.03 || verb === 'delete';
      const name = verb === 'list' || verb === 'watch' ? '' : `obj-${Math.floor(r() * 50)}`;
      const user = `system:serviceaccount:${ns}:sa${sa}`;
      const t = new Date(Date.UTC(2025, 5, 1) + id * 10).toISOString();
      const ev = {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: `${(id++).toString(16).padStart(8, '0')}-7d3e-4c2b-9a51-0242ac120002`,
        stage: 'ResponseComplete',
        requestURI: `/api${group ? `s/${group}` : ''}/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`,
        verb,
        user: { username: user, uid: `uid-${sa}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], extra: { 'authentication.kubernetes.io/pod-name': [`pod-${sa}`] } },
        sourceIPs: ['10.0.0.12'],
        userAgent: 'controller/v0.0.0 (linux/amd64) kubernetes/$Format',
        objectRef: { resource, namespace: ns, ...(name ? { name } : {}), apiGroup: group, apiVersion: 'v1', ...(sub ? { subresource: sub } : {}) },
        responseStatus: { metadata: {}, code: denied ? 403 : 200 },
        requestReceivedTimestamp: t,
        stageTimestamp: t,
        annotations: denied
          ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' }
          : { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': `RBAC: allowed by RoleBinding "rb${sa}/${ns}" of Role "role${sa}" to ServiceAccount "sa${sa}/${ns}"` },
      };
      lines.push(JSON.stringify(ev));
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Child mode: run one command over the file, print its figures. */
async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  if (mode === 'floor') {
    // Stream and JSON.parse every line: the least a JSON-lines consumer does.
    let carry = '';
    let n = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: 'utf8' })) {
      const text = carry + (chunk as string);
      const last = text.lastIndexOf('\n');
      for (const line of text.slice(0, last).split('\n')) if (line) n += (JSON.parse(line) as { verb?: string }).verb ? 1 : 0;
      carry = text.slice(last + 1);
    }
    if (n === 0) throw new Error('floor read nothing');
  } else if (mode === 'suggest') {
    const b = new SuggestBuilder({ subject: parseAuditSubject({ serviceaccount: 'ns1:sa1' }) });
    const r = await readAuditLogs([file], { onRequest: (x) => b.add(x) });
    if (r.requests === 0 || b.result().objects.length === 0) throw new Error('suggest found nothing');
  } else if (mode === 'unused') {
    const t = new UsageTracker(buildPolicy(policyInputs()));
    const r = await readAuditLogs([file], { onRequest: (x) => t.add(x) });
    if (r.requests === 0) throw new Error('unused read nothing');
    t.report();
  } else throw new Error(`unknown mode ${mode}`);
  const u = process.resourceUsage();
  process.stdout.write(JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMB: u.maxRSS / 1024 }));
}

interface Figures {
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
}

function run(mode: string, file: string): Figures {
  const args = ['--import', 'tsx', SELF, '--child', mode, file];
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (p.status !== 0) throw new Error(`${mode} on ${file} failed: ${p.stderr}`);
  return JSON.parse(p.stdout) as Figures;
}

async function corpusBlast(): Promise<void> {
  const corpus = join(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'corpus', 'realworld');
  try {
    statSync(corpus);
  } catch {
    console.log(`blast radius: corpus not found at ${corpus} (../shared): skipped`);
    return;
  }
  const c0 = process.cpuUsage();
  const loaded = await loadInputs([corpus], { kustomize: false });
  const policy = buildPolicy([...bootstrapInputs(), ...inputsFromLoaded(loaded.objects)]);
  const c1 = process.cpuUsage(c0);
  const analyzer = new BlastAnalyzer(policy, policy.workloads.map((w) => ({ namespace: w.namespace, object: w.loaded?.object })));
  const seen = new Set<string>();
  let n = 0;
  for (const w of policy.workloads) {
    const k = `${w.kind}/${w.namespace}/${w.name}`;
    if (seen.has(k)) continue;
    seen.add(k);
    analyzer.analyze({ kind: w.kind, namespace: w.namespace, name: w.name, serviceAccountName: w.serviceAccountName, object: w.loaded?.object });
    n++;
  }
  const c2 = process.cpuUsage(c0);
  const load = (c1.user + c1.system) / 1000;
  const all = (c2.user + c2.system) / 1000;
  console.log(`blast radius of all ${n} corpus workloads: ${(all - load).toFixed(0)} ms CPU (target < 2000 ms); loading the corpus: ${load.toFixed(0)} ms CPU; ratio blast/load ${((all - load) / load).toFixed(2)}`);
}

async function parent(): Promise<void> {
  const mbArg = process.argv.indexOf('--mb');
  const mb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 1024;
  const dir = mkdtempSync(join(tmpdir(), 'kh-audit-bench-'));
  try {
    const small = join(dir, 'small.log');
    const big = join(dir, 'big.log');
    await generate(small, (mb / 2) * 1e6);
    await generate(big, mb * 1e6);
    const size = (f: string): number => statSync(f).size / 1e6;
    console.log(`logs: ${size(small).toFixed(0)} MB and ${size(big).toFixed(0)} MB (${dir})`);
    for (const mode of ['suggest', 'unused']) {
      const floorBig = run('floor', big);
      const big1 = run(mode, big);
      const small1 = run(mode, small);
      console.log(
        `${mode.padEnd(8)} ${(size(big) / (big1.cpuMs / 1000)).toFixed(0)} MB/s of CPU (wall ${(size(big) / (big1.wallMs / 1000)).toFixed(0)} MB/s); ` +
          `CPU ${(big1.cpuMs / floorBig.cpuMs).toFixed(2)}× the JSON.parse floor (${(size(big) / (floorBig.cpuMs / 1000)).toFixed(0)} MB/s); ` +
          `peak RSS ${big1.maxRssMB.toFixed(0)} MB on ${size(big).toFixed(0)} MB, ${small1.maxRssMB.toFixed(0)} MB on ${size(small).toFixed(0)} MB (ratio ${(big1.maxRssMB / small1.maxRssMB).toFixed(2)})`,
      );
    }
    await corpusBlast();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --generate FILE MB writes one log and exits (to time the CLI on it with /usr/bin/time -v);
// --child MODE FILE is one measured run.
if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--generate') await generate(process.argv[3], Number(process.argv[4]) * 1e6);
else await parent();
