// Test PKI for one cluster: a throwaway CA, the apiserver's serving cert, the
// ServiceAccount token signing key pair, and serving certs for test webhooks.
// openssl does the X.509 work because node:crypto cannot issue certificates.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  caFile: string;
  caKeyFile: string;
  caPem: string;
  servingCertFile: string;
  servingKeyFile: string;
  saPublicKeyFile: string;
  saPrivateKeyFile: string;
}

export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}

/** Subject alternative names as openssl's `subjectAltName` value: IPs as IP:, the rest as DNS:. */
export function sanList(names: string[]): string {
  return names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

/** Issues a serverAuth certificate for `sans`, signed by the CA in `dir` (files written there). */
export async function issueServingCert(dir: string, caFile: string, caKeyFile: string, name: string, sans: string[]): Promise<IssuedCert> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${sanList(sans)}`,
      '',
    ].join('\n'),
  );
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${sans[0] ?? name}`]);
  await openssl([
    'x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKeyFile, '-out', certFile, '-days', '7', '-sha256',
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-extfile', ext,
  ]);
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
}

export async function createPki(dir: string): Promise<Pki> {
  const caFile = join(dir, 'ca.crt');
  const caKeyFile = join(dir, 'ca.key');
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKeyFile, '-out', caFile,
    '-days', '7', '-subj', '/CN=kubeharden-test-ca', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  // The names a client inside or outside the cluster could use for the apiserver;
  // 10.0.0.1 is the in-cluster `kubernetes` Service IP (allocated, never contacted).
  const serving = await issueServingCert(dir, caFile, caKeyFile, 'apiserver', [
    '127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.0.0.1',
  ]);
  // ServiceAccount tokens: the apiserver signs with the private key and verifies with
  // the public one; the controller-manager signs too (legacy token controller).
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saPublicKeyFile = join(dir, 'sa.pub');
  const saPrivateKeyFile = join(dir, 'sa.key');
  await writeFile(saPublicKeyFile, sa.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(saPrivateKeyFile, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    caFile,
    caKeyFile,
    caPem: await readFile(caFile, 'utf8'),
    servingCertFile: serving.certFile,
    servingKeyFile: serving.keyFile,
    saPublicKeyFile,
    saPrivateKeyFile,
  };
}
