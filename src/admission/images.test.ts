// The image policy in admission profiles: compiled with the profile, decided by review() with the
// same checks as `kubeharden scan`, denial messages naming container, digest and reason, digest
// pinning on /mutate. Evidence is put in the gate's cache directly; fetching it from a real
// registry under a real kube-apiserver is test/e2e/images-webhook.test.ts.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../load/types.js';
import { EvidenceStore } from '../images/store.js';
import { parseReference, type ImageName } from '../images/reference.js';
import type { SignatureMaterial } from '../images/signature/material.js';
import { gateOf, gatesOf, prepareImages } from './images.js';
import { applyJsonPatch, type JsonPatchOp } from './patch.js';
import { compilePolicy, PolicyError, type Policy } from './policy.js';
import { mutate, review } from './review.js';
import { admissionReview, hardenedPodSpec, pod } from './testing.js';
import { parseAdmissionReview, type AdmissionRequest } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'kh-adm-images-'));
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
writeFileSync(join(dir, 'acme.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
const REPORTS = new URL('../images/vuln/fixtures/reports', import.meta.url).pathname;
const WEB = 'sha256:7a0b98f2bf30d605fe58cd614a3029892c5c55fbb42b819af636e2aac295a90b';
const API = 'sha256:75a62bd2938f56245aadcd3001743edfae387a39577b51d8d32c888c86efe593';
const UNSCANNED = `sha256:${'5'.repeat(64)}`;

function compile(images: Record<string, unknown>): Policy {
  return compilePolicy(
    {
      profiles: { default: { failOn: 'high', warnOn: 'medium', checks: { only: ['IMG-SIGNATURE', 'IMG-VULN', 'IMG-VULN-REPORT'] }, images } },
      rules: [{ name: 'all', enforce: 'default', mutate: true }],
    },
    { baseDir: dir, images: { offline: true } },
  );
}

function req(object: KubeObject): AdmissionRequest {
  const p = parseAdmissionReview(admissionReview(object));
  if (!p.ok) throw new Error(p.message);
  return p.request;
}

function podWith(image: string): KubeObject {
  const spec = hardenedPodSpec(1) as { containers: Array<Record<string, unknown>> };
  spec.containers[0].image = image;
  return pod('web', 'shop', spec);
}

function signed(digest: string): SignatureMaterial {
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
  return { digest, cosign: [{ payload: payload.toString('base64'), signature: sign('sha256', payload, privateKey).toString('base64'), layerDigest: `sha256:${createHash('sha256').update(payload).digest('hex')}` }], bundles: [], problems: [] };
}

function remember(policy: Policy, image: string, material: SignatureMaterial | undefined, tagDigest?: string): void {
  const store = (gatesOf(policy)[0] as NonNullable<ReturnType<typeof gateOf>>).store;
  const ref = parseReference(image) as ImageName;
  if (tagDigest) store.cache.set(EvidenceStore.tagKey(ref), { digest: tagDigest, platforms: [] }, 60_000);
  if (material) store.cache.set(EvidenceStore.signaturesKey(ref, material.digest, ['cosign', 'bundle']), material, 60_000);
}

const signatures = { signatures: [{ name: 'acme', images: ['ghcr.io/acme/**'], keys: ['acme.pub'] }] };

describe('image policy in a profile', () => {
  it('compiles with the profile: key paths relative to the policy file; a bad section names the field', () => {
    assert.equal(gatesOf(compile(signatures)).length, 1);
    assert.throws(() => compile({ signatures: [{ images: ['x'], keys: ['missing.pub'] }] }), (e: Error) => e instanceof PolicyError && /profiles.default.images: .*key missing.pub: cannot read/.test(e.message));
    assert.throws(() => compile({ failMode: 'sometimes' }), (e: Error) => e instanceof PolicyError && /profiles.default.images.failMode/.test(e.message));
  });

  it('admits a verified image and denies an unsigned one, naming container, digest and reason', () => {
    const policy = compile(signatures);
    const good = `ghcr.io/acme/web@${WEB}`;
    const bad = `ghcr.io/acme/api@${API}`;
    remember(policy, good, signed(WEB));
    remember(policy, bad, { digest: API, cosign: [], bundles: [], problems: [] });
    assert.equal(review(req(podWith(good)), policy).response.allowed, true);
    const denied = review(req(podWith(bad)), policy);
    assert.equal(denied.response.allowed, false);
    assert.equal(denied.checks.join(), 'IMG-SIGNATURE');
    assert.match(denied.response.status?.message ?? '', new RegExp(`IMG-SIGNATURE \\(high\\): container "app": image ghcr.io/acme/api@${API} is not signed \\(rule "acme"\\): no signature is attached to this digest`));
  });

  it('a signature copied from another image is denied as such', () => {
    const policy = compile(signatures);
    remember(policy, `ghcr.io/acme/api@${API}`, { ...signed(WEB), digest: API });
    assert.match(review(req(podWith(`ghcr.io/acme/api@${API}`)), policy).response.status?.message ?? '', /carries a signature for another digest .* is for digest sha256:7a0b.* a signature copied from another image/);
  });

  it('denies a critical vulnerability with a fix, and an image without a report', () => {
    const policy = compile({ vulnerabilities: { reports: [REPORTS], failOn: 'critical', onlyFixed: true } });
    const vuln = review(req(podWith(`ghcr.io/acme/web@${WEB}`)), policy);
    assert.match(vuln.response.status?.message ?? '', /IMG-VULN \(high\): container "app": image ghcr.io\/acme\/web@sha256:7a0b\S+ has 1 vulnerability at or above critical with a fix: CVE-2024-45492 critical in libexpat1 2.5.0-1 \(fixed in 2.5.0-1\+deb12u1\)/);
    const none = review(req(podWith(`ghcr.io/acme/new@${UNSCANNED}`)), policy);
    assert.match(none.response.status?.message ?? '', /IMG-VULN-REPORT \(high\): container "app": image ghcr.io\/acme\/new@sha256:5+ has no usable vulnerability report/);
  });

  it('/mutate pins a verified tag to its digest (pinDigests), and only then', () => {
    const policy = compile({ ...signatures, pinDigests: true });
    remember(policy, 'ghcr.io/acme/web:1.4.2', signed(WEB), WEB);
    remember(policy, 'ghcr.io/acme/api:2.0.0', { digest: API, cosign: [], bundles: [], problems: [] }, API);
    const object = podWith('ghcr.io/acme/web:1.4.2');
    const out = mutate(req(object), policy);
    assert.equal(out.decision, 'mutated');
    const patch = JSON.parse(Buffer.from(out.response.patch ?? '', 'base64').toString()) as JsonPatchOp[];
    assert.deepEqual(patch, [{ op: 'replace', path: '/spec/containers/0/image', value: `ghcr.io/acme/web:1.4.2@${WEB}` }]);
    const patched = applyJsonPatch(structuredClone(object), patch) as KubeObject;
    assert.equal(review(req(patched), policy).response.allowed, true, 'the pinned image is what validation sees, and it verifies');
    assert.equal(mutate(req(podWith('ghcr.io/acme/api:2.0.0')), policy).decision, 'allowed', 'an unsigned image is not pinned');
  });

  it('a policy without image sections adds nothing to a request (no extra turn of the event loop)', () => {
    const plain = compilePolicy({ profiles: { default: { failOn: 'high' } }, rules: [{ enforce: 'default' }] });
    assert.equal(prepareImages(req(podWith(`ghcr.io/acme/web@${WEB}`)), plain), undefined);
  });
});

describe('webhook install with an image policy', () => {
  const install = async (images: Record<string, unknown>) => {
    const { installManifests } = await import('./install.js');
    const { generateServingCerts } = await import('./tls.js');
    return installManifests({
      namespace: 'kubeharden-system',
      image: 'ghcr.io/kubeharden/kubeharden:v0.1.0',
      replicas: 3,
      mode: 'enforce',
      mutate: false,
      certs: { kind: 'generated', certs: await generateServingCerts(['kubeharden-webhook'], 1) },
      timeoutSeconds: 3,
      extraResources: [],
      policy: { profiles: { default: { failOn: 'high', images } }, rules: [{ enforce: 'default' }] },
      policyDir: dir,
    }) as Array<Record<string, unknown> & { kind: string; metadata: { name: string } }>;
  };

  it('inlines key files, keeps in-pod paths, mounts a writable cache and lets the pod resolve registry names', async () => {
    const objs = await install({ signatures: [{ images: ['ghcr.io/acme/**'], keys: ['acme.pub', '/etc/kubeharden/keys/vendor.pub'] }], registry: { cacheDir: '/var/cache/kubeharden' }, vulnerabilities: { reports: ['/etc/kubeharden/reports'] } });
    const cm = objs.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const shipped = Object.values(cm.data).join('\n');
    assert.match(shipped, /-----BEGIN PUBLIC KEY-----/);
    assert.match(shipped, /\/etc\/kubeharden\/keys\/vendor\.pub/);
    const deploy = objs.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { volumes: Array<{ name: string; emptyDir?: unknown }>; containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }> } } } };
    const podSpec = deploy.spec.template.spec;
    assert.ok(podSpec.containers[0].volumeMounts.some((m) => m.mountPath === '/var/cache/kubeharden'));
    assert.ok(podSpec.volumes.some((v) => v.name === 'image-cache-0' && v.emptyDir));
    const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'kubeharden-webhook') as unknown as { spec: { egress: Array<{ ports: Array<{ protocol: string; port: number }> }> } };
    assert.ok(np.spec.egress.some((e) => e.ports.some((p) => p.protocol === 'UDP' && p.port === 53)));
  });

  it('a relative cache directory is refused (the policy directory is a read-only ConfigMap in the pod)', async () => {
    await assert.rejects(install({ signatures: [{ images: ['x/**'], keys: ['acme.pub'] }], registry: { cacheDir: 'cache' } }), /cacheDir: give an absolute path/);
  });
});
