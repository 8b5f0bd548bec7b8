/**
 * Serving certificates: load from files and reload them when they change (cert-manager and
 * kubelet Secret updates swap files under the mount), or generate a CA and a serving
 * certificate in memory for --tls-self-signed and `webhook install`.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface GeneratedCerts extends KeyPair {
  /** The CA that signed `cert`: what goes into the webhook configuration's caBundle. */
  caPem: string;
  caKey: string;
}

/** Throws with a readable message when the key does not belong to the certificate or either is unreadable. */
export function validateKeyPair(pair: KeyPair): X509Certificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pair.cert);
  } catch (e) {
    throw new Error(`cannot read the certificate: ${(e as Error).message}`, { cause: e });
  }
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (e) {
    throw new Error(`the key does not match the certificate or cannot be read: ${(e as Error).message}`, { cause: e });
  }
  return x509;
}

export async function readKeyPair(certFile: string, keyFile: string): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { cert, key };
}

function ipOrDns(san: string): { type: 2; value: string } | { type: 7; ip: string } {
  return /^[\d.]+$/.test(san) || san.includes(':') ? { type: 7, ip: san } : { type: 2, value: san };
}

/**
 * A CA and a serving certificate for `sans` (DNS names and IP addresses), ECDSA P-256,
 * SHA-256, valid `days` days. The API server needs the SANs and a CA it is told about.
 */
export async function generateServingCerts(sans: readonly string[], days = 365, commonName = 'kubeharden-webhook'): Promise<GeneratedCerts> {
  if (sans.length === 0) throw new Error('at least one subject alternative name is needed');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const ca = await generate([{ name: 'commonName', value: `${commonName}-ca` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: sans.map(ipOrDns) },
    ],
  });
  return { cert: leaf.cert, key: leaf.private, caPem: ca.cert, caKey: ca.private };
}

function digest(pair: KeyPair): string {
  return createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
}

export interface CertWatcherOptions {
  certFile: string;
  keyFile: string;
  /** Poll interval (fs.watch events are not delivered on every filesystem); default 10 s. */
  intervalMs?: number;
  /** A new, valid pair was read. */
  onChange: (pair: KeyPair, cert: X509Certificate) => void;
  /** The files changed but could not be used (yet): the old certificate stays. */
  onError: (message: string) => void;
}

/**
 * Watches a certificate and key for changes. A half-written pair (new cert, old key) fails
 * validation and is retried on the next event or tick; the server keeps serving the old pair.
 */
export class CertWatcher {
  #last: string;
  #timer: NodeJS.Timeout | undefined;
  #watchers: FSWatcher[] = [];
  #debounce: NodeJS.Timeout | undefined;
  #checking: Promise<boolean> | undefined;
  #lastError: string | undefined;

  constructor(
    private readonly opts: CertWatcherOptions,
    initial: KeyPair,
  ) {
    this.#last = digest(initial);
  }

  start(): void {
    this.#timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 10_000);
    this.#timer.unref();
    for (const dir of new Set([dirname(this.opts.certFile), dirname(this.opts.keyFile)])) {
      try {
        const w = watch(dir, () => {
          clearTimeout(this.#debounce);
          this.#debounce = setTimeout(() => void this.check(), 100);
          this.#debounce.unref();
        });
        w.on('error', () => undefined);
        w.unref();
        this.#watchers.push(w);
      } catch {
        // polling still works
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  /** Reads the files now; true when a new certificate was installed. */
  check(): Promise<boolean> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(): Promise<boolean> {
    let pair: KeyPair;
    try {
      pair = await readKeyPair(this.opts.certFile, this.opts.keyFile);
    } catch (e) {
      this.#report(`cannot read ${this.opts.certFile} / ${this.opts.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return false;
    }
    const d = digest(pair);
    if (d === this.#last) return false;
    let x509: X509Certificate;
    try {
      x509 = validateKeyPair(pair);
    } catch (e) {
      this.#report((e as Error).message);
      return false;
    }
    this.#last = d;
    this.#lastError = undefined;
    this.opts.onChange(pair, x509);
    return true;
  }

  #report(message: string): void {
    if (message === this.#lastError) return; // once per distinct problem, not every tick
    this.#lastError = message;
    this.opts.onError(message);
  }
}
