// The image gate: verdicts from the cache (memory and disk), the time budget, fail modes, stale
// entries when the registry is down, exemptions, digest pinning, and report matching through a
// cached tag resolution. Registries here are local node servers that never answer (a fault);
// the real registry is in test/e2e/images.test.ts.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadText } from '../load/index.js';
import { scanObjects } from '../engine/scan.js';
import { ImageGate } from './gate.js';
import type { ImagePolicyInput } from './policy.js';
import { parseReference, type ImageName } from './reference.js';
import { DigestCache } from './registry/cache.js';
import type { SignatureMaterial } from './signature/material.js';
import { EvidenceStore } from './store.js';
import { ALL_CHECKS } from '../checks/registry.js';

const DIGEST = `sha256:${'7'.repeat(64)}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dir = mkdtempSync(join(tmpdir(), 'kh-gate-'));
const keyFile = join(dir, 'cosign.pub');
writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.closeAllConnections?.();
  for (const s of servers) s.close();
});
/** A registry that accepts connections and never answers. */
async function silentRegistry(): Promise<string> {
  const s = createServer(() => undefined);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function signed(digest: string): SignatureMaterial {
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
  return { digest, cosign: [{ payload: payload.toString('base64'), signature: sign('sha256', payload, privateKey).toString('base64'), layerDigest: `sha256:${createHash('sha256').update(payload).digest('hex')}` }], bundles: [], problems: [] };
}

const ref = (s: string) => parseReference(s) as ImageName;

function policy(host: string, extra: Partial<ImagePolicyInput> = {}): ImagePolicyInput {
  return { signatures: [{ name: 'acme', images: [`${host}/acme/**`], keys: [keyFile] }], registry: { insecure: [host], timeout: '300ms' }, ...extra };
}

function pod(image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`;
}

function scan(gate: ImageGate, image: string, check = 'IMG-SIGNATURE') {
  return scanObjects(loadText(Buffer.from(pod(image)), 'pod.yaml').objects, { checks: ALL_CHECKS, only: [check], settings: { images: gate } }).findings;
}

describe('signatures from the cache', () => {
  it('a prefetched disk cache verifies with no registry at all (offline)', async () => {
    const cacheDir = join(dir, 'cache');
    const image = ref(`registry.invalid/acme/app@${DIGEST}`);
    const cache = new DigestCache(cacheDir);
    cache.set(EvidenceStore.signaturesKey(image, DIGEST, ['cosign', 'bundle']), signed(DIGEST), 3_600_000);
    await cache.flush();
    const gate = new ImageGate({ ...policy('registry.invalid'), registry: { cacheDir } }, { offline: true });
    assert.deepEqual(await gate.loadCache(), { loaded: 1, skipped: 0 });
    const s = gate.signature(`registry.invalid/acme/app@${DIGEST}`);
    assert.equal(s?.kind === 'checked' && s.verdict.result, 'verified');
    assert.deepEqual(scan(gate, `registry.invalid/acme/app@${DIGEST}`), []);
  });

  it('a damaged cache file is skipped, never trusted', async () => {
    const cacheDir = join(dir, 'damaged');
    const cache = new DigestCache(cacheDir);
    cache.set('sig:x', { a: 1 }, 1000);
    await cache.flush();
    const name = (await import('node:fs')).readdirSync(cacheDir)[0];
    writeFileSync(join(cacheDir, name), '{"format":1,"key":"sig:other","value":{},"expires":1,"stored":1}');
    assert.deepEqual(await new DigestCache(cacheDir).load(), { loaded: 0, skipped: 1 });
  });
});

describe('the time budget and the fail mode', () => {
  it('a registry that does not answer costs the budget, not more, and closed mode reports the image', async () => {
    const host = await silentRegistry();
    const gate = new ImageGate(policy(host));
    const t = Date.now();
    const r = await gate.prepare([`${host}/acme/app@${DIGEST}`], { budgetMs: 150 });
    const took = Date.now() - t;
    assert.equal(r.complete, false);
    assert.ok(took < 1000, `prepare took ${took} ms`);
    const f = scan(gate, `${host}/acme/app@${DIGEST}`);
    assert.equal(f.length, 1);
    assert.match(f[0].message, new RegExp(`the signature of image ${host}/acme/app@${DIGEST} could not be verified \\(rule "acme", failMode closed\\): signatures could not be fetched: ${host} did not answer within the time budget \\(registry.timeout 300ms\\)`));
  });

  it('once the request times out the reason is recorded, and the registry is left alone for a while', async () => {
    const host = await silentRegistry();
    const gate = new ImageGate(policy(host));
    await gate.prepare([`${host}/acme/app@${DIGEST}`]);
    const s = gate.signature(`${host}/acme/app@${DIGEST}`);
    assert.equal(s?.kind, 'unverifiable');
    assert.match(s?.kind === 'unverifiable' ? s.reason : '', /no answer within 300 ms/);
    const t = Date.now();
    await gate.prepare([`${host}/acme/other@${DIGEST}`]);
    assert.ok(Date.now() - t < 100, 'the second image does not wait for the same dead registry');
    const s2 = gate.signature(`${host}/acme/other@${DIGEST}`);
    assert.match(s2?.kind === 'unverifiable' ? s2.reason : '', /not retried for 5 s/);
    assert.equal(gate.registryErrors().length, 2);
  });

  it('open mode admits an unverifiable image and says so in a warning', async () => {
    const host = await silentRegistry();
    const gate = new ImageGate(policy(host, { failMode: 'open' }));
    await gate.prepare([`${host}/acme/app@${DIGEST}`], { budgetMs: 50 });
    assert.deepEqual(scan(gate, `${host}/acme/app@${DIGEST}`), []);
    assert.ok(gate.warnings.some((w) => w.includes('admitted because failMode is open')));
  });

  it('an expired entry is refreshed, and still verifies while the registry is down', async () => {
    const host = await silentRegistry();
    const gate = new ImageGate(policy(host));
    const image = ref(`${host}/acme/app@${DIGEST}`);
    gate.store.cache.set(EvidenceStore.signaturesKey(image, DIGEST, ['cosign', 'bundle']), signed(DIGEST), -1);
    await gate.prepare([`${host}/acme/app@${DIGEST}`]);
    const s = gate.signature(`${host}/acme/app@${DIGEST}`);
    assert.equal(s?.kind === 'checked' && s.verdict.result, 'verified');
    assert.equal(s?.kind === 'checked' && s.stale, true);
  });
});

describe('tags, pins and exemptions', () => {
  it('a cached tag resolution gives the digest: signatures, pins and report matching use it', async () => {
    const gate = new ImageGate(
      {
        ...policy('registry.invalid'),
        pinDigests: true,
        vulnerabilities: { reports: [new URL('./vuln/fixtures/reports', import.meta.url).pathname], failOn: 'critical' },
      },
      { offline: true },
    );
    const web = 'sha256:7a0b98f2bf30d605fe58cd614a3029892c5c55fbb42b819af636e2aac295a90b';
    gate.store.cache.set(EvidenceStore.tagKey(ref('registry.invalid/acme/web:9')), { digest: web, platforms: [] }, 60_000);
    gate.store.cache.set(EvidenceStore.signaturesKey(ref('registry.invalid/acme/web:9'), web, ['cosign', 'bundle']), signed(web), 60_000);
    assert.equal(gate.pinned('registry.invalid/acme/web:9'), `registry.invalid/acme/web:9@${web}`);
    assert.equal(gate.pinned(`registry.invalid/acme/web@${web}`), undefined, 'already pinned');
    const v = gate.vulnerabilities('registry.invalid/acme/web:9');
    assert.equal(v?.kind === 'report' && v.by, 'digest');
    assert.equal(scan(gate, 'registry.invalid/acme/web:9', 'IMG-VULN').length, 1);
  });

  it('an image exemption applies until it expires, then is reported and ignored', () => {
    const exemption = { images: ['registry.invalid/acme/app'], checks: ['IMG-SIGNATURE'], reason: 'vendor image, OPS-9', expires: '2020-01-01' };
    const gate = new ImageGate({ ...policy('registry.invalid'), exemptions: [exemption] }, { offline: true });
    assert.equal(scan(gate, `registry.invalid/acme/app@${DIGEST}`).length, 1);
    assert.ok(gate.warnings.some((w) => /image exemption for registry.invalid\/acme\/app \(vendor image, OPS-9\) expired on 2020-01-01/.test(w)));
    const live = new ImageGate({ ...policy('registry.invalid'), exemptions: [{ ...exemption, expires: '2999-01-01' }] }, { offline: true });
    assert.deepEqual(scan(live, `registry.invalid/acme/app@${DIGEST}`), []);
  });

  it('an unreadable pull secret is a configuration error, never quoting the file', () => {
    const bad = join(dir, 'secret.json');
    writeFileSync(bad, '{"auths": {"r.example": {"auth": "' + Buffer.from('no-colon-s3cret').toString('base64') + '"}}}');
    const gate = new ImageGate({ ...policy('registry.invalid'), registry: { pullSecrets: [bad, join(dir, 'missing.json')] } }, { offline: true });
    assert.deepEqual(
      gate.errors.map((e) => e.message.replace(dir, '<dir>')),
      ['pull secret <dir>/secret.json: the "auth" of r.example is not base64 of user:password', 'pull secret <dir>/missing.json: cannot read (ENOENT)'],
    );
    assert.ok(!JSON.stringify(gate.errors).includes('s3cret'));
  });

  it('an invalid image reference is never treated as clean', () => {
    const gate = new ImageGate(policy('registry.invalid'), { offline: true });
    const f = scan(gate, 'Registry.Invalid/ACME/App:@@');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /is not a valid image reference/);
  });
});
