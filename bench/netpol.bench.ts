/**
 * NetworkPolicy reachability speed.
 *   node --import tsx bench/netpol.bench.ts        (npm run bench:netpol; `npm run build` first for can-reach)
 * Aims (issue 17): the full matrix of 1,000 pods × 500 policies < 1 s and of 10,000 pods × 2,000
 * policies < 10 s (objects in memory → world → engine → every workload pair with its exact port
 * sets, the internet and the metadata endpoint included); `netpol can-reach` < 50 ms including
 * start-up on the real-world corpus.
 *
 * The clusters are synthetic but shaped like real ones and read as live mode reads a cluster
 * (Pods owned by ReplicaSets of Deployments, folded into their Deployment): 10 apps per
 * namespace, 5 replicas each (replicas share their labels, as pods of one ReplicaSet do), a
 * default-deny and a DNS rule per namespace, and per-app allow rules mixing pod selectors,
 * namespace selectors (AND and OR), named ports, port ranges and ipBlocks.
 *
 * The oracle (Cyclonus's engine, test/netpol-oracle, built by scripts/infra/20-cyclonus.sh)
 * answers the question it can answer on the same input — every ordered pod pair on 4 probe ports
 * (Cyclonus evaluates one port per query and has no classes) — in one process; its own evaluation
 * time is the baseline of the ratio, and its count of allowed (pair, port) answers must equal
 * kubeharden's (a correctness check at scale). It runs for the 1,000-pod cluster only: the
 * 10,000-pod one is 10⁸ pairs × 4 ports for it.
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectFromJson } from '../src/load/plain-object.js';
import { ObjectIndex } from '../src/engine/object-index.js';
import { buildWorld } from '../src/netpol/world.js';
import { Reachability } from '../src/netpol/engine.js';
import { computeMatrix } from '../src/netpol/matrix.js';
import { matrixJson } from '../src/netpol/output/reports.js';
import type { Protocol } from '../src/netpol/ports.js';
import { rng, type Json, type RandomWorld } from '../test/netpol/random-world.js';
import { oracleBinary, runOracle } from '../test/netpol/oracle.js';
import { REPO_ROOT, sharedPath } from '../test/shared.js';

const AIMS = { smallMs: 1000, largeMs: 10_000, canReachMs: 50 };
const PROBES: Array<{ port: number; protocol: Protocol }> = [
  { port: 8080, protocol: 'TCP' },
  { port: 9050, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 80, protocol: 'TCP' },
];

interface Cluster {
  objects: Json[];
  oracle: RandomWorld;
}

function cluster(pods: number, policies: number, seed: number): Cluster {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const namespaces = Array.from({ length: Math.max(1, Math.round(pods / 50)) }, (_, i) => ({ name: `ns${i}`, labels: { 'kubernetes.io/metadata.name': `ns${i}`, team: `t${i % 7}`, env: i % 3 ? 'prod' : 'dev' } }));
  const objects: Json[] = namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } }));
  const oracle: RandomWorld = { namespaces, pods: [], policies: [], queries: [] };
  const tiers = ['web', 'api', 'db', 'worker'];
  for (let i = 0; i < pods; i++) {
    const ns = namespaces[Math.floor(i / 50) % namespaces.length].name;
    const app = `app${Math.floor((i % 50) / 5)}`;
    const tier = tiers[(Math.floor((i % 50) / 5) + Math.floor(i / 50)) % tiers.length];
    const labels = { app, tier, 'pod-template-hash': `h${Math.floor(i / 5)}` };
    const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }, ...(tier === 'db' ? [{ name: 'db', port: 5432, protocol: 'TCP' }] : [{ name: 'metrics', port: 9090, protocol: 'TCP' }])];
    const ip = `10.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const rs = `${app}-h${Math.floor(i / 5)}`;
    if (i % 5 === 0) {
      // Listed as a cluster lists them: the Deployment, its ReplicaSet, then the pods.
      objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns } });
      objects.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: rs, namespace: ns, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, controller: true }] } });
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${rs}-${i}`, namespace: ns, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, controller: true }] },
      spec: { containers: [{ name: 'c', image: 'registry.example.com/app:1', ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) }] },
      status: { podIP: ip },
    });
    oracle.pods.push({ namespace: ns, name: `${rs}-${i}`, labels, ip, ports });
  }
  const perNs = Math.max(2, Math.floor(policies / namespaces.length));
  let made = 0;
  for (const n of namespaces) {
    const ns = n.name;
    const add = (name: string, spec: Json) => {
      if (made >= policies) return;
      const p = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
      objects.push(p);
      oracle.policies.push(p);
      made++;
    };
    add('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    add('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
    });
    for (let k = 2; k < perNs; k++) {
      const app = `app${k % 10}`;
      const peer = (): Json => {
        const x = r();
        if (x < 0.35) return { podSelector: { matchLabels: { app: `app${Math.floor(r() * 10)}` } } };
        if (x < 0.6) return { namespaceSelector: { matchLabels: { team: `t${Math.floor(r() * 7)}` } }, podSelector: { matchLabels: { tier: pick(tiers) } } };
        if (x < 0.75) return { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: [pick(['prod', 'dev'])] }] } };
        if (x < 0.9) return { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [pick(tiers), pick(tiers)] }] } };
        return { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } };
      };
      const port = (): Json => pick<Json>([{ port: 'http' }, { port: 8080 }, { port: 9000, endPort: 9100 }, { port: 'metrics' }, { port: 5432 }]);
      add(`allow-${k}`, {
        podSelector: { matchLabels: { app } },
        policyTypes: r() < 0.5 ? ['Ingress'] : ['Ingress', 'Egress'],
        ingress: Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ from: Array.from({ length: 1 + Math.floor(r() * 2) }, peer), ports: Array.from({ length: 1 + Math.floor(r() * 2) }, port) })),
        egress: [{ to: Array.from({ length: 1 + Math.floor(r() * 2) }, peer), ports: [port()] }],
      });
    }
  }
  return { objects, oracle };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** World, engine and full matrix from objects in memory; returns the best of `runs`. */
function timeMatrix(objects: Json[], runs: number) {
  const times: number[] = [];
  let last: { engine: Reachability; matrix: ReturnType<typeof computeMatrix> } | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const loaded = objects.map((o) => objectFromJson(o, 'cluster'));
    // As live mode reads a cluster: pods are the endpoints, folded into their Deployments.
    const world = buildWorld(new ObjectIndex(loaded), { podsOnly: true });
    const engine = new Reachability(world);
    const matrix = computeMatrix(engine);
    times.push(performance.now() - t0);
    last = { engine, matrix };
  }
  return { ms: Math.min(...times), ...last! };
}

/** kubeharden's answer to the oracle's question: allowed (pod pair, probe port) answers. */
function allowedPairs(engine: Reachability): number {
  let n = 0;
  for (const s of engine.classes)
    for (const d of engine.classes) {
      const ports = engine.allowed({ kind: 'pod', cls: s }, { kind: 'pod', cls: d });
      if (ports.isEmpty) continue;
      for (const p of PROBES) if (ports.has(p.protocol, p.port)) n += s.members.length * d.members.length;
    }
  return n;
}

function bench(label: string, pods: number, policies: number, aimMs: number, withOracle: boolean): void {
  const c = cluster(pods, policies, pods + policies);
  timeMatrix(c.objects, 1); // warm-up: JIT
  const m = timeMatrix(c.objects, 3);
  const t0 = performance.now();
  const json = JSON.stringify(matrixJson(m.matrix));
  const jsonMs = performance.now() - t0;
  const allowed = m.matrix.cells.reduce((s, row) => s + row.filter(Boolean).length, 0);
  console.log(
    `${label}: ${pods} pods, ${c.oracle.policies.length} policies → ${m.engine.classes.length} classes, ${m.matrix.nodes.length} matrix nodes, ${allowed} allowed cells: matrix ${m.ms.toFixed(0)} ms (aim < ${aimMs} ms: ${m.ms < aimMs ? 'met' : 'NOT met'}); JSON output ${jsonMs.toFixed(0)} ms, ${(json.length / 1e6).toFixed(1)} MB`,
  );
  if (!withOracle) return;
  const oracle = oracleBinary();
  if (!oracle.path) {
    console.log(`  oracle: not run (${oracle.reason})`);
    return;
  }
  const t1 = performance.now();
  const out = runOracle(oracle.path, [{ ...c.oracle, matrix: PROBES } as RandomWorld]);
  const oracleWall = performance.now() - t1;
  const khAllowed = allowedPairs(m.engine);
  const o = out.worlds[0];
  if (o.error) throw new Error(`oracle: ${o.error}`);
  const oracleMs = out.evaluateSeconds * 1000;
  console.log(
    `  oracle (Cyclonus engine): ${pods * pods} pod pairs × ${PROBES.length} ports = ${pods * pods * PROBES.length} queries in ${oracleMs.toFixed(0)} ms (process ${oracleWall.toFixed(0)} ms); allowed answers: oracle ${o.matrixAllowed}, kubeharden ${khAllowed} (${o.matrixAllowed === khAllowed ? 'equal' : 'DIFFERENT'})`,
  );
  console.log(`  ratio kubeharden full matrix (every port) / oracle (4 ports): ${(m.ms / oracleMs).toFixed(3)}×`);
  if (o.matrixAllowed !== khAllowed) process.exitCode = 1;
}

function canReach(): void {
  const cli = join(REPO_ROOT, 'dist/cli/main.js');
  const corpus = sharedPath('corpus/realworld', 'netpol can-reach bench');
  if (!corpus) return;
  if (!existsSync(cli)) {
    console.log('can-reach: not run (npm run build first)');
    return;
  }
  const args = [cli, 'netpol', 'can-reach', 'default/argocd-server', 'default/argocd-redis', '--port', '6379', '-f', corpus, '--skip-invalid'];
  const small = [cli, 'netpol', 'can-reach', 'default/argocd-server', 'default/argocd-redis', '--port', '6379', '-f', join(corpus, 'argo-cd/manifests/install.yaml')];
  for (const [what, a] of [
    ['whole corpus (10.9 MB, 12 sets)', args],
    ['argo-cd install.yaml (1.9 MB)', small],
  ] as const) {
    const walls: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, a, { encoding: 'utf8' });
      walls.push(performance.now() - t0);
      if (i === 0 && r.status !== 0 && r.status !== 1) throw new Error(`can-reach: exit ${r.status}: ${r.stderr}`);
    }
    const ms = median(walls.slice(1));
    console.log(`can-reach on the ${what}, built CLI, wall including start-up: median ${ms.toFixed(0)} ms of 5 (aim < ${AIMS.canReachMs} ms: ${ms < AIMS.canReachMs ? 'met' : 'NOT met'})`);
  }
}

/**
 * `--write DIR`: the 1,000-pod cluster as files instead, for whole-process timing with public
 * tools (/usr/bin/time -v): DIR/cluster-1k.json (a List, for `netpol matrix -f`) and
 * DIR/oracle-1k.json (the oracle's all-pairs input, for `netpol-oracle < DIR/oracle-1k.json`).
 */
const write = process.argv.indexOf('--write');
if (write > 0) {
  const dir = process.argv[write + 1];
  const c = cluster(1000, 500, 1500);
  writeFileSync(join(dir, 'cluster-1k.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c.objects }));
  writeFileSync(join(dir, 'oracle-1k.json'), JSON.stringify({ worlds: [{ ...c.oracle, matrix: PROBES }] }));
  console.log(`wrote ${join(dir, 'cluster-1k.json')} and ${join(dir, 'oracle-1k.json')}`);
} else {
  bench('1k', 1000, 500, AIMS.smallMs, true);
  bench('10k', 10_000, 2000, AIMS.largeMs, false);
  canReach();
}
