/**
 * `kubeharden netpol` against the real kube-apiserver (test/cluster):
 * - live mode reads namespaces, pods (created by the real ReplicaSet controller, folded back into
 *   their Deployments), Services and NetworkPolicies, and answers exactly like the offline mode on
 *   the same manifests: the seed truth tables cell by cell, and the whole matrix;
 * - a CiliumNetworkPolicy (CRD installed) is found through discovery and reported as not evaluated;
 * - a caller that may not list NetworkPolicies gets an error naming the list and the cluster and
 *   exit 2, never an answer (the lists go through src/cluster, the project's one cluster client);
 * - the API server's own defaulting and validation of NetworkPolicies: 400 random policies (half
 *   broken in one of the ways the API rejects) are created with dryRun=All; kubeharden must call a
 *   policy invalid exactly when the API server rejects it, and default policyTypes exactly as it does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { REPO_ROOT } from '../shared.js';
import { cliBatch } from '../cli/helpers.js';
import { parseTables } from '../netpol/truth-tables.js';
import { randomWorld, rng, type Json } from '../netpol/random-world.js';
import { objectFromJson } from '../../src/load/plain-object.js';
import { loadText } from '../../src/load/index.js';
import { readPolicy } from '../../src/netpol/policy.js';
import { formatPath } from '../../src/k8s/json.js';

const TT = join(REPO_ROOT, 'src/netpol/fixtures/truth-tables');
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ciliumnetworkpolicies.cilium.io}
spec:
  group: cilium.io
  names: {kind: CiliumNetworkPolicy, plural: ciliumnetworkpolicies, singular: ciliumnetworkpolicy, shortNames: [cnp]}
  scope: Namespaced
  versions:
    - name: v2
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
const CNP = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7-rules, namespace: teambeta}
spec: {endpointSelector: {}}
`;

const API_SLICE = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
addressType: IPv4
endpoints: [{addresses: [192.168.10.5]}]
ports: [{name: https, port: 6443, protocol: TCP}]
`;

let c: Cluster;
let dir: string;
let manifests: string[];

function kubeharden(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('netpol against the real kube-apiserver', () => {
  before(async () => {
    const avail = controlPlaneAvailable();
    assert.ok(avail.ok, `control plane not available: ${avail.reason ?? ''}`);
    c = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'kh-netpol-live-'));
    manifests = [join(TT, 'teams.base.yaml'), join(TT, 'teams-default-deny-dns.yaml')];
    // Namespaces first (the base file declares them, with labels), then everything.
    for (const o of loadText(readFileSync(manifests[0]), manifests[0]).objects) if (o.kind === 'Namespace') await c.namespace(o.name, { ...o.labels });
    for (const f of manifests) {
      const r = await c.apply(readFileSync(f, 'utf8'));
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal((await c.apply(CRD)).code, 0);
    await c.waitFor(async () => (await c.apply(CNP)).code === 0, 30_000);
    // The test API server runs without an endpoint reconciler (its address is loopback, which
    // EndpointSlices may not hold): publish the slice a real API server keeps for itself.
    assert.equal((await c.apply(API_SLICE)).code, 0);
    // The ReplicaSet controller creates the pods (no scheduler: they stay Pending, which is fine).
    await c.waitFor(async () => {
      const r = await c.api('GET', '/api/v1/pods');
      const pods = ((r.json as { items?: unknown[] }).items ?? []).length;
      return pods >= 4;
    }, 60_000);
    await sleep(500);
  });

  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('live answers equal offline answers on the seed truth table, and the tables hold', () => {
    const text = readFileSync(manifests[1], 'utf8');
    const cells: Array<{ what: string; mark: string; live: string[]; offline: string[] }> = [];
    for (const table of parseTables(text)) {
      for (const row of table.rows) {
        row.marks.forEach((mark, j) => {
          if (mark === '-') return;
          const args = ['netpol', 'can-reach', row.src, table.columns[j], '--port', `${table.port}/${table.protocol}`];
          cells.push({ what: `${row.src} -> ${table.columns[j]} ${table.protocol} ${table.port}`, mark, live: [...args, '--kubeconfig', c.kubeconfig], offline: [...args, ...manifests.flatMap((m) => ['-f', m])] });
        });
      }
    }
    // One process for every invocation (start-up would dominate otherwise).
    const runs = cliBatch(...cells.flatMap((x) => [x.live, x.offline]));
    cells.forEach((x, i) => {
      const live = runs[2 * i];
      const offline = runs[2 * i + 1];
      assert.equal(live.stdout, offline.stdout, `${x.what}: live ${live.stdout} ${live.stderr}`);
      assert.equal(live.stdout.trim(), x.mark === 'Y' ? 'yes' : 'no', x.what);
      assert.equal(live.code, x.mark === 'Y' ? 0 : 1);
    });
    assert.ok(cells.length >= 10);
  });

  test('the live matrix equals the offline matrix; the Cilium policy is reported as not evaluated', () => {
    const live = kubeharden(['netpol', 'matrix', '-o', 'json', '--kubeconfig', c.kubeconfig, '-n', 'teamalpha', '-n', 'teambeta', '-n', 'kube-system']);
    assert.equal(live.code, 0, live.stderr);
    const offline = kubeharden(['netpol', 'matrix', '-o', 'json', ...manifests.flatMap((m) => ['-f', m])]);
    assert.deepEqual(JSON.parse(live.stdout), JSON.parse(offline.stdout));
    assert.match(live.stderr, /CiliumNetworkPolicy teambeta\/l7-rules \(cilium\.io\/v2\) is not evaluated by kubeharden/);
    const exposure = JSON.parse(kubeharden(['netpol', 'exposure', '-o', 'json', '--kubeconfig', c.kubeconfig]).stdout) as { workloads: Array<{ workload: string; egress: { toApiServer: { answer: string; detail: string }; dns: { status: string } } }> };
    const a = exposure.workloads.find((w) => w.workload === 'teamalpha/service-a')!;
    assert.equal(a.egress.dns.status, 'ok');
    assert.deepEqual(a.egress.toApiServer, { answer: 'no', ports: {}, detail: 'API server at 1 address(es), TCP 6443' }, 'the API server address is read from its EndpointSlice');
    const b = exposure.workloads.find((w) => w.workload === 'teambeta/client')!;
    assert.equal(b.egress.toApiServer.answer, 'yes');
  });

  test('a caller who may not list NetworkPolicies gets an error and exit 2, not an answer', () => {
    const r = kubeharden(['netpol', 'can-reach', 'teambeta/client', 'teamalpha/service-a', '--kubeconfig', c.identities.carol.kubeconfig]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    // The cluster client's error: the list, the context and server, and the API server's reason.
    assert.match(r.stderr, /error: list networkpolicies\.networking\.k8s\.io in all namespaces: context "[^"]+".* at https:\/\/[^:]+:\d+: HTTP 403: .*forbidden/);
    assert.match(r.stderr, /error: \d+ input error\(s\): the answer could be wrong without them/);
    const unreachable = kubeharden(['netpol', 'matrix', '--kubeconfig', join(dir, 'missing-kubeconfig')]);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /error: cannot read the cluster configuration: .*missing-kubeconfig/);
  });

  test('defaulting and validation equal the API server on 400 random policies (half broken)', async () => {
    const r = rng(4242);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const policies: Json[] = [];
    for (let i = 0; policies.length < 400; i++) {
      for (const p of randomWorld(777 + i, 0).policies) {
        const spec = JSON.parse(JSON.stringify(p.spec)) as Json;
        if (policies.length % 2 === 1) breakPolicy(spec, pick, r);
        policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${policies.length}`, namespace: 'teamalpha' }, spec });
      }
    }
    const disagreements: string[] = [];
    let rejected = 0;
    for (const p of policies) {
      const res = await c.api('POST', '/apis/networking.k8s.io/v1/namespaces/teamalpha/networkpolicies?dryRun=All', { body: p });
      const kh = readPolicy(objectFromJson(p, 'generated'))!;
      const accepted = res.status === 201;
      if (!accepted) {
        assert.equal(res.status, 422, res.body);
        rejected++;
      }
      if (accepted !== (kh.problems.length === 0)) {
        disagreements.push(`${JSON.stringify(p.spec)}: API server ${res.status}${accepted ? '' : ` ${res.body.slice(0, 300)}`}; kubeharden ${JSON.stringify(kh.problems.map((x) => `${formatPath(x.path)}: ${x.message}`))}`);
        continue;
      }
      if (accepted) {
        const types = ((res.json as { spec?: { policyTypes?: string[] } }).spec?.policyTypes ?? []).slice().sort();
        if (JSON.stringify(types) !== JSON.stringify([...new Set(types)].sort()) || JSON.stringify([...new Set(types)].sort()) !== JSON.stringify([...kh.types].sort()))
          disagreements.push(`${JSON.stringify(p.spec)}: policyTypes ${JSON.stringify(types)} vs kubeharden ${JSON.stringify([...kh.types])}`);
      } else {
        // The API server names the offending fields; kubeharden's problems point at one of them.
        const causes = ((res.json as { details?: { causes?: Array<{ field?: string }> } }).details?.causes ?? []).map((x) => x.field ?? '');
        const mine = kh.problems.map((x) => formatPath(x.path));
        if (!mine.some((m) => causes.some((f) => f === m || f.startsWith(`${m}.`) || m.startsWith(`${f}.`) || m.startsWith(`${f}[`))))
          disagreements.push(`${JSON.stringify(p.spec)}: API server fields ${JSON.stringify(causes)} vs kubeharden ${JSON.stringify(mine)}`);
      }
    }
    console.log(`validation parity: ${policies.length} policies, ${rejected} rejected by the API server`);
    assert.deepEqual(disagreements, []);
    assert.ok(rejected >= 150, `broken policies are rejected (${rejected})`);
  });
});

/** Breaks a valid spec in one of the ways the API server rejects. */
function breakPolicy(spec: Json, pick: <T>(xs: readonly T[]) => T, r: () => number): void {
  /** A rule of a random direction (made to exist, with the direction in policyTypes), and its peer list's key. */
  const pickRule = (): { rule: Json; peerKey: 'from' | 'to' } => {
    const field = pick(['ingress', 'egress'] as const);
    const list = (spec[field] as Json[] | undefined) ?? [];
    if (list.length === 0) list.push({});
    spec[field] = list;
    const type = field === 'ingress' ? 'Ingress' : 'Egress';
    if (Array.isArray(spec.policyTypes) && !spec.policyTypes.includes(type)) spec.policyTypes = [...(spec.policyTypes as string[]), type];
    return { rule: list[Math.floor(r() * list.length)], peerKey: field === 'ingress' ? 'from' : 'to' };
  };
  const rule = (): Json => pickRule().rule;
  const peers = (): Json[] => {
    const { rule: x, peerKey } = pickRule();
    return ((x[peerKey] as Json[] | undefined) ?? (x[peerKey] = [])) as Json[];
  };
  const ports = (x: Json): Json[] => ((x.ports as Json[] | undefined) ?? (x.ports = [])) as Json[];
  const how = pick([
    'endPort without port',
    'endPort below port',
    'endPort with a named port',
    'except outside cidr',
    'except equal to cidr',
    'ipBlock with a selector',
    'empty peer',
    'bad operator',
    'In without values',
    'Exists with values',
    'bad protocol',
    'port 0',
    'port name with capitals',
    'bad cidr',
    'bad label key',
    'three policyTypes',
    'unknown policyType',
  ]);
  switch (how) {
    case 'endPort without port':
      ports(rule()).push({ protocol: 'TCP', endPort: 9000 });
      break;
    case 'endPort below port':
      ports(rule()).push({ port: 9000, endPort: 8000 });
      break;
    case 'endPort with a named port':
      ports(rule()).push({ port: 'http', endPort: 9000 });
      break;
    case 'except outside cidr':
      peers().push({ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } });
      break;
    case 'except equal to cidr':
      peers().push({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } });
      break;
    case 'ipBlock with a selector':
      peers().push({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} });
      break;
    case 'empty peer':
      peers().push({});
      break;
    case 'bad operator':
      spec.podSelector = { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] };
      break;
    case 'In without values':
      peers().push({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } });
      break;
    case 'Exists with values':
      peers().push({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['x'] }] } });
      break;
    case 'bad protocol':
      ports(rule()).push({ port: 80, protocol: 'ICMP' });
      break;
    case 'port 0':
      ports(rule()).push({ port: 0 });
      break;
    case 'port name with capitals':
      ports(rule()).push({ port: 'HTTP' });
      break;
    case 'bad cidr':
      peers().push({ ipBlock: { cidr: '10.0.0.0/33' } });
      break;
    case 'bad label key':
      spec.podSelector = { matchLabels: { 'bad key': 'x' } };
      break;
    case 'three policyTypes':
      spec.policyTypes = ['Ingress', 'Egress', 'Ingress'];
      break;
    case 'unknown policyType':
      spec.policyTypes = ['Ingress', 'Sideways'];
      break;
  }
}
