/**
 * Pod Security Standards evaluation speed: µs per pod for baseline + restricted (both levels
 * evaluated for every pod), against upstream PSA's Go figure of 4.8 µs per pod.
 *   node --import tsx bench/pss.bench.ts        (npm run bench:pss)
 * Inputs: a typical Deployment pod (passes restricted), the same pod failing several checks,
 * and every PSA oracle fixture (../shared/oracles/psa, or $KUBEHARDEN_SHARED) at its version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { evaluatePod, parsePssVersion, type PssVersionSpec } from '../src/pss/index.js';

const UPSTREAM_US = 4.8;

interface Input {
  meta: unknown;
  spec: unknown;
  version: PssVersionSpec;
}

function typicalPod(hardened: boolean): Input {
  const sc = hardened ? { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } : { readOnlyRootFilesystem: false };
  const container = (name: string) => ({
    name,
    image: `registry.example.com/team/${name}:1.4.2`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090 }],
    env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }, { name: 'tmp', mountPath: '/tmp' }],
    securityContext: sc,
  });
  return {
    meta: { labels: { app: 'web', 'app.kubernetes.io/version': '1.4.2' }, annotations: { 'prometheus.io/scrape': 'true', 'checksum/config': 'abc123' } },
    spec: {
      serviceAccountName: 'web',
      securityContext: hardened ? { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } } : { fsGroup: 10001 },
      initContainers: [container('migrate')],
      containers: [container('web'), container('sidecar')],
      volumes: [{ name: 'config', configMap: { name: 'web' } }, { name: 'tmp', emptyDir: {} }, ...(hardened ? [] : [{ name: 'host', hostPath: { path: '/var/log' } }])],
    },
    version: 'latest',
  };
}

function oracleInputs(): Input[] | undefined {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const shared = process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(root, '../shared');
  const dir = join(shared, 'oracles', 'psa');
  if (!existsSync(join(dir, 'index.json'))) return undefined;
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: Array<{ file: string; version: string }> };
  return index.cases.map((c) => {
    const pod = parse(readFileSync(join(dir, c.file), 'utf8')) as { metadata?: unknown; spec?: unknown };
    return { meta: pod.metadata, spec: pod.spec, version: parsePssVersion(c.version) as PssVersionSpec };
  });
}

let sink = 0;

/**
 * µs per pod (baseline + restricted) over `rounds` rounds of at least ~40 ms each. The figure is
 * CPU time of this process (process.cpuUsage), which other load on a shared machine does not
 * inflate the way it inflates wall time; the best wall-clock round is printed alongside.
 */
function measure(inputs: readonly Input[], rounds = 15): { cpuMedian: number; cpuBest: number; wallBest: number } {
  const pass = () => {
    for (const p of inputs) {
      sink += evaluatePod(p.meta, p.spec, 'baseline', p.version).length;
      sink += evaluatePod(p.meta, p.spec, 'restricted', p.version).length;
    }
  };
  // warm up and size the round
  let reps = 1;
  for (;;) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) pass();
    const c = process.cpuUsage(c0);
    if ((c.user + c.system) / 1e3 > 40) break;
    reps *= 2;
  }
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) pass();
    const ns = Number(process.hrtime.bigint() - t0);
    const c = process.cpuUsage(c0);
    const n = reps * inputs.length;
    cpu.push((c.user + c.system) / n);
    wall.push(ns / 1e3 / n);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return { cpuMedian: cpu[Math.floor(cpu.length / 2)], cpuBest: cpu[0], wallBest: wall[0] };
}

function report(name: string, inputs: readonly Input[]): void {
  const { cpuMedian, cpuBest, wallBest } = measure(inputs);
  const ratio = cpuMedian / UPSTREAM_US;
  console.log(
    `${name.padEnd(42)} ${String(inputs.length).padStart(5)} pods  ${cpuMedian.toFixed(2).padStart(6)} µs/pod CPU median (best ${cpuBest.toFixed(2)}, best wall ${wallBest.toFixed(2)})  = ${ratio.toFixed(2)}× upstream's ${UPSTREAM_US} µs`,
  );
}

console.log(`PSS evaluation, baseline + restricted per pod (node ${process.version})`);
report('typical Deployment pod, passes restricted', [typicalPod(true)]);
report('typical Deployment pod, fails 7 checks', [typicalPod(false)]);
const oracle = oracleInputs();
if (oracle) report('PSA oracle fixtures (at their version)', oracle);
else console.log('PSA oracle fixtures: NOT RUN: ../shared not present');
if (sink < 0) console.log(sink);
