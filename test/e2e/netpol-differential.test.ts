/**
 * kubeharden's NetworkPolicy engine against an independent one: the policy engine of Cyclonus
 * v0.5.6 (built from the Go module proxy by scripts/infra/20-cyclonus.sh, driven in one process
 * by test/netpol-oracle). 24,000 random cases (2,000 worlds × 12 queries, test/netpol/random-world.ts)
 * using every construct of the API; for each case the egress side, the ingress side and the
 * verdict must be equal.
 *
 * One known oracle defect, by the Kubernetes documentation: Cyclonus reads `NotIn` as "key
 * present and value not listed", while Kubernetes label selectors match `NotIn` when the key is
 * absent too ("environment notin (frontend)" selects resources without an environment label;
 * k8s.io/apimachinery labels.Requirement.Matches). The test therefore asserts:
 *   1. kubeharden(world with `Exists` added beside every `NotIn`) == Cyclonus(world) on EVERY case
 *      — that transformation is exactly Cyclonus's reading under Kubernetes semantics;
 *   2. every case where kubeharden(world) != Cyclonus(world) is one where that NotIn reading decides.
 * The correct behaviour is pinned in src/netpol/fixtures/semantics/oracle-notin-absent-key.yaml.
 * (Cyclonus also matches `matchLabels: {k: ""}` on pods without k; the generator never produces
 * empty label values, and oracle-matchlabels-empty-value.yaml pins the correct answer.)
 *
 * Pods have IPs and the engine runs with ipBlocks applied to pod IPs, as Cyclonus does, so
 * ipBlock matching of pods is compared too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectFromJson } from '../../src/load/plain-object.js';
import { loadText } from '../../src/load/index.js';
import { canReach, parsePortArg, resolveArg } from '../../src/netpol/query.js';
import type { PodEndpoint } from '../../src/netpol/world.js';
import { parseTables } from '../netpol/truth-tables.js';
import { REPO_ROOT } from '../shared.js';
import { ObjectIndex } from '../../src/engine/object-index.js';
import { buildWorld } from '../../src/netpol/world.js';
import { Reachability, type Endpoint } from '../../src/netpol/engine.js';
import { parseAddress } from '../../src/netpol/ip.js';
import type { Protocol } from '../../src/netpol/ports.js';
import { randomWorld, withCyclonusNotIn, worldObjects, type Json, type RandomWorld } from '../netpol/random-world.js';
import { oracleBinary, runOracle, type OracleResult } from '../netpol/oracle.js';

const WORLDS = 2000;
const QUERIES = 12;
const SEED = 20261207;

function evaluate(w: RandomWorld, policies: Json[]): OracleResult[] {
  const objects = worldObjects({ ...w, policies }).map((o) => objectFromJson(o, 'generated'));
  const world = buildWorld(new ObjectIndex(objects));
  const problems = world.policies.flatMap((p) => p.problems.map((x) => `${p.name}: ${x.message}`));
  assert.deepEqual(problems, [], 'generated policies are valid');
  const engine = new Reachability(world, { podIpBlocks: 'apply' });
  const byName = new Map(world.pods.map((p) => [p.workload.name, p]));
  const endpoint = (e: RandomWorld['queries'][number]['src']): Endpoint =>
    'pod' in e ? { kind: 'pod', cls: engine.classOf(byName.get(w.pods[e.pod].name)!)! } : { kind: 'ip', addr: parseAddress(e.ip)! };
  return w.queries.map((q) => {
    const src = endpoint(q.src);
    const dst = endpoint(q.dst);
    const proto = q.protocol as Protocol;
    const egress = src.kind === 'pod' ? engine.side('Egress', src, dst).ports.has(proto, q.port) : true;
    const ingress = dst.kind === 'pod' ? engine.side('Ingress', dst, src).ports.has(proto, q.port) : true;
    // The matrix's cached path must agree with the explained one.
    assert.equal(engine.allowed(src, dst).has(proto, q.port), egress && ingress, 'allowed() and side() agree');
    return { egress, ingress, allowed: egress && ingress };
  });
}

test('kubeharden agrees with the Cyclonus policy engine on 24,000 random cases', { timeout: 600_000 }, (t) => {
  const oracle = oracleBinary();
  if (!oracle.path) {
    const msg = `NOT RUN: netpol differential — ${oracle.reason}`;
    console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
    if (process.env.CI) throw new Error(msg);
    t.skip(msg);
    return;
  }
  const worlds = Array.from({ length: WORLDS }, (_, i) => randomWorld(SEED + i, QUERIES));
  const started = process.hrtime.bigint();
  const out = runOracle(oracle.path, worlds);
  const oracleMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(out.worlds.length, WORLDS);

  const unexplained: unknown[] = [];
  let cases = 0;
  let notInDecided = 0;
  let allowed = 0;
  const khStarted = process.hrtime.bigint();
  worlds.forEach((w, i) => {
    const o = out.worlds[i];
    assert.equal(o.error, undefined, `oracle error on world ${i}: ${o.error}`);
    const exact = evaluate(w, w.policies);
    const asCyclonus = evaluate(w, w.policies.map(withCyclonusNotIn));
    w.queries.forEach((q, j) => {
      cases++;
      if (o.results[j].allowed) allowed++;
      const same = (a: OracleResult, b: OracleResult) => a.ingress === b.ingress && a.egress === b.egress && a.allowed === b.allowed;
      if (!same(asCyclonus[j], o.results[j])) unexplained.push({ world: i, query: q, kubeharden: asCyclonus[j], oracle: o.results[j] });
      if (!same(exact[j], o.results[j])) {
        notInDecided++;
        // Only the NotIn reading may separate them.
        if (same(exact[j], asCyclonus[j])) unexplained.push({ world: i, query: q, kubeharden: exact[j], oracle: o.results[j], note: 'differs without NotIn deciding' });
      }
    });
  });
  const khMs = Number(process.hrtime.bigint() - khStarted) / 1e6;
  console.log(`netpol differential: ${cases} cases (${allowed} allowed, ${cases - allowed} denied); ${notInDecided} decided by NotIn on an absent key (oracle defect, pinned); oracle ${oracleMs.toFixed(0)} ms, kubeharden ${khMs.toFixed(0)} ms (two evaluations per case)`);
  if (unexplained.length) {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-differential-'));
    const file = join(dir, 'disagreements.json');
    writeFileSync(file, JSON.stringify(unexplained.slice(0, 50).map((u) => ({ ...(u as Json), world: worlds[(u as { world: number }).world] })), null, 2));
    console.log(`disagreements written to ${file}`);
  }
  assert.ok(cases >= 20_000);
  assert.equal(unexplained.length, 0, `${unexplained.length} disagreement(s) with the oracle: ${JSON.stringify(unexplained.slice(0, 3))}`);
  // Both verdicts are well represented (a generator that allows or denies everything proves little).
  assert.ok(allowed > cases * 0.15 && allowed < cases * 0.85, `allowed share ${allowed}/${cases}`);
});

test('the random worlds use every construct', () => {
  const worlds = Array.from({ length: WORLDS }, (_, i) => randomWorld(SEED + i, QUERIES));
  const text = worlds.map((w) => JSON.stringify(w.policies));
  const count = (re: RegExp) => text.filter((s) => re.test(s)).length;
  const constructs: Record<string, RegExp> = {
    'namespaceSelector AND podSelector in one peer': /"namespaceSelector":\{[^}]*\}+,"podSelector"/,
    'namespaceSelector: {}': /"namespaceSelector":\{\}/,
    'podSelector alone': /\{"podSelector":\{/,
    'matchExpressions In': /"operator":"In"/,
    'matchExpressions NotIn': /"operator":"NotIn"/,
    'matchExpressions Exists': /"operator":"Exists"/,
    'matchExpressions DoesNotExist': /"operator":"DoesNotExist"/,
    'kubernetes.io/metadata.name': /kubernetes\.io\/metadata\.name/,
    'ingress: []': /"ingress":\[\]/,
    'rule {} (no peers, no ports)': /(?:\[|,)\{\}(?:\]|,)/,
    'from: [] / to: []': /"(?:from|to)":\[\]/,
    'policyTypes omitted': /"spec":\{"podSelector":\{[^]*?\}(?:,"ingress|,"egress|\})(?![^]*policyTypes)/,
    'named port': /"port":"[a-z]/,
    endPort: /"endPort"/,
    SCTP: /"SCTP"/,
    UDP: /"UDP"/,
    'ipBlock except': /"except"/,
    'IPv6 ipBlock': /"cidr":"[0-9a-f]*::/,
  };
  for (const [name, re] of Object.entries(constructs)) assert.ok(count(re) >= 50, `${name}: only ${count(re)} worlds use it`);
});

test('the hand-written truth tables agree with the Cyclonus policy engine', (t) => {
  const oracle = oracleBinary();
  if (!oracle.path) {
    if (process.env.CI) throw new Error(`NOT RUN: ${oracle.reason}`);
    t.skip(oracle.reason);
    return;
  }
  const dir = join(REPO_ROOT, 'src/netpol/fixtures/truth-tables');
  let cells = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.base.yaml'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const base = /^# base: (\S+)$/m.exec(text)?.[1];
    const objects = [...(base ? loadText(readFileSync(join(dir, base)), base).objects : []), ...loadText(Buffer.from(text), file).objects];
    const index = new ObjectIndex(objects);
    const world = buildWorld(index);
    const engine = new Reachability(world);
    const services = (ns: string, name: string) => index.get('Service', ns, name)?.object as Record<string, unknown> | undefined;
    // The oracle's world: one pod per kubeharden pod endpoint, the policies as written.
    const podIndex = new Map(world.pods.map((p, i) => [p, i]));
    const namespaces = [...new Set(world.pods.map((p) => p.namespace))].map((n) => ({ name: n, labels: world.namespace(n).labels }));
    const pods = world.pods.map((p, i) => ({ namespace: p.namespace, name: `${p.workload.name}-${i}`, labels: p.labels, ip: `10.244.9.${i + 1}`, ports: p.ports.map((cp) => ({ name: cp.name ?? '', port: cp.port, protocol: cp.protocol })) }));
    const queries: RandomWorld['queries'] = [];
    const expected: boolean[] = [];
    const endpointOf = (arg: string): RandomWorld['queries'][number]['src'] => {
      const r = resolveArg(arg, world, engine, services);
      const e = r.endpoints[0].endpoint;
      assert.equal(r.endpoints.length, 1, `${arg} is one endpoint`);
      if (e.kind === 'ip') return { ip: arg };
      assert.equal(e.kind, 'pod');
      return { pod: podIndex.get((e as { cls: { members: PodEndpoint[] } }).cls.members[0])! };
    };
    for (const table of parseTables(text)) {
      for (const row of table.rows) {
        row.marks.forEach((mark, j) => {
          if (mark === '-') return;
          let port = table.port;
          // A Service column translates its port, as can-reach does.
          const translated = canReach(engine, resolveArg(row.src, world, engine, services), resolveArg(table.columns[j], world, engine, services), parsePortArg(`${table.port}/${table.protocol}`)).pairs[0].port;
          if (translated) port = translated.port;
          queries.push({ src: endpointOf(row.src), dst: endpointOf(table.columns[j]), port, protocol: table.protocol });
          expected.push(mark === 'Y');
        });
      }
    }
    const out = runOracle(oracle.path, [{ namespaces, pods, policies: world.policies.map((p) => p.object.object as Json), queries }]);
    assert.equal(out.worlds[0].error, undefined);
    out.worlds[0].results.forEach((r, i) => assert.equal(r.allowed, expected[i], `${file}: ${JSON.stringify(queries[i])}`));
    cells += queries.length;
  }
  console.log(`truth tables: ${cells} cells agree with the oracle`);
  assert.ok(cells > 50);
});
