/**
 * TLS settings of the control plane and the kubelet: which cipher suites are weak and what a
 * minimum version means. Names are those Kubernetes components accept (Go's crypto/tls names,
 * plus two legacy ChaCha20 spellings component-base keeps).
 */
import { GO_TLS_CIPHER_SUITES, GO_TLS_INSECURE_CIPHER_SUITES } from './flags/tables.generated.js';

/**
 * The suites the CIS Benchmark accepts (1.2.29 for the API server, 4.2.12 for the kubelet): AEAD
 * ciphers with forward secrecy, and the TLS 1.3 suites.
 */
const STRONG = new Set([
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

let secure: Set<string> | undefined;
let insecure: Set<string> | undefined;

export type CipherVerdict = 'strong' | 'weak' | 'insecure' | 'unknown';

export function cipherVerdict(name: string): CipherVerdict {
  secure ??= new Set([...GO_TLS_CIPHER_SUITES.split(' '), 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305']);
  insecure ??= new Set(GO_TLS_INSECURE_CIPHER_SUITES.split(' '));
  if (STRONG.has(name)) return 'strong';
  if (insecure.has(name)) return 'insecure';
  if (secure.has(name)) return 'weak';
  return 'unknown';
}

/** Why a weak or insecure suite is one, in a few words. */
export function cipherWeakness(name: string): string {
  if (/RC4/.test(name)) return 'RC4 is broken';
  if (/3DES/.test(name)) return '3DES has 64-bit blocks (Sweet32)';
  if (/^TLS_RSA_/.test(name)) return 'RSA key exchange has no forward secrecy';
  if (/CBC_SHA256$/.test(name)) return 'CBC with HMAC-SHA256 is exposed to Lucky13-style timing attacks';
  if (/CBC_SHA$/.test(name)) return 'CBC mode with SHA-1 MACs (not an AEAD cipher)';
  return 'not an AEAD suite with forward secrecy';
}

/** VersionTLS10 … VersionTLS13 (the spellings the flags accept). */
export const TLS_VERSIONS: Readonly<Record<string, number>> = { VersionTLS10: 10, VersionTLS11: 11, VersionTLS12: 12, VersionTLS13: 13 };

/**
 * Go's default minimum for servers: TLS 1.2 since Go 1.22 (Kubernetes v1.30 is the first release
 * built with it); TLS 1.0 before.
 */
export const FIRST_MINOR_WITH_TLS12_DEFAULT = 30;
