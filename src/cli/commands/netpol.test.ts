/**
 * `kubeharden netpol` end to end in-process (offline): answers and exit codes, --explain with
 * positions, every output format, exposure, diff, and fail-closed input errors.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.js';
import { netpolIo } from './netpol.js';

const TT = fileURLToPath(new URL('../../netpol/fixtures/truth-tables/', import.meta.url));
const BASE = join(TT, 'teams.base.yaml');
const DENY_DNS = join(TT, 'teams-default-deny-dns.yaml');
const ISOLATED = join(TT, 'teams-isolated.yaml');
let dir: string;

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { ...netpolIo };
  netpolIo.stdout = (s) => void (stdout += s);
  netpolIo.stderr = (s) => void (stderr += s);
  const ew = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += typeof s === 'string' ? s : ''), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'kubeharden', 'netpol', ...args]);
    return { code, stdout, stderr };
  } finally {
    Object.assign(netpolIo, saved);
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-netpol-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('netpol can-reach', () => {
  test('yes/no first, exit 0/1 like rbac can-i', async () => {
    const yes = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '-f', BASE);
    assert.deepEqual([yes.code, yes.stdout], [0, 'yes\n']);
    const no = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '--port', '8080', '-f', BASE, '-f', ISOLATED);
    assert.deepEqual([no.code, no.stdout], [1, 'no\n']);
    const quiet = await run('can-reach', 'teamalpha/worker', 'teamalpha/service-a', '--port', 'http', '-f', BASE, '-f', ISOLATED, '-q');
    assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  });

  test('--explain names both sides: the selecting policies and the rule with file:line, or the default', async () => {
    const r = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '--port', '80', '-f', BASE, '-f', ISOLATED, '--explain');
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^no: Deployment teambeta\/client → Deployment teamalpha\/service-a on TCP 80$/);
    assert.match(r.stdout, /on TCP 8080 \(Service service-a port 80 → targetPort http → 8080\): denied/);
    assert.match(r.stdout, /egress of teambeta\/client \(Deployment\):\n +no NetworkPolicy selects it for egress: allowed by default/);
    assert.match(r.stdout, /isolated for ingress by NetworkPolicies teamalpha\/default-deny-ingress \(.*teams-isolated\.yaml:\d+\), teamalpha\/same-namespace/);
    assert.match(r.stdout, /teamalpha\/same-namespace ingress rule 0 \(.*teams-isolated\.yaml:28\): from every pod in namespace teamalpha; TCP http — no peer matches teambeta\/client/);
    const yes = await run('can-reach', 'teamalpha/worker', 'teamalpha/service-a', '--port', 'http', '-f', BASE, '-f', ISOLATED, '--explain');
    assert.match(yes.stdout, /^yes/);
    assert.match(yes.stdout, /allowed by NetworkPolicy teamalpha\/same-namespace ingress rule 0 \(.*:28\)/);
  });

  test('IPs and CIDRs: the internet, partly allowed ranges, the metadata endpoint', async () => {
    const f = join(dir, 'egress.yaml');
    writeFileSync(
      f,
      `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16, 10.0.0.0/8]}}], ports: [{port: 443}]}]
`,
    );
    assert.equal((await run('can-reach', 'shop/web', '8.8.8.8', '--port', '443', '-f', f)).stdout, 'yes\n');
    const meta = await run('can-reach', 'shop/web', '169.254.169.254', '--port', '80', '-f', f);
    assert.deepEqual([meta.code, meta.stdout], [1, 'no\n']);
    const partly = await run('can-reach', 'shop/web', '0.0.0.0/0', '--port', '443', '-f', f, '-o', 'json');
    const j = JSON.parse(partly.stdout) as { answer: string; pairs: Array<{ dst: string; allowed: boolean }> };
    assert.equal(partly.code, 0, 'partly: some connection is possible');
    assert.equal(j.answer, 'partly');
    assert.deepEqual(j.pairs.filter((p) => !p.allowed).map((p) => p.dst).sort(), ['10.0.0.0/8', '169.254.0.0/16']);
  });

  test('-o json carries both sides with rule sources', async () => {
    const r = await run('can-reach', 'teamalpha/service-a', 'kube-system/k8s-app=kube-dns', '--port', '53/udp', '-f', BASE, '-f', DENY_DNS, '-o', 'json');
    const j = JSON.parse(r.stdout) as { answer: string; pairs: Array<{ egress: { status: string; allowedBy: Array<{ policy: string; rule: number; source: string }> }; ingress: { status: string } }> };
    assert.equal(j.answer, 'yes');
    assert.equal(j.pairs[0].egress.status, 'isolated');
    assert.deepEqual(j.pairs[0].egress.allowedBy.map((a) => [a.policy, a.rule]), [['teamalpha/allow-dns', 0]]);
    assert.match(j.pairs[0].egress.allowedBy[0].source, /teams-default-deny-dns\.yaml:\d+$/);
    assert.equal(j.pairs[0].ingress.status, 'open');
  });

  test('unknown endpoints, ports and invalid policies are errors (exit 2), with did-you-mean', async () => {
    const typo = await run('can-reach', 'teambeta/cleint', 'teamalpha/service-a', '-f', BASE);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no workload or Service named "cleint" in namespace "teambeta" \(did you mean client\?\)/);
    const ns = await run('can-reach', 'teambta/client', 'teamalpha/service-a', '-f', BASE);
    assert.match(ns.stderr, /did you mean teambeta\?/);
    const port = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '--port', 'grpc', '-f', BASE, '--explain');
    assert.match(port.stdout, /has no TCP container port or Service port named "grpc"/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: r, namespace: teamalpha}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{endPort: 90}]}]\n');
    const invalid = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '-f', BASE, '-f', bad);
    assert.equal(invalid.code, 2);
    assert.equal(invalid.stdout, '', 'no answer from an input it could not read');
    assert.match(invalid.stderr, /error: .*bad\.yaml:6: NetworkPolicy teamalpha\/r: endPort may not be specified when port is not specified/);
    const skipped = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '-f', BASE, '-f', bad, '--skip-invalid');
    assert.deepEqual([skipped.code, skipped.stdout], [0, 'yes\n']);
    const missing = await run('can-reach', 'a/b', 'c/d', '-f', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.equal((await run('can-reach', 'a/b', 'c/d', '-f', BASE, '--kubeconfig', 'x')).code, 2, '-f and --kubeconfig together');
  });

  test('live: a kubeconfig that cannot be read, or a cluster that cannot be reached, is an error naming it (exit 2, no answer)', async () => {
    const noConfig = await run('can-reach', 'a/b', 'c/d', '--kubeconfig', join(dir, 'missing-kubeconfig'));
    assert.deepEqual([noConfig.code, noConfig.stdout], [2, '']);
    assert.match(noConfig.stderr, /error: cannot read the cluster configuration: .*missing-kubeconfig/);
    // A port nothing listens on: connection refused, after the client's retries.
    const kc = join(dir, 'refused.kubeconfig');
    writeFileSync(kc, `apiVersion: v1
kind: Config
clusters: [{name: nowhere, cluster: {server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: ctx-nowhere, context: {cluster: nowhere, user: u}}]
current-context: ctx-nowhere
`);
    const refused = await run('matrix', '--kubeconfig', kc, '--context', 'ctx-nowhere');
    assert.deepEqual([refused.code, refused.stdout], [2, '']);
    assert.match(refused.stderr, /error: cannot read the cluster: discover the core API: context "ctx-nowhere" \(cluster "nowhere"\) at https:\/\/127\.0\.0\.1:9: connection refused/);
    const ctx = await run('matrix', '--kubeconfig', kc, '--context', 'prod');
    assert.match(ctx.stderr, /error: cannot read the cluster configuration: context "prod" is not in the kubeconfig \(it has: ctx-nowhere\)/);
  });

  test('policies of other engines are reported as not evaluated', async () => {
    const f = join(dir, 'cilium.yaml');
    writeFileSync(f, 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: l7, namespace: teamalpha}\nspec: {endpointSelector: {}}\n');
    const r = await run('can-reach', 'teambeta/client', 'teamalpha/service-a', '-f', BASE, '-f', f);
    assert.equal(r.stdout, 'yes\n');
    assert.match(r.stderr, /CiliumNetworkPolicy teamalpha\/l7 \(cilium\.io\/v2\) is not evaluated by kubeharden/);
    assert.match(r.stderr, /the answer ignores CiliumNetworkPolicy l7/);
  });
});

describe('netpol matrix', () => {
  test('text: a compact matrix with isolation marks and the port-specific pairs', async () => {
    const r = await run('matrix', '-f', BASE, '-f', ISOLATED);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /1 teamalpha\/service-a {2}\+ \. # # # \[in\|--\]/);
    assert.match(r.stdout, /3 teambeta\/client +\. \. # # # \[--\|--\]/);
    assert.match(r.stdout, /teamalpha\/worker → teamalpha\/service-a: TCP 8080/);
  });

  test('json, csv, dot and mermaid', async () => {
    const j = JSON.parse((await run('matrix', '-f', BASE, '-f', ISOLATED, '-o', 'json', '--no-externals')).stdout) as { nodes: Array<{ id: string; ingressIsolated: boolean }>; connections: Array<{ src: string; dst: string; ports: unknown }> };
    assert.deepEqual(j.nodes.map((n) => [n.id, n.ingressIsolated]), [['teamalpha/service-a', true], ['teamalpha/worker', true], ['teambeta/client', false]]);
    assert.deepEqual(j.connections.find((c) => c.src === 'teamalpha/worker' && c.dst === 'teamalpha/service-a')?.ports, { TCP: ['8080'] });
    assert.ok(!j.connections.some((c) => c.src === 'teambeta/client' && c.dst === 'teamalpha/service-a'));
    const csv = (await run('matrix', '-f', BASE, '-f', ISOLATED, '-o', 'csv', '--no-externals')).stdout.trim().split('\n');
    assert.equal(csv[0], 'src,dst,ports,partial');
    assert.ok(csv.includes('teamalpha/worker,teamalpha/service-a,TCP 8080,no'));
    const dot = (await run('matrix', '-f', BASE, '-f', ISOLATED, '-o', 'dot')).stdout;
    assert.match(dot, /^digraph netpol \{/);
    assert.match(dot, /subgraph cluster_0 \{\n {4}label="namespace teamalpha";/);
    assert.match(dot, /"teamalpha\/worker" -> "teamalpha\/service-a" \[label="TCP 8080"\];/);
    const mermaid = (await run('matrix', '-f', BASE, '-f', ISOLATED, '-o', 'mermaid')).stdout;
    assert.match(mermaid, /^flowchart LR\n {2}subgraph ns0\["namespace teamalpha"\]/);
    assert.match(mermaid, /n1 -->\|"TCP 8080"\| n0/);
  });

  test('html is one self-contained page written with --output-file', async () => {
    const out = join(dir, 'm.html');
    const r = await run('matrix', '-f', BASE, '-f', ISOLATED, '-o', 'html', '--output-file', out);
    assert.deepEqual([r.code, r.stdout], [0, '']);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link|src="http|url\(http|@import/i, 'nothing fetched, nothing run');
    assert.match(html, /data-isolation="none"/);
    const nowhere = await run('matrix', '-f', BASE, '-o', 'html', '--output-file', join(dir, 'no/such/dir/m.html'));
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /error: cannot write .*m\.html: the folder .*no\/such\/dir does not exist/);
  });

  test('-n limits the workloads; -n with -A is a usage error', async () => {
    const r = await run('matrix', '-f', BASE, '-n', 'teambeta', '-o', 'json', '--no-externals');
    assert.deepEqual((JSON.parse(r.stdout) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id), ['teambeta/client']);
    assert.equal((await run('matrix', '-f', BASE, '-n', 'x', '-A')).code, 2);
    assert.equal((await run('matrix', '-f', BASE, '--external', 'bad')).code, 2);
    const bad = await run('matrix', '-f', BASE, '-n', 'Team_Beta');
    assert.deepEqual([bad.code, bad.stdout], [2, '']);
    assert.match(bad.stderr, /error: -n\/--namespace: "Team_Beta" is not a valid namespace name/);
  });
});

describe('netpol exposure', () => {
  test('reachability from outside, egress to the internet/metadata/API server, DNS, coverage', async () => {
    const r = await run('exposure', '-f', BASE, '-f', DENY_DNS, '-o', 'json');
    const j = JSON.parse(r.stdout) as {
      workloads: Array<{ workload: string; ingress: { fromOtherNamespaces: unknown; fromInternet: unknown }; egress: { toInternet: unknown; toMetadata: unknown; toApiServer: { answer: string }; dns: { status: string } } }>;
      namespaces: Array<{ namespace: string; ingressCoverage: number; egressCoverage: number; defaultDeny: { ingress: { name: string } | null } }>;
    };
    const a = j.workloads.find((w) => w.workload === 'teamalpha/service-a')!;
    assert.equal(a.ingress.fromOtherNamespaces, null);
    assert.equal(a.egress.toInternet, null);
    assert.equal(a.egress.toMetadata, null);
    assert.equal(a.egress.toApiServer.answer, 'no');
    assert.equal(a.egress.dns.status, 'ok');
    const c = j.workloads.find((w) => w.workload === 'teambeta/client')!;
    assert.notEqual(c.ingress.fromInternet, null);
    assert.equal(c.egress.toApiServer.answer, 'yes');
    assert.equal(c.egress.dns.status, 'open');
    const alpha = j.namespaces.find((n) => n.namespace === 'teamalpha')!;
    assert.deepEqual([alpha.ingressCoverage, alpha.egressCoverage, alpha.defaultDeny.ingress?.name], [1, 1, 'default-deny']);
    assert.equal(j.namespaces.find((n) => n.namespace === 'teambeta')!.ingressCoverage, 0);
    const text = await run('exposure', '-f', BASE, '-f', DENY_DNS);
    assert.match(text.stdout, /^WORKLOAD +INGRESS +FROM OTHER NS/);
    assert.match(text.stdout, /teamalpha +2 +2\/2 \(100%\) +2\/2 \(100%\) +ingress \(default-deny\), egress \(default-deny\)/);
  });

  test('--api-server makes the API server question exact', async () => {
    const f = join(dir, 'api.yaml');
    writeFileSync(
      f,
      `apiVersion: v1
kind: Pod
metadata: {name: op, namespace: ops, labels: {app: op}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: op, namespace: ops}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.96.0.0/12}}], ports: [{port: 6443}]}]
`,
    );
    const maybe = JSON.parse((await run('exposure', '-f', f, '-o', 'json')).stdout) as { workloads: Array<{ egress: { toApiServer: { answer: string } } }> };
    assert.equal(maybe.workloads[0].egress.toApiServer.answer, 'maybe');
    const inside = JSON.parse((await run('exposure', '-f', f, '-o', 'json', '--api-server', '10.96.0.1:6443')).stdout) as typeof maybe;
    assert.equal(inside.workloads[0].egress.toApiServer.answer, 'yes');
    const outside = JSON.parse((await run('exposure', '-f', f, '-o', 'json', '--api-server', '192.168.0.10:6443')).stdout) as typeof maybe;
    assert.equal(outside.workloads[0].egress.toApiServer.answer, 'no');
  });
});

describe('netpol diff', () => {
  test('connections added and removed; exit 1 when anything changed, 0 when not', async () => {
    const r = await run('diff', '-f', BASE, '--against', BASE, '--against', ISOLATED);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^- teambeta\/client → teamalpha\/service-a: all ports$/m);
    assert.match(r.stdout, /^- teamalpha\/worker → teamalpha\/service-a: TCP 1-8079,8081-65535; UDP all; SCTP all$/m);
    assert.match(r.stdout, /0 connection\(s\) added or widened, \d+ removed or narrowed/);
    const back = JSON.parse((await run('diff', '-f', BASE, '-f', ISOLATED, '--against', BASE, '-o', 'json')).stdout) as { changes: Array<{ src: string; dst: string; added: unknown; removed: unknown }> };
    assert.ok(back.changes.some((c) => c.src === 'teambeta/client' && c.dst === 'teamalpha/service-a' && c.added === 'all' && c.removed === null));
    const same = await run('diff', '-f', BASE, '--against', BASE);
    assert.deepEqual([same.code, same.stdout], [0, 'No connection added or removed.\n']);
    assert.equal((await run('diff', '-f', BASE)).code, 2, '--against is required');
  });
});
