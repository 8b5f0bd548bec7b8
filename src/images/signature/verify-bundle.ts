/**
 * Sigstore bundles (v0.3, as `cosign sign --new-bundle-format` attaches them) verified offline
 * with @sigstore/verify: the trust material is only the policy's public keys; no TUF trusted
 * root, no Rekor or CT log thresholds (the log entries a bundle may carry are not checked, as
 * with `cosign verify --insecure-ignore-tlog`). Keyless (certificate) bundles need a trusted
 * root and are refused.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type TrustMaterial } from '@sigstore/verify';
import type { TrustedKey } from './keys.js';
import { COSIGN_SIGN_PREDICATE } from './material.js';
import type { BundleCheck } from './verify.js';

function trustOnly(key: TrustedKey): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    // The bundle's key hint is a label chosen by the signer: every trusted key is tried instead.
    publicKey: () => ({ publicKey: key.key, validFor: () => true }),
  };
}

/** The image digests an in-toto statement is about. */
function subjects(payload: Buffer): { digests: string[]; predicateType?: string } | undefined {
  try {
    const st = JSON.parse(payload.toString('utf8')) as { subject?: Array<{ digest?: Record<string, string> }>; predicateType?: string };
    const digests: string[] = [];
    for (const s of st.subject ?? []) for (const [alg, hex] of Object.entries(s.digest ?? {})) digests.push(`${alg}:${hex}`);
    return { digests, predicateType: st.predicateType };
  } catch {
    return undefined;
  }
}

export function verifyBundle(json: unknown, digest: string, keys: readonly TrustedKey[]): BundleCheck {
  let bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    return { ok: false, reason: 'invalid', detail: `a Sigstore bundle is attached but malformed (${(e as Error).message})`, malformed: true };
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') return { ok: false, reason: 'invalid', detail: 'a keyless (certificate) Sigstore bundle is attached: it needs a trusted root, and the policy trusts keys' };
  if (bundle.content.$case !== 'dsseEnvelope') return { ok: false, reason: 'invalid', detail: 'a message-signature Sigstore bundle is attached: those sign blobs; image signatures are DSSE in-toto statements' };
  let entity;
  try {
    entity = toSignedEntity(bundle);
  } catch (e) {
    return { ok: false, reason: 'invalid', detail: `a Sigstore bundle is attached but unreadable (${(e as Error).message})` };
  }
  // Offline: transparency-log entries and their timestamps are not checked.
  const offline = { ...entity, tlogEntries: [], timestamps: [] };
  const key = keys.find((k) => {
    try {
      new Verifier(trustOnly(k), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(offline);
      return true;
    } catch {
      return false;
    }
  });
  if (!key) return { ok: false, reason: 'wrong-key', detail: 'a Sigstore bundle is attached, but it does not verify with any trusted key (signed with another key, or altered)' };
  const st = subjects(bundle.content.dsseEnvelope.payload);
  if (!st) return { ok: false, reason: 'invalid', detail: 'the Sigstore bundle verifies but its payload is not an in-toto statement' };
  if (st.predicateType !== COSIGN_SIGN_PREDICATE) return { ok: false, reason: 'invalid', detail: `the Sigstore bundle is an attestation (${st.predicateType ?? 'no predicate type'}), not a signature` };
  if (!st.digests.includes(digest)) return { ok: false, reason: 'digest-mismatch', detail: `the Sigstore bundle (valid, ${key.label}) is for ${st.digests.join(', ') || 'no digest'}, not ${digest}` };
  return { ok: true, key: key.label };
}
