/**
 * `kubeharden audit -A` on the project's real kube-apiserver at growing sizes, against `scan` of
 * the same objects (the audit's --dump) measured in the same run. Not a test: it prints (and with
 * --write, records in bench/audit-results.md) wall time and peak RSS per size, the ratio to the
 * file scan, and the curve extrapolated to 10,000 and 100,000 objects.
 *
 *   npm run build && node --import tsx bench/audit.bench.ts [--steps 3] [--namespaces 200] [--write]
 *
 * The cluster: 200 namespaces, each with Deployments (pod templates, 2 replicas' worth each) and
 * bare Pods — 20,000 pods' worth of Deployments plus 20,000 bare Pods at full size. There is no
 * kubelet and no controller-manager: the pods stay Pending and nothing else is created. Objects
 * are POSTed over keep-alive connections, 32 at a time (test/audit/apply.ts).
 * Wall time and peak RSS of each run come from /usr/bin/time -v.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../test/cluster/index.js';
import { Applier } from '../test/audit/apply.js';
import type { Obj } from '../test/audit/world.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const NAMESPACES = arg('namespaces', 200);
const STEPS = arg('steps', 3);
/** Per namespace at full size: 50 Deployments of 2 replicas (100 pods' worth) and 100 bare Pods. */
const DEPLOYMENTS = 50;
const PODS = 100;

interface Measure {
  wallS: number;
  rssMb: number;
}

function timed(args: string[]): Measure {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUBECONFIG: '' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!wall || !rss) throw new Error(`no /usr/bin/time figures in: ${r.stderr.slice(-500)}`);
  return { wallS: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMb: Number(rss[1]) / 1024 };
}

const container = (i: number) => ({
  name: 'app',
  image: `registry.example.com/team/app-${i % 17}:1.${i % 9}`,
  ports: [{ containerPort: 8080 }],
  env: [{ name: 'MODE', value: 'prod' }],
  resources: { requests: { cpu: '10m', memory: '32Mi' } },
  ...(i % 5 === 0 ? { securityContext: { privileged: true } } : i % 3 === 0 ? { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } } : {}),
});

function objectsFor(ns: string, from: number, to: number): Obj[] {
  const out: Obj[] = [];
  for (let i = from; i < to; i++) {
    if (i < DEPLOYMENTS) {
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `web-${i}`, namespace: ns, labels: { app: `web-${i}` } },
        spec: { replicas: 2, selector: { matchLabels: { app: `web-${i}` } }, template: { metadata: { labels: { app: `web-${i}` } }, spec: { containers: [container(i)] } } },
      });
    }
    if (i < PODS) out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `job-${i}`, namespace: ns, labels: { app: 'batch' } }, spec: { restartPolicy: 'Never', containers: [container(i + 1)] } });
  }
  return out;
}

const c = await startCluster({ controllerManager: false, extraApiserverFlags: ['--max-requests-inflight=800', '--max-mutating-requests-inflight=400'] });
const dir = mkdtempSync(join(tmpdir(), 'kubeharden-audit-bench-'));
const rows: Array<{ objects: number; audit: Measure; scan: Measure; lean: Measure; findings: number }> = [];

/** The summary at the end of a JSON report (the report itself can exceed a string's maximum length). */
function summaryOf(file: string): { objects: number; findings: number } {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const buf = Buffer.alloc(Math.min(size, 1 << 16));
  readSync(fd, buf, 0, buf.length, size - buf.length);
  closeSync(fd);
  const tail = buf.toString('utf8');
  const at = tail.lastIndexOf('"summary"');
  const objects = /"objects": (\d+)/.exec(tail.slice(at));
  const findings = /"findings": (\d+)/.exec(tail.slice(at));
  if (!objects || !findings) throw new Error(`no summary at the end of ${file}`);
  return { objects: Number(objects[1]), findings: Number(findings[1]) };
}
try {
  const applier = await Applier.open(c.kubeconfig);
  const names = Array.from({ length: NAMESPACES }, (_, i) => `team-${String(i).padStart(3, '0')}`);
  const base: Obj[] = names.flatMap((ns) => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as Obj,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } } as Obj,
  ]);
  await applier.create(base, 32);
  const per = Math.max(DEPLOYMENTS, PODS);
  for (let step = 1; step <= STEPS; step++) {
    const from = Math.floor(((step - 1) * per) / STEPS);
    const to = Math.floor((step * per) / STEPS);
    const t0 = Date.now();
    const made = await applier.create(names.flatMap((ns) => objectsFor(ns, from, to)), 32);
    const refused = made.filter((m) => m.status >= 300);
    if (refused.length) throw new Error(`${refused.length} objects refused, e.g. ${refused[0].message}`);
    process.stderr.write(`step ${step}: created ${made.length} objects in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const dump = join(dir, `dump-${step}.json`);
    const out = join(dir, `audit-${step}.json`);
    const audit = timed(['audit', '--kubeconfig', c.kubeconfig, '-A', '-o', 'json', '--output-file', out, '--dump', dump, '--fail-on', 'none']);
    const scan = timed(['scan', dump, '-o', 'json', '--output-file', join(dir, `scan-${step}.json`), '--fail-on', 'none']);
    // The same audit with one check: the cost of reading and evaluating the objects without the findings' weight.
    const lean = timed(['audit', '--kubeconfig', c.kubeconfig, '-A', '-o', 'json', '--output-file', join(dir, `lean-${step}.json`), '--fail-on', 'none', '--checks', 'CTR-PRIVILEGED']);
    const summary = summaryOf(out);
    rows.push({ objects: summary.objects, audit, scan, lean, findings: summary.findings });
    process.stderr.write(`  audit ${audit.wallS.toFixed(1)} s ${audit.rssMb.toFixed(0)} MB (one check: ${lean.wallS.toFixed(1)} s ${lean.rssMb.toFixed(0)} MB); scan of the dump ${scan.wallS.toFixed(1)} s ${scan.rssMb.toFixed(0)} MB\n`);
  }
  applier.close();
} finally {
  await c.stop();
}

/** Least-squares line through (objects, y): intercept + slope. */
function fit(ys: number[]): { a: number; b: number } {
  const xs = rows.map((r) => r.objects);
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / (xs.reduce((s, x) => s + (x - mx) ** 2, 0) || 1);
  return { a: my - b * mx, b };
}
/** Wall time grows faster than linearly (the findings' weight on the garbage collector): fit t = c·n^p. */
function powerFit(ys: number[]): { c: number; p: number } {
  const xs = rows.map((r) => Math.log(r.objects));
  const ls = ys.map((y) => Math.log(y));
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ls.reduce((s, y) => s + y, 0) / n;
  const p = xs.reduce((s, x, i) => s + (x - mx) * (ls[i] - my), 0) / (xs.reduce((s, x) => s + (x - mx) ** 2, 0) || 1);
  return { c: Math.exp(my - p * mx), p };
}
const wallFit = powerFit(rows.map((r) => r.audit.wallS));
const leanWallFit = powerFit(rows.map((r) => r.lean.wallS));
const wall = { a: 0, b: 0, at: (x: number) => wallFit.c * x ** wallFit.p };
const leanWall = { a: 0, b: 0, at: (x: number) => leanWallFit.c * x ** leanWallFit.p };
const measuredRss = fit(rows.map((r) => r.audit.rssMb));
/** A peak that does not grow with the objects (findings wait on disk) is not extrapolated down: the largest measured stands. */
const flat = measuredRss.b <= 0;
const maxRss = Math.max(...rows.map((r) => r.audit.rssMb));
const rss = flat ? { a: maxRss, b: 0 } : measuredRss;
const leanRss = fit(rows.map((r) => r.lean.rssMb));
const at = (f: { a: number; b: number; at?: (x: number) => number }, x: number) => (f.at ? f.at(x) : f.a + f.b * x);
const lines = [
  `# kubeharden audit -A: measured ${new Date().toISOString().slice(0, 10)} (${NAMESPACES} namespaces, one run, ${process.version})`,
  '',
  'Objects are what audit checked (Namespaces, ServiceAccounts, Deployments, bare Pods, plus the cluster-scoped and bootstrap objects).',
  'The file scan reads the same objects from the audit\'s --dump.',
  '',
  '| objects checked | findings | audit wall | audit peak RSS | scan wall | scan peak RSS | audit/scan wall | audit/scan RSS | audit, one check: wall | peak RSS |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.objects.toLocaleString('en-US')} | ${r.findings.toLocaleString('en-US')} | ${r.audit.wallS.toFixed(1)} s | ${r.audit.rssMb.toFixed(0)} MB | ${r.scan.wallS.toFixed(1)} s | ${r.scan.rssMb.toFixed(0)} MB | ${(r.audit.wallS / r.scan.wallS).toFixed(2)} | ${(r.audit.rssMb / r.scan.rssMb).toFixed(2)} | ${r.lean.wallS.toFixed(1)} s | ${r.lean.rssMb.toFixed(0)} MB |`,
  ),
  '',
  `Fits of the audit: wall ≈ ${wallFit.c.toExponential(2)} · n^${wallFit.p.toFixed(2)} s (one check: n^${leanWallFit.p.toFixed(2)}); ${flat ? `peak RSS does not grow with the objects (${rows.map((r) => r.audit.rssMb.toFixed(0)).join(', ')} MB): the largest is taken for any size.` : `peak RSS ≈ ${rss.a.toFixed(0)} MB + ${(rss.b * 1000).toFixed(1)} MB per 1,000 objects.`}`,
  `Extrapolated: 10,000 objects ≈ ${at(wall, 10_000).toFixed(1)} s and ${at(rss, 10_000).toFixed(0)} MB (aim < 10 s, < 300 MB); 100,000 objects ≈ ${at(wall, 100_000).toFixed(0)} s and ${at(rss, 100_000).toFixed(0)} MB (aim ≤ 60 s, ≤ 1 GB).`,
  `With one check (the objects' cost without the findings'): 10,000 objects ≈ ${at(leanWall, 10_000).toFixed(1)} s and ${at(leanRss, 10_000).toFixed(0)} MB; 100,000 ≈ ${at(leanWall, 100_000).toFixed(0)} s and ${at(leanRss, 100_000).toFixed(0)} MB.`,
  `Findings per object: ${(rows[rows.length - 1].findings / rows[rows.length - 1].objects).toFixed(1)} (every container lacks most hardening); they wait on disk until the report is written (docs/audit.md).`,
  '',
];
process.stdout.write(lines.join('\n'));
if (process.argv.includes('--write')) writeFileSync(join(ROOT, 'bench/audit-results.md'), lines.join('\n'));
