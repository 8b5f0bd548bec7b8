// Signature verification on material built here with node:crypto (keys generated per run). The
// same verdicts against real cosign-signed images in a real registry, compared with `cosign
// verify`, are in test/e2e/images.test.ts.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadKey, type TrustedKey } from './keys.js';
import { COSIGN_SIGN_PREDICATE, type SignatureMaterial } from './material.js';
import { verifyBundle } from './verify-bundle.js';
import { verifySignatures } from './verify.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;

function keyPair(type: 'ec' | 'rsa' | 'ed25519' = 'ec'): { priv: KeyObject; trusted: TrustedKey } {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { priv: privateKey, trusted: loadKey(publicKey.export({ type: 'spki', format: 'pem' }) as string, '/') };
}

function simpleSigning(digest: string): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'registry.example.com/app' }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}

function cosignLayer(priv: KeyObject, payload: Buffer): SignatureMaterial['cosign'][number] {
  const alg = priv.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return { payload: payload.toString('base64'), signature: sign(alg, payload, priv).toString('base64'), layerDigest: `sha256:${createHash('sha256').update(payload).digest('hex')}` };
}

const material = (cosign: SignatureMaterial['cosign'], bundles: unknown[] = []): SignatureMaterial => ({ digest: DIGEST, cosign, bundles, problems: [] });

function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

function bundle(priv: KeyObject, digest: string, predicateType = COSIGN_SIGN_PREDICATE): unknown {
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: '', digest: { sha256: digest.split(':')[1] } }], predicateType, predicate: {} }));
  const type = 'application/vnd.in-toto+json';
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'signer-chose-this' }, tlogEntries: [] },
    dsseEnvelope: { payload: statement.toString('base64'), payloadType: type, signatures: [{ sig: sign('sha256', pae(type, statement), priv).toString('base64'), keyid: '' }] },
  };
}

describe('classic cosign signatures', () => {
  const a = keyPair();
  const b = keyPair();

  it('verified with the signing key, for the image digest', () => {
    const v = verifySignatures(material([cosignLayer(a.priv, simpleSigning(DIGEST))]), DIGEST, [b.trusted, a.trusted], ['cosign'], undefined);
    assert.equal(v.result, 'verified');
    assert.equal(v.key, a.trusted.label);
  });

  it('no signature: unsigned', () => {
    assert.equal(verifySignatures(material([]), DIGEST, [a.trusted], ['cosign', 'bundle'], undefined).result, 'unsigned');
  });

  it('another key: wrong-key', () => {
    const v = verifySignatures(material([cosignLayer(b.priv, simpleSigning(DIGEST))]), DIGEST, [a.trusted], ['cosign'], undefined);
    assert.equal(v.result, 'wrong-key');
  });

  it('a valid signature of another digest (copied from another image): digest-mismatch', () => {
    const v = verifySignatures(material([cosignLayer(a.priv, simpleSigning(OTHER))]), DIGEST, [a.trusted], ['cosign'], undefined);
    assert.equal(v.result, 'digest-mismatch');
    assert.match(v.detail ?? '', new RegExp(`is for digest ${OTHER}, not ${DIGEST}`));
  });

  it('a payload altered after signing no longer verifies', () => {
    const layer = cosignLayer(a.priv, simpleSigning(OTHER));
    const tampered = { ...layer, payload: simpleSigning(DIGEST).toString('base64') };
    assert.equal(verifySignatures(material([tampered]), DIGEST, [a.trusted], ['cosign'], undefined).result, 'wrong-key');
  });

  it('one good signature among bad ones verifies (cosign accepts any)', () => {
    const v = verifySignatures(material([cosignLayer(b.priv, simpleSigning(DIGEST)), cosignLayer(a.priv, simpleSigning(OTHER)), cosignLayer(a.priv, simpleSigning(DIGEST))]), DIGEST, [a.trusted], ['cosign'], undefined);
    assert.equal(v.result, 'verified');
  });

  it('RSA and Ed25519 keys, as cosign supports them', () => {
    for (const type of ['rsa', 'ed25519'] as const) {
      const k = keyPair(type);
      assert.equal(verifySignatures(material([cosignLayer(k.priv, simpleSigning(DIGEST))]), DIGEST, [k.trusted], ['cosign'], undefined).result, 'verified', type);
    }
  });

  it('garbage in the annotation or payload is a failure, not a crash', () => {
    const layer = cosignLayer(a.priv, simpleSigning(DIGEST));
    assert.equal(verifySignatures(material([{ ...layer, signature: '%%%not base64' }]), DIGEST, [a.trusted], ['cosign'], undefined).result, 'invalid');
    assert.equal(verifySignatures(material([{ ...layer, payload: Buffer.from('{').toString('base64') }]), DIGEST, [a.trusted], ['cosign'], undefined).result, 'wrong-key');
  });

  it('signatures of a format the rule does not accept do not count', () => {
    const v = verifySignatures(material([cosignLayer(a.priv, simpleSigning(DIGEST))]), DIGEST, [a.trusted], ['bundle'], verifyBundle);
    assert.equal(v.result, 'unsigned');
    assert.match(v.detail ?? '', /formats the policy does not accept/);
  });
});

describe('Sigstore bundles (offline, @sigstore/verify)', () => {
  const a = keyPair();
  const b = keyPair();

  it('a DSSE in-toto signature over the digest verifies with the key, whatever the key hint says', () => {
    assert.deepEqual(verifyBundle(bundle(a.priv, DIGEST), DIGEST, [b.trusted, a.trusted]), { ok: true, key: a.trusted.label });
    assert.equal(verifySignatures(material([], [bundle(a.priv, DIGEST)]), DIGEST, [a.trusted], ['bundle'], verifyBundle).result, 'verified');
  });

  it('wrong key, other digest, attestation instead of signature, malformed, keyless', () => {
    assert.equal((verifyBundle(bundle(b.priv, DIGEST), DIGEST, [a.trusted]) as { reason: string }).reason, 'wrong-key');
    assert.equal((verifyBundle(bundle(a.priv, OTHER), DIGEST, [a.trusted]) as { reason: string }).reason, 'digest-mismatch');
    const att = verifyBundle(bundle(a.priv, DIGEST, 'https://slsa.dev/provenance/v1'), DIGEST, [a.trusted]);
    assert.equal(att.ok, false);
    assert.match((att as { detail: string }).detail, /an attestation/);
    assert.equal((verifyBundle({ mediaType: 'nope' }, DIGEST, [a.trusted]) as { reason: string }).reason, 'invalid');
    const keyless = bundle(a.priv, DIGEST) as { verificationMaterial: Record<string, unknown> };
    keyless.verificationMaterial = { certificate: { rawBytes: Buffer.from('x').toString('base64') }, tlogEntries: [] };
    assert.match((verifyBundle(keyless, DIGEST, [a.trusted]) as { detail: string }).detail, /keyless/);
  });

  it('an altered payload no longer verifies', () => {
    const good = bundle(a.priv, OTHER) as { dsseEnvelope: { payload: string } };
    const forged = structuredClone(good);
    forged.dsseEnvelope.payload = Buffer.from(Buffer.from(good.dsseEnvelope.payload, 'base64').toString().replace('2222', '1111')).toString('base64');
    assert.equal((verifyBundle(forged, DIGEST, [a.trusted]) as { reason: string }).reason, 'wrong-key');
  });
});

describe('keys', () => {
  it('a file that holds no public key, or a private key only, is refused with its name', () => {
    assert.throws(() => loadKey('no-such-key.pub', '/nonexistent'), /key no-such-key.pub: cannot read/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    assert.throws(
      () => loadKey(pem, '/'),
      (e: Error) => /inline key: no PEM public key in it .*holds a private key/.test(e.message) && !e.message.includes(pem.split('\n')[1]),
    );
  });
});
