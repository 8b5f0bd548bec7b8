/**
 * Blast radius on the chain fixture (pod → SA → create pods → exec → cluster-admin SA): the chain
 * and its length, token facts, Secrets, node access and cloud credentials; every output format;
 * the per-workload ranking of `rbac risks --workloads`; workload lookup errors.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadInputs } from '../../load/index.js';
import { buildPolicy, inputsFromLoaded, type RbacPolicy } from '../policy.js';
import { bootstrapInputs } from '../defaults.js';
import { BlastAnalyzer, findWorkload } from './radius.js';
import { blastDot, blastGraph, blastHtml, blastMermaid } from '../../report/blast-radius.js';
import { main } from '../../cli/main.js';
import { rbacIo } from '../../cli/commands/rbac.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/chain.yaml', import.meta.url));
let policy: RbacPolicy;
let analyzer: BlastAnalyzer;

before(async () => {
  const loaded = await loadInputs([FIXTURE]);
  assert.deepEqual(loaded.errors, []);
  policy = buildPolicy([...bootstrapInputs(), ...inputsFromLoaded(loaded.objects)]);
  analyzer = new BlastAnalyzer(policy, policy.workloads.map((w) => ({ namespace: w.namespace, object: w.loaded?.object })));
});

const blast = (spec: string) => analyzer.analyze(findWorkload(policy, spec, (w) => w.loaded?.object));

describe('blast radius', () => {
  test('finds the chain web → ci/builder (create pods) → deploy/deployer (exec) and its length', () => {
    const r = blast('app/web');
    assert.equal(r.severity, 'critical');
    assert.equal(r.apiAccess, true);
    const deployer = r.become.find((b) => b.subject.kind === 'ServiceAccount' && b.subject.namespace === 'deploy' && b.subject.name === 'deployer');
    assert.ok(deployer, 'deploy/deployer is reachable');
    assert.equal(deployer.chain.length, 2);
    assert.deepEqual(deployer.chain.map((s) => `${s.from.namespace}/${s.from.name}`), ['app/web', 'ci/builder']);
    assert.match(deployer.chain[0].how, /can create pods in namespace ci/);
    assert.match(deployer.chain[1].how, /can run code in the pods in namespace deploy \(Deployment deploy\/deployer runs as it\)/);
    assert.ok(deployer.holdings.some((h) => h.id === 'create-workloads' && h.severity === 'critical' && h.scope === ''));
    assert.equal(r.become.find((b) => b.subject.name === 'builder')?.chain.length, 1);
    assert.deepEqual(r.secrets.mounted, [{ name: 'web-db', how: 'env of container web' }]);
    assert.deepEqual(r.secrets.readable, []);
    assert.ok(r.node.some((n) => n.what === 'kubelet API (nodes/proxy)' && /deploy\/deployer \(chain of 2\)/.test(n.detail)));
    assert.deepEqual(r.cloud.map((c) => c.what), ['AWS IAM role (IRSA)']);
    assert.deepEqual(r.permissions.namespaces.map((n) => n.namespace), ['ci']);
  });

  test('the cluster-admin ServiceAccount reads every Secret; a pod without a token still reaches its node and cloud files', () => {
    const d = blast('deploy/Deployment/deployer');
    assert.ok(d.secrets.allIn.some((a) => a.namespace === 'deploy'));
    assert.ok(d.secrets.readable.some((s) => s.namespace === 'deploy' && s.name === 'deploy-key'));
    const agent = blast('deploy/node-agent');
    assert.equal(agent.apiAccess, false);
    assert.equal(agent.become.length, 0);
    assert.match(agent.serviceAccount.token.why, /pod sets automountServiceAccountToken: false/);
    assert.deepEqual(agent.node.map((n) => n.what).sort(), ['container runtime socket', 'host network', 'privileged container', 'sensitive hostPath']);
    assert.ok(agent.cloud.some((c) => /AWS credentials/.test(c.what)));
    assert.ok(agent.cloud.some((c) => c.what === 'node instance identity'));
  });

  test('graph formats', () => {
    const r = blast('app/web');
    const g = blastGraph(r);
    assert.ok(g.nodes.some((n) => n.label === 'ServiceAccount deploy/deployer'));
    assert.match(blastDot(r), /^digraph blast_radius \{/);
    assert.match(blastDot(r), /label="ServiceAccount deploy\/deployer"/);
    assert.match(blastMermaid(r), /^flowchart LR\n/);
    const html = blastHtml(r);
    assert.match(html, /<svg /);
    assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//, 'self-contained: no external resources');
  });

  test('workload lookup: did-you-mean and ambiguity', () => {
    assert.throws(() => findWorkload(policy, 'app/wbe', (w) => w.loaded?.object), /no workload app\/wbe in the input; did you mean app\/Deployment\/web/);
    assert.throws(() => findWorkload(policy, 'web', (w) => w.loaded?.object), /NAMESPACE\/NAME/);
  });
});

describe('rbac blast-radius / risks --workloads CLI', () => {
  const out: string[] = [];
  const saved = { ...rbacIo };
  before(() => {
    rbacIo.stdout = (s) => void out.push(s);
    rbacIo.stderr = () => undefined;
  });
  after(() => Object.assign(rbacIo, saved));
  const cli = async (...args: string[]) => {
    out.length = 0;
    process.exitCode = undefined;
    const code = await main(['node', 'kubeharden', 'rbac', ...args]);
    process.exitCode = undefined;
    return { code, out: out.join('') };
  };

  test('text tree, JSON and the ranking', async () => {
    const t = await cli('blast-radius', 'app/web', '-f', FIXTURE, '--with-defaults');
    assert.equal(t.code, 0);
    assert.match(t.out, /^CRITICAL {2}blast radius of Deployment app\/web \(.*chain\.yaml:\d+\)/);
    assert.match(t.out, /ServiceAccount deploy\/deployer — chain of 2/);
    const j = JSON.parse((await cli('blast-radius', 'app/web', '-f', FIXTURE, '--with-defaults', '-o', 'json')).out) as { become: unknown[] };
    assert.ok(j.become.length >= 2);
    assert.equal((await cli('blast-radius', 'app/web', '-f', FIXTURE, '-o', 'png')).code, 2);
    assert.equal((await cli('blast-radius', 'app/nope', '-f', FIXTURE)).code, 2);
    const rank = JSON.parse((await cli('risks', '--workloads', '-f', FIXTURE, '--with-defaults', '-o', 'json')).out) as { workloads: Array<{ workload: { name: string }; severity: string }> };
    // Equal severity: the one that becomes more identities first (cluster-admin's deployer).
    assert.deepEqual(rank.workloads.map((w) => w.workload.name), ['deployer', 'web', 'node-agent']);
    assert.ok(rank.workloads.every((w) => w.severity === 'critical'));
  });
});
