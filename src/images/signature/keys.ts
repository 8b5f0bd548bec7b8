/**
 * Public keys a signature rule trusts: PEM files (relative to the policy file) or PEM text in
 * the policy. Each gets a short label for messages: the file name, or the key's fingerprint.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export interface TrustedKey {
  key: KeyObject;
  /** For messages: `cosign.pub (sha256:1a2b3c4d…)`. */
  label: string;
  /** sha256 of the DER SubjectPublicKeyInfo, hex. */
  fingerprint: string;
}

const PEM = /-----BEGIN (?:PUBLIC KEY|EC PUBLIC KEY|RSA PUBLIC KEY)-----[\s\S]+?-----END (?:PUBLIC KEY|EC PUBLIC KEY|RSA PUBLIC KEY)-----/;

/** Reads one key reference; throws an Error naming it when it is not a usable public key. */
export function loadKey(ref: string, baseDir: string): TrustedKey {
  // Any PEM text is inline material, never a path: messages must not quote it (a private key pasted by mistake).
  const inline = ref.includes('-----BEGIN');
  let text = ref;
  let name = 'inline key';
  if (!inline) {
    const file = resolve(baseDir, ref);
    name = basename(ref);
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`key ${ref}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  const pem = PEM.exec(text)?.[0];
  if (!pem) throw new Error(`key ${inline ? name : ref}: no PEM public key in it (cosign.pub holds one)${/PRIVATE KEY/.test(text) ? '; it holds a private key, which must never be in a policy' : ''}`);
  let key: KeyObject;
  try {
    key = process.getBuiltinModule('node:crypto').createPublicKey(pem);
  } catch (e) {
    throw new Error(`key ${inline ? name : ref}: not a public key (${(e as Error).message})`, { cause: e });
  }
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa' && type !== 'ed25519') throw new Error(`key ${inline ? name : ref}: ${type} keys are not supported (ECDSA, RSA or Ed25519)`);
  const fingerprint = process.getBuiltinModule('node:crypto').createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  return { key, label: `${name} (sha256:${fingerprint.slice(0, 12)})`, fingerprint };
}
