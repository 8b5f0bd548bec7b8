/**
 * Offline signature verification of one image digest against a rule's keys, on material
 * fetched earlier. Classic cosign signatures are checked as `cosign verify --key` does: the
 * signature over the simple-signing payload (SHA-256; ECDSA, RSA PKCS#1 v1.5 or Ed25519) with a
 * trusted key, then the payload's `critical.image.docker-manifest-digest` must be the image's
 * digest. Sigstore bundles: the DSSE signature with a trusted key (@sigstore/verify), then the
 * in-toto subject must be the image's digest. Transparency-log entries are not checked (no Rekor,
 * no TUF: fully offline, like `cosign verify --insecure-ignore-tlog`).
 */
import type { SignatureFormat } from '../policy.js';
import type { TrustedKey } from './keys.js';
import type { CosignSignatureLayer, SignatureMaterial } from './material.js';

export type SignatureResult = 'verified' | 'unsigned' | 'wrong-key' | 'digest-mismatch' | 'invalid';

export interface SignatureVerdict {
  result: SignatureResult;
  /** verified: which key and format. */
  key?: string;
  format?: SignatureFormat;
  /** Why it failed, for the denial message. */
  detail?: string;
}

/** Verifies Sigstore bundles; loaded on demand (verify-bundle.ts), since most policies use classic signatures. */
export type BundleVerifier = (bundle: unknown, digest: string, keys: readonly TrustedKey[]) => BundleCheck;

/** `malformed`: not a readable v0.3 bundle at all (cosign skips those as non-Sigstore referrers). */
export type BundleCheck = { ok: true; key: string } | { ok: false; reason: 'wrong-key' | 'digest-mismatch' | 'invalid'; detail: string; malformed?: boolean };

function signatureValid(layer: CosignSignatureLayer, payload: Buffer, key: TrustedKey): boolean {
  const sig = Buffer.from(layer.signature, 'base64');
  try {
    return process.getBuiltinModule('node:crypto').verify(key.key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key.key, sig);
  } catch {
    return false;
  }
}

function claimedDigest(payload: Buffer): string | undefined {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { critical?: { image?: { 'docker-manifest-digest'?: unknown } } };
    const d = doc?.critical?.image?.['docker-manifest-digest'];
    return typeof d === 'string' ? d : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The verdict for one digest: verified by any signature and key, else the most telling failure.
 * As `cosign verify` does, when readable Sigstore bundles are attached (and accepted), they
 * decide and the classic `.sig` signatures are not consulted.
 */
export function verifySignatures(material: SignatureMaterial, digest: string, keys: readonly TrustedKey[], formats: readonly SignatureFormat[], bundleVerifier: BundleVerifier | undefined): SignatureVerdict {
  const failures: SignatureVerdict[] = [];
  let bundlesDecide = false;
  if (formats.includes('bundle') && material.bundles.length) {
    if (!bundleVerifier) return { result: 'invalid', detail: 'a Sigstore bundle is attached but the bundle verifier is not loaded' };
    for (const bundle of material.bundles) {
      const r = bundleVerifier(bundle, digest, keys);
      if (r.ok) return { result: 'verified', key: r.key, format: 'bundle' };
      if (!r.malformed) bundlesDecide = true;
      failures.push({ result: r.reason, detail: r.detail });
    }
  }
  if (formats.includes('cosign') && !bundlesDecide) {
    for (const layer of material.cosign) {
      if (!/^[A-Za-z0-9+/=\s]+$/.test(layer.signature)) {
        failures.push({ result: 'invalid', detail: `signature annotation of layer ${layer.layerDigest} is not base64` });
        continue;
      }
      const payload = Buffer.from(layer.payload, 'base64');
      const key = keys.find((k) => signatureValid(layer, payload, k));
      if (!key) {
        failures.push({ result: 'wrong-key', detail: 'a cosign signature is attached, but it does not verify with any trusted key (signed with another key, or altered)' });
        continue;
      }
      const claimed = claimedDigest(payload);
      if (claimed !== digest) {
        failures.push({ result: 'digest-mismatch', detail: `the signature (valid, ${key.label}) is for ${claimed ? `digest ${claimed}` : 'no digest'}, not ${digest}: a signature copied from another image` });
        continue;
      }
      return { result: 'verified', key: key.label, format: 'cosign' };
    }
  }
  for (const p of material.problems) failures.push({ result: 'invalid', detail: p });
  if (failures.length === 0) {
    const attached = (formats.includes('cosign') ? material.cosign.length : 0) + (formats.includes('bundle') ? material.bundles.length : 0);
    return { result: 'unsigned', detail: attached === 0 && material.cosign.length + material.bundles.length > 0 ? `only signatures of formats the policy does not accept (${formats.join(', ')})` : 'no signature is attached to this digest' };
  }
  // The most telling failure: a copied signature, then a wrong key, then malformed material.
  const order: SignatureResult[] = ['digest-mismatch', 'wrong-key', 'invalid'];
  failures.sort((a, b) => order.indexOf(a.result) - order.indexOf(b.result));
  return failures[0];
}
