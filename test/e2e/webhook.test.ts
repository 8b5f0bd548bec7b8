// The admission webhook against the real kube-apiserver (test/cluster): `kubeharden webhook
// serve` runs as its own process, registered by URL with its self-signed CA; the webhook
// configurations are those `kubeharden webhook install` prints. If the control plane is not
// built this file FAILS (it never skips): run `bash scripts/build-control-plane.sh`.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { installManifests, VALIDATING_WEBHOOK } from '../../src/admission/install.js';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { startWebhookProcess, type WebhookProcess } from '../cluster/webhook-process.js';

const WEBHOOK_NS = 'kh-system';

const POLICY = `apiVersion: kubeharden.io/v1alpha1
kind: AdmissionPolicy
profiles:
  default:
    pss: restricted:latest
    failOn: high
    warnOn: medium
rules:
  - name: warned
    namespaces: { names: [warned] }
    warn: default
  - name: audited
    namespaces: { names: [audited] }
    audit: default
  - name: everything-else
    enforce: default
exemptions:
  namespaces: [kube-system]
  usernames: [system:apiserver, system:serviceaccount:kube-system:clusterrole-aggregation-controller]
`;

const unhardened = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.k8s.io/pause:3.10
`;

const hardened = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: app
          image: registry.k8s.io/pause:3.10
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 100m, memory: 64Mi } }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsUser: 10001
            runAsGroup: 10001
            capabilities: { drop: [ALL] }
`;

const barePod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: registry.k8s.io/pause:3.10
${extra}`;

/** Starts `kubeharden webhook serve` with POLICY and waits for it to be ready. */
async function startWebhook(dir: string, kubeconfig: string): Promise<WebhookProcess> {
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, POLICY);
  return startWebhookProcess({ dir, policyFile, kubeconfig, webhookNamespace: WEBHOOK_NS, logLevel: 'debug' });
}

/** The install output, with clientConfig pointing at the local process instead of the Service. */
function manifests(port: number, caPem: string): Record<string, unknown>[] {
  const objs = installManifests({
    namespace: WEBHOOK_NS,
    image: 'ghcr.io/kubeharden/kubeharden:v0.1.0',
    replicas: 3,
    mode: 'enforce',
    mutate: true,
    certs: { kind: 'secret', secretName: 'kubeharden-webhook-tls', caPem },
    timeoutSeconds: 3,
    extraResources: [],
  });
  for (const o of objs) {
    if (o.kind !== 'ValidatingWebhookConfiguration' && o.kind !== 'MutatingWebhookConfiguration') continue;
    for (const w of o.webhooks as { clientConfig: { service?: { path: string }; url?: string; caBundle?: string } }[]) {
      w.clientConfig = { url: `https://127.0.0.1:${port}${w.clientConfig.service?.path}`, caBundle: w.clientConfig.caBundle };
    }
  }
  return objs;
}

const avail = controlPlaneAvailable();

if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  describe('admission webhook on the real kube-apiserver', () => {
    let c: Cluster;
    let dir: string;
    let wh: WebhookProcess | undefined;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubeharden-webhook-e2e-'));
      c = await startCluster();
      await c.namespace('enf');
      await c.namespace('warned');
      await c.namespace('audited');
      await c.namespace('mut', { 'kubeharden.io/mutate': 'true' });
      wh = await startWebhook(dir, c.kubeconfig);
      const objs = manifests(wh.port, wh.caPem);
      // The install output as a whole is accepted by the API server; its pods pass PSA restricted.
      const r = await c.apply(objs.map((o) => `---\n${stringify(o)}`).join(''));
      assert.equal(r.code, 0, r.stderr);
      // Wait until the webhook answers for real: a denied dry-run proves registration is live.
      await c.waitFor(async () => (await c.apply(unhardened('probe'), { namespace: 'enf', dryRunServer: true })).code !== 0, 60_000);
    }, { timeout: 300_000 });

    after(async () => {
      wh?.child.kill('SIGKILL');
      await c?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('kubectl apply of an unhardened Deployment is denied with a readable message', async () => {
      const r = await c.apply(unhardened('web'), { namespace: 'enf' });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`admission webhook "${VALIDATING_WEBHOOK.replace(/\./g, '\\.')}" denied the request: Deployment "web" in namespace "enf" fails kubeharden policy`));
      assert.match(r.stderr, /CTR-PRIV-ESC \(high\): container "app" does not set allowPrivilegeEscalation=false\. Fix: /);
      assert.match(r.stderr, /violates PodSecurity "restricted:latest"/);
      // --dry-run=server is judged the same (shift-left against the live policy)
      const dry = await c.apply(unhardened('web'), { namespace: 'enf', dryRunServer: true });
      assert.notEqual(dry.code, 0);
      assert.match(dry.stderr, /fails kubeharden policy/);
    });

    test('a hardened Deployment is admitted and the Pod its ReplicaSet creates is reviewed and admitted', async () => {
      const r = await c.apply(hardened('good'), { namespace: 'enf' });
      assert.equal(r.code, 0, r.stderr);
      await c.waitFor(async () => {
        const pods = await c.kubectl(['get', 'pods', '-n', 'enf', '-l', 'app=good', '-o', 'name']);
        return pods.stdout.trim() !== '';
      }, 60_000);
      await c.waitFor(async () => wh!.logs.some((l) => l.kind === 'Pod' && l.namespace === 'enf' && l.operation === 'CREATE' && l.user === 'system:serviceaccount:kube-system:replicaset-controller' && l.decision === 'allowed'), 30_000);
    });

    test('warn mode admits with kubectl warnings', async () => {
      const r = await c.apply(unhardened('web'), { namespace: 'warned' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: CTR-PRIV-ESC \(high\): container "app" does not set allowPrivilegeEscalation=false/);
      assert.match(r.stderr, /Warning: CTR-RUN-AS-NON-ROOT \(high\)/);
    });

    test('audit mode admits and writes audit annotations', async () => {
      const r = await c.apply(unhardened('web'), { namespace: 'audited' });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Warning:/);
      await c.waitFor(async () =>
        (await c.auditEvents()).some((e) => {
          const ann = (e.annotations ?? {}) as Record<string, string>;
          return e.objectRef?.namespace === 'audited' && e.objectRef?.resource === 'deployments' && /CTR-PRIV-ESC\(high\)/.test(ann[`${VALIDATING_WEBHOOK}/audit-violations`] ?? '');
        }),
      );
    });

    test('mutate mode yields a hardened Pod', async () => {
      const r = await c.apply(barePod('bare'), { namespace: 'mut' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: kubeharden hardened Pod "bare" in namespace "mut"/);
      const pod = JSON.parse((await c.kubectl(['get', 'pod', 'bare', '-n', 'mut', '-o', 'json'])).stdout) as { spec: { automountServiceAccountToken?: boolean; securityContext?: { seccompProfile?: { type: string } }; containers: { securityContext?: Record<string, unknown> }[] } };
      assert.equal(pod.spec.securityContext?.seccompProfile?.type, 'RuntimeDefault');
      assert.equal(pod.spec.automountServiceAccountToken, false);
      const sc = pod.spec.containers[0].securityContext ?? {};
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.equal(sc.runAsNonRoot, true);
      assert.ok((sc.capabilities as { drop: string[] }).drop.includes('ALL'));
      // a value the user set is never overridden: validation then stops what mutation will not fix
      const explicit = await c.apply(barePod('explicit', '      securityContext: { allowPrivilegeEscalation: true }\n'), { namespace: 'mut' });
      assert.notEqual(explicit.code, 0);
      assert.match(explicit.stderr, /CTR-PRIV-ESC \(high\): container "app" sets allowPrivilegeEscalation=true/);
      assert.ok(wh!.logs.some((l) => l.endpoint === 'mutate' && l.decision === 'mutated' && l.name === 'bare'));
    });

    test('a Namespace label change that weakens Pod Security is denied', async () => {
      await c.namespace('weak', { 'pod-security.kubernetes.io/enforce': 'restricted' });
      const r = await c.kubectl(['label', 'namespace', 'weak', 'pod-security.kubernetes.io/enforce=privileged', '--overwrite'], { allowFail: true });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /lowers pod-security\.kubernetes\.io\/enforce from restricted to privileged/);
      const raise = await c.kubectl(['label', 'namespace', 'enf', 'pod-security.kubernetes.io/warn=restricted'], { allowFail: true });
      assert.equal(raise.code, 0, raise.stderr);
    });

    test('kube-system is never blocked', async () => {
      const r = await c.apply(barePod('sys-pod', '      securityContext: { privileged: true }\n'), { namespace: 'kube-system' });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!wh!.logs.some((l) => l.namespace === 'kube-system'), 'the API server never sends kube-system objects');
    });

    test('webhook stopped: SIGTERM exits cleanly, then failurePolicy decides (Fail blocks, Ignore admits), kube-system unaffected', async () => {
      wh!.child.kill('SIGTERM');
      assert.equal(await wh!.exited, 0);
      assert.ok(wh!.logs.some((l) => l.msg === 'webhook stopped'));
      const blocked = await c.apply(hardened('while-down'), { namespace: 'enf' });
      assert.notEqual(blocked.code, 0);
      assert.match(blocked.stderr, /failed calling webhook "validate\.kubeharden\.io"/);
      const sys = await c.apply(barePod('sys-pod-2'), { namespace: 'kube-system' });
      assert.equal(sys.code, 0, sys.stderr);
      await c.kubectl(['patch', 'validatingwebhookconfiguration', 'kubeharden', '--type=json', '-p', '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]']);
      const ignored = await c.apply(unhardened('while-down-ignored'), { namespace: 'enf' });
      assert.equal(ignored.code, 0, ignored.stderr);
    });
  });
}
