// `kubeharden harden` output against the real control plane (test/cluster): for online-boutique
// and sock-shop from ../shared/corpus, the hardened manifests are accepted by the real
// kube-apiserver with server-side dry-run in namespaces that enforce Pod Security "restricted"
// (no PodSecurity warning either), the pods their controllers create are admitted, and the
// original manifests are not (the test has teeth). The generated audit policy is loaded by the
// same API server and keeps Secrets at Metadata.
// Missing control plane or ../shared: the file FAILS with NOT RUN (../shared: fails only when
// CI is set), it never skips silently.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { REPO_ROOT, SHARED } from '../shared.js';
import { emitYaml } from '../../src/generate/emit.js';
import { generateAuditPolicy } from '../../src/generate/audit-policy.js';

const CORPUS = join(SHARED, 'corpus', 'realworld');
const APPS = [
  { name: 'online-boutique', file: 'online-boutique/release/kubernetes-manifests.yaml', namespace: 'boutique', args: ['--namespace', 'boutique'] },
  { name: 'sock-shop', file: 'sock-shop/deploy/kubernetes/complete-demo.yaml', namespace: 'sock-shop', args: [] as string[] },
];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec: Record<string, unknown> } };
}

function docs(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => !!o && typeof o === 'object');
}

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A bare Pod from a workload's template: enforce mode of Pod Security Admission judges Pods only. */
function podFrom(o: K8sObject, suffix: string): K8sObject {
  const t = o.spec?.template;
  if (!t) throw new Error(`${o.kind} ${o.metadata.name} has no template`);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${o.metadata.name}-${suffix}`, namespace: o.metadata.namespace, labels: { ...(t.metadata?.labels ?? {}), probe: suffix } }, spec: { ...t.spec } as K8sObject['spec'] };
}

const stream = (objs: readonly K8sObject[]): string => objs.map((o) => `---\n${stringify(o)}`).join('');

const avail = controlPlaneAvailable();
if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else if (!existsSync(CORPUS)) {
  const msg = 'NOT RUN: ../shared not present';
  console.error(`\n${'!'.repeat(70)}\n!!! ${msg} (looked for ${CORPUS}; set KUBEHARDEN_SHARED)\n${'!'.repeat(70)}\n`);
  test('harden e2e on the real-world corpus', { skip: process.env.CI ? false : msg }, () => assert.fail(`${msg} (required when CI is set)`));
} else {
  describe('harden output on the real API server', () => {
    let c: Cluster;
    const work = mkdtempSync(join(tmpdir(), 'kubeharden-harden-e2e-'));
    const auditPolicy = join(work, 'audit-policy.yaml');
    writeFileSync(auditPolicy, emitYaml([generateAuditPolicy()], 'kubeharden generate audit-policy'));

    before(async () => {
      const t0 = Date.now();
      // The generated audit policy replaces the helper's (the last --audit-policy-file wins).
      c = await startCluster({ extraApiserverFlags: [`--audit-policy-file=${auditPolicy}`] });
      console.log(`# control plane ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }, { timeout: 240_000 });

    after(async () => {
      await c?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    for (const app of APPS) {
      test(`${app.name}: harden output is accepted under enforced restricted; the original is not`, { timeout: 240_000 }, async () => {
        const input = join(CORPUS, app.file);
        const out = join(work, app.name);
        const r = cli(['harden', input, '--output-dir', out, ...app.args]);
        assert.equal(r.code, 0, `harden exit ${r.code}\n${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /verification .*passes/);

        const files = readdirSync(out).sort();
        const objects = files.flatMap((f) => docs(readFileSync(join(out, f), 'utf8')));
        const namespaces = objects.filter((o) => o.kind === 'Namespace');
        assert.deepEqual(namespaces.map((n) => n.metadata.name), [app.namespace]);
        assert.equal(namespaces[0].metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');

        // The namespace for real (dry-run objects cannot live in a dry-run namespace).
        const ns = await c.apply(stream(namespaces));
        assert.equal(ns.code, 0, ns.stderr);
        const got = await c.api('GET', `/api/v1/namespaces/${app.namespace}`);
        assert.equal((got.json as K8sObject).metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');

        // Teeth: the original workloads draw PodSecurity warnings here, and their pods are refused.
        const original = docs(readFileSync(input, 'utf8')).filter((o) => o.kind === 'Deployment').map((o) => ({ ...o, metadata: { ...o.metadata, namespace: app.namespace } }));
        const orig = await c.apply(stream(original), { dryRunServer: true });
        assert.equal(orig.code, 0, orig.stderr);
        assert.match(orig.stderr, /would violate PodSecurity "restricted/);

        // 1. Server-side dry-run of everything harden wrote: accepted, and not one PodSecurity warning.
        const rest = objects.filter((o) => o.kind !== 'Namespace');
        const dry = await c.apply(stream(rest), { dryRunServer: true });
        assert.equal(dry.code, 0, `dry-run rejected:\n${dry.stderr}`);
        assert.doesNotMatch(dry.stderr, /PodSecurity/, dry.stderr);
        assert.match(dry.stdout, /\(server dry run\)/);

        // 2. For real: enforce mode judges the pods the ReplicaSets create.
        const real = await c.apply(stream(rest));
        assert.equal(real.code, 0, real.stderr);
        const deployments = rest.filter((o) => o.kind === 'Deployment');
        const want = deployments.reduce((n, d) => n + (d.spec?.replicas ?? 1), 0);
        await c.waitFor(async () => {
          const pods = await c.api('GET', `/api/v1/namespaces/${app.namespace}/pods`);
          return ((pods.json as { items?: unknown[] }).items ?? []).length >= want;
        }, 90_000);

        // 3. Bare pods from the templates, dry-run: the hardened ones pass enforce, the originals fail.
        const hardenedPods = await c.apply(stream(deployments.map((d) => podFrom(d, 'hardened'))), { dryRunServer: true });
        assert.equal(hardenedPods.code, 0, hardenedPods.stderr);
        const originalPods = await c.apply(stream(original.map((d) => podFrom(d, 'original'))), { dryRunServer: true });
        assert.notEqual(originalPods.code, 0);
        assert.match(originalPods.stderr, /violates PodSecurity "restricted/);
      });
    }

    test('generate namespace: applied for real, it enforces restricted, defaults resources and refuses LoadBalancers', { timeout: 120_000 }, async () => {
      const r = cli(['generate', 'namespace', 'gen-ns']);
      assert.equal(r.code, 0, r.stderr);
      const applied = await c.apply(r.stdout);
      assert.equal(applied.code, 0, applied.stderr);
      await c.waitFor(async () => (await c.api('GET', '/api/v1/namespaces/gen-ns/serviceaccounts/default')).status === 200);
      const pod = (extra: Record<string, unknown> = {}) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'gen-ns' },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, ...extra }],
        },
      });
      // A restricted pod without resources is admitted, with the LimitRange defaults.
      const ok = await c.api('POST', '/api/v1/namespaces/gen-ns/pods?dryRun=All', { body: pod() });
      assert.equal(ok.status, 201, ok.body);
      const res = (ok.json as { spec: { containers: Array<{ resources: { requests: Record<string, string>; limits: Record<string, string> } }> } }).spec.containers[0].resources;
      assert.deepEqual(res.requests, { cpu: '100m', memory: '128Mi' });
      assert.deepEqual(res.limits, { memory: '512Mi' });
      // A privileged pod is refused by Pod Security Admission.
      const bad = await c.api('POST', '/api/v1/namespaces/gen-ns/pods?dryRun=All', { body: pod({ securityContext: { privileged: true } }) });
      assert.equal(bad.status, 403, bad.body);
      assert.match((bad.json as { message: string }).message, /violates PodSecurity "restricted:latest": privileged/);
      // services.loadbalancers: 0.
      const lb = await c.api('POST', '/api/v1/namespaces/gen-ns/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } });
      assert.equal(lb.status, 403, lb.body);
      assert.match((lb.json as { message: string }).message, /exceeded quota: namespace-quota/);
    });

    test('the generated audit policy is loaded, and Secrets are logged at Metadata only', { timeout: 60_000 }, async () => {
      await c.namespace('audit-probe');
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'probe', namespace: 'audit-probe' }, stringData: { password: 'hunter2-audit-probe' } };
      const r = await c.api('POST', '/api/v1/namespaces/audit-probe/secrets', { body: secret });
      assert.equal(r.status, 201, r.body);
      const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'probe', namespace: 'audit-probe' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'carol' }] };
      assert.equal((await c.api('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/audit-probe/rolebindings', { body: binding })).status, 201);
      let events: Awaited<ReturnType<Cluster['auditEvents']>> = [];
      await c.waitFor(async () => {
        events = await c.auditEvents();
        return events.some((e) => e.objectRef?.resource === 'rolebindings' && e.objectRef?.namespace === 'audit-probe' && e.verb === 'create');
      });
      const secretEvents = events.filter((e) => e.objectRef?.resource === 'secrets' && e.objectRef?.namespace === 'audit-probe');
      assert.ok(secretEvents.length > 0, 'the secret write is audited');
      for (const e of secretEvents) {
        assert.equal(e.level, 'Metadata');
        assert.equal(e.requestObject, undefined);
        assert.equal(e.responseObject, undefined);
      }
      assert.ok(!readFileSync(c.auditLogPath, 'utf8').includes('hunter2-audit-probe'), 'the secret value never reaches the audit log');
      const rb = events.find((e) => e.objectRef?.resource === 'rolebindings' && e.verb === 'create');
      assert.equal(rb?.level, 'RequestResponse');
      assert.ok(rb?.requestObject, 'RBAC changes are logged with their body');
      assert.ok(!events.some((e) => e.stage === 'RequestReceived'), 'RequestReceived is omitted');
    });
  });
}
