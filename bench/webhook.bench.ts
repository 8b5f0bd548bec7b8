/**
 * Admission webhook bench (not a test): open-loop load over loopback TLS with realistic
 * AdmissionReviews (a hardened Pod, an unhardened Deployment that is denied, a hardened
 * 20-container Pod), against `kubeharden webhook` and against the floor: a bare node:https
 * server that parses the review and answers allowed:true. Latency is measured from the moment
 * each request was due, so a stalled server cannot hide its queue (no coordinated omission).
 *
 *   npm run bench:webhook [-- --rates 500,1000,2000 --duration 10 --connections 32 --pin --profile DIR]
 *                          [--rounds N] [--compare DIR]
 *
 * --rounds N: the servers take turns N times per rate; medians are reported. --compare DIR adds
 * the server of another checkout (e.g. a worktree of main) as "before", measured in the same turns.
 *
 * Each server runs in its own single-threaded process, so it uses at most one core; with --pin
 * (on an otherwise idle machine) it is pinned to CPU 0 and the load generator to CPU 1.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createServer as createHttpsServer, request, Agent } from 'node:https';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { defaultPolicy } from '../src/admission/policy.js';
import { review as reviewFn } from '../src/admission/review.js';
import type { startWebhookServer } from '../src/admission/server.js';
import { admissionReview, hardenedPodSpec, pod, unhardenedDeployment } from '../src/admission/testing.js';
import { generateServingCerts, type GeneratedCerts } from '../src/admission/tls.js';
import { parseAdmissionReview } from '../src/admission/types.js';

/** kubeharden: this checkout's server; before: the server of the checkout given with --compare DIR; floor: bare node:https. */
type Role = 'kubeharden' | 'before' | 'floor';

const FIXTURES: { name: string; body: Buffer }[] = [
  { name: 'pod', body: Buffer.from(JSON.stringify(admissionReview(pod('api-7d9f', 'shop', hardenedPodSpec(1))))) },
  { name: 'deployment (denied)', body: Buffer.from(JSON.stringify(admissionReview(unhardenedDeployment('web', 'shop', 'ghcr.io/acme/web:1.4.2')))) },
  { name: '20-container pod', body: Buffer.from(JSON.stringify(admissionReview(pod('batch-0', 'shop', hardenedPodSpec(20))))) },
];

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

// ---------------------------------------------------------------- server roles (child processes)

async function serve(role: Role, certs: GeneratedCerts): Promise<number> {
  if (role === 'kubeharden' || role === 'before') {
    // "before" runs another checkout's server with that checkout's own policy code.
    const from = role === 'kubeharden' ? '..' : arg('compare', '');
    const server = (await import(`${from}/src/admission/server.ts`)) as { startWebhookServer: typeof startWebhookServer };
    const policy = (await import(`${from}/src/admission/policy.ts`)) as { defaultPolicy: typeof defaultPolicy };
    // Logs go to stdout (ignored by the parent): denials are logged, as in production.
    const s = await server.startWebhookServer({ host: '127.0.0.1', port: 0, policy: policy.defaultPolicy({ webhookNamespace: 'kubeharden-system' }), tls: { pair: { cert: certs.cert, key: certs.key } }, logger: pino({ level: 'info' }) });
    return s.port;
  }
  const server = createHttpsServer({ cert: certs.cert, key: certs.key, minVersion: 'TLSv1.2', keepAliveTimeout: 120_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const uid = (JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string } }).request.uid;
      const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

async function child(): Promise<void> {
  const role = arg('role', 'floor') as Role;
  const certs = JSON.parse(process.env.BENCH_CERTS ?? '{}') as GeneratedCerts;
  const port = await serve(role, certs);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
    // A clean exit, so that --cpu-prof writes the server's profile (a signal would lose it).
    if (m.type === 'exit') process.exit(0);
  });
  process.send?.({ type: 'port', port });
}

// ---------------------------------------------------------------- load generator (parent)

interface Phase {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  cpu: number;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function runPhase(port: number, ca: string, rate: number, seconds: number, connections: number): Promise<{ latencies: Float64Array; sent: number; ok: number; errors: number; elapsed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca });
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let ok = 0;
  let errors = 0;
  const start = performance.now();
  const interval = 1000 / rate;
  return new Promise((resolve) => {
    const finishOne = () => {
      done++;
      if (done === total) {
        agent.destroy();
        resolve({ latencies: latencies.slice(0, ok).sort(), sent, ok, errors, elapsed: (performance.now() - start) / 1000 });
      }
    };
    const fire = (i: number) => {
      const due = start + i * interval;
      const f = FIXTURES[i % FIXTURES.length];
      const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': f.body.length } }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode === 200) latencies[ok++] = performance.now() - due;
          else errors++;
          finishOne();
        });
      });
      req.on('error', () => {
        errors++;
        finishOne();
      });
      req.end(f.body);
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / interval) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

/** Servers started; any still running when the bench exits (one failed to start, say) are stopped. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
});

async function startChild(role: Role, certs: GeneratedCerts): Promise<{ proc: ChildProcess; port: number }> {
  const profileDir = arg('profile', '');
  const proc = fork(new URL(import.meta.url).pathname, ['--role', role, '--child', '--compare', arg('compare', '')], {
    // --profile DIR: a V8 CPU profile of each server under load (bench/webhook-profile.ts splits it).
    // One profile per thread lands in DIR/<role>; tsx's loader thread writes one too, the main thread's is the largest.
    execArgv: ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${profileDir}/${role}`] : [])],
    env: { ...process.env, BENCH_CERTS: JSON.stringify(certs) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(proc);
  if (process.platform === 'linux' && process.argv.includes('--pin')) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(proc.pid)], { stdio: 'ignore' });
    } catch {
      // no taskset: unpinned
    }
  }
  const port = await new Promise<number>((resolve, reject) => {
    proc.on('message', (m: { type: string; port?: number }) => m.type === 'port' && resolve(m.port ?? 0));
    proc.once('exit', (code) => reject(new Error(`${role} server exited (${code})`)));
  });
  return { proc, port };
}

function cpuOf(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: { type: string; usage?: NodeJS.CpuUsage }) => {
      if (m.type !== 'cpu' || !m.usage) return;
      proc.off('message', on);
      resolve((m.usage.user + m.usage.system) / 1e6);
    };
    proc.on('message', on);
    proc.send({ type: 'cpu' });
  });
}

function computeOnly(): { name: string; us: number }[] {
  const policy = defaultPolicy({ webhookNamespace: 'kubeharden-system' });
  // what the server does per request, minus HTTP and TLS: parse, check the envelope, review, serialize
  const once = (body: Buffer) => {
    const q = parseAdmissionReview(JSON.parse(body.toString()));
    if (q.ok) JSON.stringify(reviewFn(q.request, policy).response);
  };
  // Warm up on all fixtures first: V8 compiles the checks on background threads, and
  // process.cpuUsage() counts those threads, so compilation must be over before measuring.
  for (let i = 0; i < 3000; i++) once(FIXTURES[i % FIXTURES.length].body);
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (const f of FIXTURES) {
      const n = 1000;
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) once(f.body);
      const c = process.cpuUsage(c0);
      // CPU time, not wall time: stable when other processes share the machine; best of 3 rounds.
      best.set(f.name, Math.min(best.get(f.name) ?? Infinity, (c.user + c.system) / n));
    }
  }
  return FIXTURES.map((f) => ({ name: f.name, us: best.get(f.name) ?? NaN }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** CPU µs per answered review in one phase. */
function perReview(p: Phase): number {
  return (p.cpu * p.seconds * 1e6) / Math.max(1, p.ok);
}

async function main(): Promise<void> {
  const rates = arg('rates', '500,1000,2000').split(',').map(Number);
  const seconds = Number(arg('duration', '10'));
  const warmup = Number(arg('warmup', '3'));
  const connections = Number(arg('connections', '32'));
  const rounds = Number(arg('rounds', '1'));
  const roles: Role[] = arg('compare', '') ? ['floor', 'before', 'kubeharden'] : ['floor', 'kubeharden'];
  if (process.argv.includes('--pin')) {
    try {
      execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    } catch {
      // unpinned
    }
  }
  const certs = await generateServingCerts(['127.0.0.1']);
  console.log(`# kubeharden webhook bench: node ${process.version}, ${connections} keep-alive connections, ${seconds}s per rate after ${warmup}s warm-up, ${rounds} round(s), fixtures: ${FIXTURES.map((f) => `${f.name} (${f.body.length} B)`).join(', ')}`);
  console.log('\n## compute only (review() in-process, no HTTP/TLS)\n');
  for (const c of computeOnly()) console.log(`- ${c.name}: ${c.us.toFixed(0)} µs CPU/review`);

  // The servers take turns, round after round, so that what else runs on the machine weighs on
  // each alike; the figures are the medians over the rounds.
  const servers = new Map<Role, { proc: ChildProcess; port: number }>();
  for (const role of roles) servers.set(role, await startChild(role, certs));
  const results = new Map<string, Phase[]>();
  for (const rate of rates) {
    for (let round = 0; round < rounds; round++) {
      for (const role of roles) {
        const { proc, port } = servers.get(role)!;
        await runPhase(port, certs.caPem, rate, warmup, connections);
        const cpu0 = await cpuOf(proc);
        const r = await runPhase(port, certs.caPem, rate, seconds, connections);
        const cpu1 = await cpuOf(proc);
        const key = `${role}@${rate}`;
        results.set(key, [
          ...(results.get(key) ?? []),
          {
            rate,
            sent: r.sent,
            ok: r.ok,
            errors: r.errors,
            seconds: r.elapsed,
            p50: quantile(r.latencies, 0.5),
            p99: quantile(r.latencies, 0.99),
            p999: quantile(r.latencies, 0.999),
            max: r.latencies[r.latencies.length - 1] ?? NaN,
            cpu: (cpu1 - cpu0) / r.elapsed,
          },
        ]);
        process.stderr.write(`${role} @ ${rate}/s round ${round + 1} done\n`);
      }
    }
  }
  for (const { proc } of servers.values()) {
    await new Promise((r) => {
      proc.once('exit', r);
      proc.send({ type: 'exit' });
    });
  }

  const med = (role: Role, rate: number, f: (p: Phase) => number): number => median(results.get(`${role}@${rate}`)!.map(f));
  console.log(`\n## over loopback TLS (latency from when each request was due; medians of ${rounds} round(s))\n`);
  console.log('| server | target/s | achieved/s | errors | p50 ms | p99 ms | p99.9 ms | max ms | server CPU | CPU µs/review |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const role of roles) {
    for (const rate of rates) {
      const m = (f: (p: Phase) => number) => med(role, rate, f);
      console.log(`| ${role} | ${rate} | ${m((p) => p.ok / p.seconds).toFixed(0)} | ${m((p) => p.errors)} | ${m((p) => p.p50).toFixed(2)} | ${m((p) => p.p99).toFixed(2)} | ${m((p) => p.p999).toFixed(2)} | ${m((p) => p.max).toFixed(1)} | ${m((p) => p.cpu * 100).toFixed(0)}% | ${m(perReview).toFixed(0)} |`);
    }
  }
  for (const role of roles.filter((r) => r !== 'floor')) {
    console.log(`\n## ${role} / floor (median of the per-round ratios)\n`);
    console.log('| target/s | throughput ratio | p50 ratio | p99 ratio | CPU per review ratio |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const rate of rates) {
      const k = results.get(`${role}@${rate}`)!;
      const f = results.get(`floor@${rate}`)!;
      const ratio = (g: (p: Phase) => number) => median(k.map((p, i) => g(p) / g(f[i])));
      console.log(`| ${rate} | ${ratio((p) => p.ok / p.seconds).toFixed(2)} | ${ratio((p) => p.p50).toFixed(2)}× | ${ratio((p) => p.p99).toFixed(2)}× | ${ratio(perReview).toFixed(2)}× |`);
    }
  }
  if (roles.includes('before')) {
    console.log('\n## kubeharden / before (median of the per-round ratios)\n');
    console.log('| target/s | CPU per review ratio | p99 ratio |');
    console.log('|---:|---:|---:|');
    for (const rate of rates) {
      const k = results.get(`kubeharden@${rate}`)!;
      const b = results.get(`before@${rate}`)!;
      console.log(`| ${rate} | ${median(k.map((p, i) => perReview(p) / perReview(b[i]))).toFixed(2)}× | ${median(k.map((p, i) => p.p99 / b[i].p99)).toFixed(2)}× |`);
    }
  }
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (latency figures are only meaningful on an otherwise idle machine)`);
}

if (process.argv.includes('--child')) void child();
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
