/**
 * Per-request cost of the exported ValidatingAdmissionPolicies against the admission webhook for
 * the same checks (not a test): server-side dry-run creates of the same pods on one real
 * kube-apiserver, in three namespaces: one bound to the exported policies, one the webhook's
 * configuration selects, and one with neither (the floor). Requests go round-robin over the
 * three, one at a time, so the machine's noise falls on all of them alike; p50 and p99 are
 * reported as ratios to the floor.
 *
 *   npm run bench:vap [-- --requests 400 --containers 1]
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { hardenedPodSpec, pod } from '../src/admission/testing.js';
import { ALL_CHECKS } from '../src/checks/registry.js';
import { placementOf } from '../src/vap/targets.js';
import { startCluster, type Cluster } from '../test/cluster/index.js';
import { startWebhookProcess } from '../test/cluster/webhook-process.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'src/cli/main.ts');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}


async function main(): Promise<void> {
  const requests = Number(arg('requests', '400'));
  const containers = Number(arg('containers', '1'));
  const dir = mkdtempSync(join(tmpdir(), 'kubeharden-vap-bench-'));
  const ids = ALL_CHECKS.filter((c) => placementOf(c).ok).map((c) => c.meta.id);
  let cluster: Cluster | undefined;
  let webhook: ChildProcess | undefined;
  try {
    cluster = await startCluster();
    for (const ns of ['vap', 'webhook', 'floor']) await cluster.namespace(ns, { bench: ns });

    // The same checks both ways: every exportable check, every finding acted on.
    const exported = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'export', 'vap', '--checks', ids.join(','), '--fail-on', 'info', '--namespace-selector', 'bench=vap'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (exported.status !== 0) throw new Error(exported.stderr);
    writeFileSync(join(dir, 'vap.yaml'), exported.stdout);
    await cluster.kubectl(['apply', '--server-side', '-f', join(dir, 'vap.yaml')]);
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, stringify({ profiles: { bench: { checks: { only: ids }, failOn: 'info', warnOn: 'none' } }, rules: [{ name: 'bench', enforce: 'bench' }], exemptions: { namespaces: ['kube-system'], usernames: [] } }));
    // Log level info, as deployed: allowed reviews log at debug only.
    const wh = await startWebhookProcess({ dir, kubeconfig: cluster.kubeconfig, policyFile, logLevel: 'info', stderr: 'inherit' });
    webhook = wh.child;
    const config = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'kubeharden-bench' },
      webhooks: [{
        name: 'validate.bench.kubeharden.io',
        clientConfig: { url: `https://127.0.0.1:${wh.port}/validate`, caBundle: Buffer.from(wh.caPem).toString('base64') },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        namespaceSelector: { matchLabels: { bench: 'webhook' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Fail',
        timeoutSeconds: 10,
      }],
    };
    const r = await cluster.api('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', { body: config });
    if (r.status !== 201) throw new Error(`webhook configuration: ${r.body}`);

    // A pod every exported check allows (a controller's, in a user namespace, its image pinned by
    // digest, every resource bounded), so all three paths answer 201: the cost measured is judging,
    // not refusing.
    const spec: Record<string, unknown> = { ...hardenedPodSpec(containers), hostUsers: false };
    const ephemeral = { requests: { 'ephemeral-storage': '64Mi' }, limits: { 'ephemeral-storage': '256Mi' } };
    spec.containers = (spec.containers as Array<Record<string, unknown>>).map((c) => {
      const r = c.resources as { requests: object; limits: object };
      return { ...c, image: `${String(c.image)}@sha256:${'0'.repeat(64)}`, resources: { requests: { ...r.requests, ...ephemeral.requests }, limits: { ...r.limits, ...ephemeral.limits } } };
    });
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'bench', uid: '6f1c1c55-5d4e-4b7a-9d55-000000000001', controller: true }];
    const body = (ns: string, i: number) => {
      const p = pod(`p${i}`, ns, spec);
      return { ...p, metadata: { ...(p.metadata as Record<string, unknown>), ownerReferences } };
    };
    // Warm up, and wait until the policies and the webhook take effect.
    const c = cluster;
    const send = async (ns: string, i: number): Promise<{ ms: number; status: number }> => {
      const t0 = performance.now();
      const res = await c.api('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, { body: body(ns, i) });
      return { ms: performance.now() - t0, status: res.status };
    };
    for (let i = 0; i < 50; i++) for (const ns of ['vap', 'webhook', 'floor']) await send(ns, i);
    const times: Record<string, number[]> = { vap: [], webhook: [], floor: [] };
    const statuses: Record<string, Set<number>> = { vap: new Set(), webhook: new Set(), floor: new Set() };
    for (let i = 0; i < requests; i++) {
      for (const ns of ['vap', 'webhook', 'floor']) {
        const s = await send(ns, i);
        times[ns].push(s.ms);
        statuses[ns].add(s.status);
      }
    }
    for (const [k, v] of Object.entries(statuses)) if (v.size !== 1 || !v.has(201)) throw new Error(`${k}: HTTP status ${[...v].join(', ')}, not 201: the pod is not allowed, so the paths do not do the same work`);
    const stats = Object.fromEntries(Object.entries(times).map(([k, v]) => {
      const sorted = [...v].sort((a, b) => a - b);
      return [k, { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }];
    }));
    console.log(`# export vap bench: ${requests} server-side dry-run creates per path, ${containers}-container hardened pod, ${ids.length} checks, HTTP status ${JSON.stringify(Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, [...v]])))}`);
    console.log('| path | p50 ms | p99 ms | p50 / floor | p99 / floor |');
    console.log('|---|---|---|---|---|');
    for (const k of ['floor', 'vap', 'webhook']) {
      console.log(`| ${k === 'vap' ? 'ValidatingAdmissionPolicy only' : k === 'webhook' ? 'webhook only' : 'neither (floor)'} | ${stats[k].p50.toFixed(2)} | ${stats[k].p99.toFixed(2)} | ${(stats[k].p50 / stats.floor.p50).toFixed(2)}× | ${(stats[k].p99 / stats.floor.p99).toFixed(2)}× |`);
    }
  } finally {
    webhook?.kill('SIGTERM');
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
