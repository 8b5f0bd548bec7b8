// The image gate in the admission webhook, on the real kube-apiserver (test/cluster) with a real
// registry (distribution v3): images pushed by crane, signed by cosign. `kubeharden webhook
// serve` runs as its own process, registered by URL as in test/e2e/webhook.test.ts. Signed →
// admitted; unsigned, wrong key, copied signature → denied with the reason; a verified tag is
// pinned to its digest by /mutate; a critical CVE with a fix and an unscanned image are denied;
// registry down with a warm cache → admitted, with a cold cache → the fail mode (closed: denied,
// within the budget; open: admitted); a restarted webhook answers from the disk cache that
// `images prefetch` filled; metrics count verifications, cache lookups and registry latency.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { installManifests } from '../../src/admission/install.js';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { startWebhookProcess, type WebhookProcess } from '../cluster/webhook-process.js';
import { cliBatch } from '../cli/helpers.js';
import { pushImage } from '../images/images.js';
import { startRegistry, type TestRegistry } from '../images/registry.js';
import { must } from '../images/tools.js';

const WEBHOOK_NS = 'kh-system';

function startWebhook(dir: string, policyFile: string, kubeconfig: string): Promise<WebhookProcess> {
  return startWebhookProcess({ dir, policyFile, kubeconfig, webhookNamespace: WEBHOOK_NS, logLevel: 'debug' });
}

function webhookConfigurations(port: number, caPem: string): string {
  const objs = installManifests({ namespace: WEBHOOK_NS, image: 'ghcr.io/kubeharden/kubeharden:v0.1.0', replicas: 1, mode: 'enforce', mutate: true, certs: { kind: 'secret', secretName: 'kubeharden-webhook-tls', caPem }, timeoutSeconds: 3, extraResources: [] });
  return objs
    .filter((o) => o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration')
    .map((o) => {
      for (const w of o.webhooks as { clientConfig: { service?: { path: string }; url?: string; caBundle?: string } }[]) w.clientConfig = { url: `https://127.0.0.1:${port}${w.clientConfig.service?.path}`, caBundle: w.clientConfig.caBundle };
      return `---\n${stringify(o)}`;
    })
    .join('');
}

const podYaml = (name: string, image: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  containers:
    - name: app
      image: ${image}
`;

function trivyReport(ref: string, digest: string, vulns: Array<{ id: string; pkg: string; severity: string; fixed?: string }>): string {
  return JSON.stringify({
    SchemaVersion: 2,
    CreatedAt: new Date().toISOString(),
    ArtifactName: ref,
    ArtifactType: 'container_image',
    Metadata: { RepoDigests: [`${ref.replace(/:[^/:]+$/, '')}@${digest}`], RepoTags: [ref] },
    Results: [{ Target: `${ref} (debian 12.7)`, Class: 'os-pkgs', Type: 'debian', Vulnerabilities: vulns.map((v) => ({ VulnerabilityID: v.id, PkgName: v.pkg, InstalledVersion: '1.0-1', ...(v.fixed ? { FixedVersion: v.fixed, Status: 'fixed' } : { Status: 'affected' }), Severity: v.severity })) }],
  });
}

const avail = controlPlaneAvailable();

if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  describe('the image gate in the webhook, on the real kube-apiserver', () => {
    let c: Cluster;
    let dir: string;
    let reg: TestRegistry;
    let wh: WebhookProcess | undefined;
    let policyFile: string;
    const img: Record<string, string> = {};

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kh-images-webhook-e2e-'));
      const env = { COSIGN_PASSWORD: 'pw', TUF_ROOT: join(dir, 'tuf'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir };
      await must('cosign', ['generate-key-pair', '--output-key-prefix', join(dir, 'trusted')], env);
      await must('cosign', ['generate-key-pair', '--output-key-prefix', join(dir, 'other')], env);
      reg = await startRegistry();
      const r = (repo: string) => `${reg.host}/shop/${repo}`;
      const sign = (ref: string, key: string) => must('cosign', ['sign', '--key', join(dir, `${key}.key`), '--tlog-upload=false', '--yes', ref], env);
      for (const name of ['signed', 'cold', 'hung', 'vulnerable', 'clean', 'pinned']) {
        img[name] = `${r(name)}@${await pushImage(`${r(name)}:v1`)}`;
        await sign(img[name], 'trusted');
      }
      img.pinnedTag = `${r('pinned')}:v1`;
      img.unsigned = `${r('unsigned')}@${await pushImage(`${r('unsigned')}:v1`)}`;
      img.wrongKey = `${r('wrong-key')}@${await pushImage(`${r('wrong-key')}:v1`)}`;
      await sign(img.wrongKey, 'other');
      const copied = await pushImage(`${r('copied')}:v1`);
      img.copied = `${r('copied')}@${copied}`;
      await must('crane', ['cp', '--insecure', `${r('signed')}:${img.signed.split('@')[1].replace(':', '-')}.sig`, `${r('copied')}:${copied.replace(':', '-')}.sig`]);
      img.unscanned = `${r('unscanned')}@${await pushImage(`${r('unscanned')}:v1`)}`;

      await mkdir(join(dir, 'reports'));
      await writeFile(join(dir, 'reports', 'vulnerable.json'), trivyReport(`${r('vulnerable')}:v1`, img.vulnerable.split('@')[1], [{ id: 'CVE-2024-45492', pkg: 'libexpat1', severity: 'CRITICAL', fixed: '2.5.0-1+deb12u1' }, { id: 'CVE-2023-45853', pkg: 'zlib1g', severity: 'CRITICAL' }]));
      await writeFile(join(dir, 'reports', 'clean.json'), trivyReport(`${r('clean')}:v1`, img.clean.split('@')[1], [{ id: 'CVE-2011-3374', pkg: 'apt', severity: 'LOW' }]));
      await writeFile(join(dir, 'reports', 'signed.json'), trivyReport(`${r('signed')}:v1`, img.signed.split('@')[1], []));

      const registry = `{ insecure: ["${reg.host}"], timeout: 1s, cacheDir: cache }`;
      const signatures = `[{ name: shop, images: ["${reg.host}/shop/**"], keys: [trusted.pub] }]`;
      const only = '{ only: [IMG-SIGNATURE, IMG-VULN, IMG-VULN-REPORT] }';
      policyFile = join(dir, 'policy.yaml');
      await writeFile(
        policyFile,
        `apiVersion: kubeharden.io/v1alpha1
kind: AdmissionPolicy
profiles:
  signed:
    failOn: high
    checks: ${only}
    images: { signatures: ${signatures}, pinDigests: true, registry: ${registry} }
  open:
    failOn: high
    checks: ${only}
    images: { signatures: ${signatures}, failMode: open, registry: ${registry} }
  scanned:
    failOn: high
    checks: ${only}
    images: { vulnerabilities: { reports: [reports], failOn: critical, onlyFixed: true } }
rules:
  - { name: signed, namespaces: { names: [signed] }, enforce: signed, mutate: true }
  - { name: open, namespaces: { names: [open] }, enforce: open }
  - { name: scanned, namespaces: { names: [scanned] }, enforce: scanned }
exemptions: { namespaces: [kube-system], usernames: [system:apiserver, "system:serviceaccount:kube-system:clusterrole-aggregation-controller"] }
`,
      );
      c = await startCluster();
      await c.namespace('signed', { 'kubeharden.io/mutate': 'true' });
      await c.namespace('open');
      await c.namespace('scanned');
      wh = await startWebhook(dir, policyFile, c.kubeconfig);
      assert.equal((await c.apply(webhookConfigurations(wh.port, wh.caPem))).code, 0);
      await c.waitFor(async () => (await c.apply(podYaml('probe', img.unsigned), { namespace: 'signed', dryRunServer: true })).code !== 0, 60_000);
    }, { timeout: 600_000 });

    after(async () => {
      wh?.child.kill('SIGKILL');
      await c?.stop();
      await reg?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('a signed image is admitted', async () => {
      const r = await c.apply(podYaml('signed', img.signed), { namespace: 'signed' });
      assert.equal(r.code, 0, r.stderr);
    });

    test('unsigned, wrong key and copied signature are denied, naming container, digest and reason', async () => {
      const denied = async (name: string, image: string) => {
        const r = await c.apply(podYaml(name, image), { namespace: 'signed' });
        assert.notEqual(r.code, 0, `${name} was admitted`);
        return r.stderr;
      };
      assert.match(await denied('unsigned', img.unsigned), new RegExp(`IMG-SIGNATURE \\(high\\): container "app": image ${img.unsigned} is not signed \\(rule "shop"\\): no signature is attached to this digest`));
      assert.match(await denied('wrong-key', img.wrongKey), new RegExp(`image ${img.wrongKey} is not signed by a trusted key \\(rule "shop"\\): a cosign signature is attached, but it does not verify with any trusted key`));
      assert.match(await denied('copied', img.copied), new RegExp(`image ${img.copied} carries a signature for another digest .*is for digest ${img.signed.split('@')[1]}`));
    });

    test('/mutate pins a verified tag to its digest', async () => {
      const r = await c.apply(podYaml('pinned', img.pinnedTag), { namespace: 'signed' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: kubeharden hardened Pod "pinned" in namespace "signed": pinned 1 verified image to its digest/);
      const pod = JSON.parse((await c.kubectl(['get', 'pod', 'pinned', '-n', 'signed', '-o', 'json'])).stdout) as { spec: { containers: Array<{ image: string }> } };
      assert.equal(pod.spec.containers[0].image, `${img.pinnedTag}@${img.pinned.split('@')[1]}`);
    });

    test('a critical CVE with a fix and an unscanned image are denied; a clean one is admitted', async () => {
      const vuln = await c.apply(podYaml('vulnerable', img.vulnerable), { namespace: 'scanned' });
      assert.notEqual(vuln.code, 0);
      assert.match(vuln.stderr, new RegExp(`IMG-VULN \\(high\\): container "app": image ${img.vulnerable} has 1 vulnerability at or above critical with a fix: CVE-2024-45492 critical in libexpat1 1.0-1 \\(fixed in 2.5.0-1\\+deb12u1\\)`));
      const unscanned = await c.apply(podYaml('unscanned', img.unscanned), { namespace: 'scanned' });
      assert.notEqual(unscanned.code, 0);
      assert.match(unscanned.stderr, /IMG-VULN-REPORT \(high\): container "app": image \S+unscanned@sha256:\w+ has no usable vulnerability report: no vulnerability report for digest/);
      const clean = await c.apply(podYaml('clean', img.clean), { namespace: 'scanned' });
      assert.equal(clean.code, 0, clean.stderr);
    });

    test('images prefetch from the live cluster fills the disk cache the webhook reads', async () => {
      const [out] = cliBatch(['images', 'prefetch', '--policy', policyFile, '--kubeconfig', c.kubeconfig, '-o', 'json']);
      assert.equal(out.code, 0, out.stderr + out.stdout);
      const rows = (JSON.parse(out.stdout) as { images: Array<{ image: string; result: string }> }).images;
      assert.equal(rows.find((x) => x.image === img.signed)?.result, 'verified');
      assert.equal(rows.find((x) => x.image.startsWith(img.pinnedTag))?.result, 'verified', 'the pinned pod is listed with its digest');
    });

    test('metrics count verifications by result, cache lookups and registry latency', async () => {
      // The server's certificate is self-signed: read the metrics with its CA through node:https.
      const body = await new Promise<string>((resolve, reject) => {
        get(`https://127.0.0.1:${wh!.port}/metrics`, { ca: wh!.caPem }, (res) => {
          let s = '';
          res.setEncoding('utf8').on('data', (d: string) => (s += d)).on('end', () => resolve(s));
        }).on('error', reject);
      });
      assert.match(body, /kubeharden_image_verifications_total\{result="verified"\} [1-9]/);
      assert.match(body, /kubeharden_image_verifications_total\{result="unsigned"\} [1-9]/);
      assert.match(body, /kubeharden_image_cache_lookups_total\{result="hit"\} [1-9]/);
      assert.match(body, /kubeharden_image_registry_request_duration_seconds_count\{operation="manifest",outcome="(ok|not_found)"\} [1-9]/);
    });

    test('registry down: a warm cache admits; a cold image is denied by the fail mode within the budget, or admitted when it is open', async () => {
      await reg.stop();
      const warm = await c.apply(podYaml('signed-again', img.signed), { namespace: 'signed' });
      assert.equal(warm.code, 0, warm.stderr);
      const t = Date.now();
      const cold = await c.apply(podYaml('cold', img.cold), { namespace: 'signed' });
      const took = Date.now() - t;
      assert.notEqual(cold.code, 0);
      assert.match(cold.stderr, new RegExp(`IMG-SIGNATURE \\(high\\): container "app": the signature of image ${img.cold} could not be verified \\(rule "shop", failMode closed\\): signatures could not be fetched: 127\\.0\\.0\\.1:\\d+: unreachable`));
      assert.ok(took < 3000 + 2000, `kubectl took ${took} ms: the webhook must answer within its 1 s registry budget`);
      const open = await c.apply(podYaml('cold-open', img.cold), { namespace: 'open' });
      assert.equal(open.code, 0, open.stderr);
    });

    test('a restarted webhook answers from the disk cache while the registry is still down', async () => {
      wh!.child.kill('SIGTERM');
      assert.equal(await wh!.exited, 0);
      wh = await startWebhook(dir, policyFile, c.kubeconfig);
      assert.equal((await c.apply(webhookConfigurations(wh.port, wh.caPem))).code, 0);
      assert.ok(wh.logs.some((l) => l.msg === 'image cache loaded' && Number(l.loaded) > 0));
      await c.waitFor(async () => (await c.apply(podYaml('probe', img.unsigned), { namespace: 'signed', dryRunServer: true })).code !== 0, 60_000);
      const r = await c.apply(podYaml('after-restart', img.signed), { namespace: 'signed' });
      assert.equal(r.code, 0, r.stderr);
      await reg.start();
    });

    test('a registry that accepts connections but never answers costs one budget, then the fail mode decides', async () => {
      reg.pause();
      try {
        const t = Date.now();
        const hung = await c.apply(podYaml('hung', img.hung), { namespace: 'signed' });
        const took = Date.now() - t;
        assert.notEqual(hung.code, 0);
        assert.match(hung.stderr, new RegExp(`the signature of image ${img.hung} could not be verified \\(rule "shop", failMode closed\\): signatures could not be fetched: 127\\.0\\.0\\.1:\\d+(?:: no answer within 1000 ms| did not answer within the time budget \\(registry.timeout 1s\\))`));
        assert.ok(took < 3000, `kubectl took ${took} ms: the webhook (timeoutSeconds 3) must answer within its 1 s registry budget`);
      } finally {
        reg.resume();
      }
    });

  });
}
