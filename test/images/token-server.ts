/**
 * A token service for the test registry, as the Docker token spec describes it (what
 * docker_auth or a cloud registry's auth endpoint does): GET /token?service=…&scope=… with Basic
 * credentials answers an ES256 JWT granting the requested scope; the registry verifies it with
 * the JWKS written here. Anonymous or wrong credentials get 401. It counts its requests, so the
 * tests see kubeharden reuse a token instead of asking for one per request.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TokenAuth } from './registry.js';

export interface TokenServer extends TokenAuth {
  username: string;
  password: string;
  requests: () => number;
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startTokenServer(dir: string): Promise<TokenServer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'kubeharden-test-key';
  const jwksFile = join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }));
  const service = 'kubeharden-test-registry';
  const issuer = 'kubeharden-test-issuer';
  const username = 'ci-bot';
  const password = randomUUID();
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') return res.writeHead(404).end();
    if (req.headers.authorization !== `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`) return res.writeHead(401).end();
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, name, actions] = scope.split(':');
      return { type, name, actions: actions.split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: username, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const sig = sign('sha256', Buffer.from(`${header}.${claims}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${b64url(sig)}`, expires_in: 300 }));
  });
  // Reached as "localhost" (both loopbacks): a realm on a loopback IP literal other than the
  // registry's own host is refused by clients (crane, cosign and kubeharden alike) as SSRF.
  await new Promise<void>((resolve, reject) => {
    server.once('error', () => server.listen(0, '127.0.0.1', resolve));
    server.listen({ port: 0, host: '::', ipv6Only: false }, resolve);
    void reject;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://localhost:${port}/token`,
    service,
    issuer,
    jwksFile,
    username,
    password,
    requests: () => count,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
