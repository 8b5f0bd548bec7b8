// The OCI client against faults a real registry does not produce on demand: content that does
// not hash to its digest, oversized bodies, a registry that never answers, redirects to another
// origin, a mirror that is down. The protocol itself (token auth, manifests, referrers, pushes by
// crane and cosign) is tested against the real distribution registry in test/e2e/images.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { parseReference, type ImageName } from '../reference.js';
import { CredentialStore, parseChallenges } from './auth.js';
import { privateAddress, RegistryClient, RegistryError } from './client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.closeAllConnections?.();
  for (const s of servers) s.close();
});

async function serve(handler: Handler): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const ref = (host: string, rest = 'acme/app:v1'): ImageName => parseReference(`${host}/${rest}`) as ImageName;
const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }));

async function rejects(p: Promise<unknown>, kind: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof RegistryError && e.kind === kind && re.test(e.message));
}

describe('WWW-Authenticate and credentials', () => {
  it('parses bearer and basic challenges, quoted and not, several in one header', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
    assert.deepEqual(parseChallenges('Basic realm="Registry Realm", Bearer realm=https://t.example/token, service=reg'), [
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'reg' } },
    ]);
    assert.deepEqual(parseChallenges('Bearer realm="a\\"b"'), [{ scheme: 'bearer', params: { realm: 'a"b' } }]);
  });

  it('reads dockerconfigjson in its spellings; Docker Hub keys are docker.io; errors never quote the document', () => {
    const store = new CredentialStore();
    store.addDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:s3cret').toString('base64') },
          'ghcr.io': { username: 'u', password: 'p' },
          'registry.example.com:5000': { identitytoken: 'refresh' },
        },
      }),
      'test',
    );
    assert.deepEqual(store.get('registry-1.docker.io'), { username: 'hub', password: 's3cret' });
    assert.deepEqual(store.get('ghcr.io'), { username: 'u', password: 'p' });
    assert.deepEqual(store.get('registry.example.com:5000'), { identityToken: 'refresh' });
    assert.throws(() => store.addDockerConfig('{"auths": {"x": {"auth": "' + Buffer.from('nocolon-s3cret').toString('base64') + '"}}}', 'pull secret p'), (e: Error) => /not base64 of user:password/.test(e.message) && !e.message.includes('s3cret'));
    assert.throws(() => store.addDockerConfig('not json s3cret', 'pull secret p'), (e: Error) => !e.message.includes('s3cret'));
  });
});

describe('integrity', () => {
  it('a manifest fetched by digest must hash to it', async () => {
    const host = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(MANIFEST));
    const client = new RegistryClient({ timeoutMs: 2000, insecure: [host] });
    const wrong = `sha256:${'a'.repeat(64)}`;
    await rejects(client.manifest(ref(host), wrong), 'integrity', new RegExp(`has content with digest ${sha(MANIFEST)}`));
    assert.equal((await client.manifest(ref(host), sha(MANIFEST)))?.digest, sha(MANIFEST));
  });

  it('a tag whose Docker-Content-Digest disagrees with the body is refused', async () => {
    const host = await serve((_req, res) => res.writeHead(200, { 'docker-content-digest': `sha256:${'b'.repeat(64)}` }).end(MANIFEST));
    await rejects(new RegistryClient({ timeoutMs: 2000, insecure: [host] }).manifest(ref(host), 'v1'), 'integrity', /is announced as sha256:b+ but hashes to/);
  });

  it('a tag resolves by HEAD (no pull counted), or by GET and hashing when the registry sends no digest', async () => {
    const methods: string[] = [];
    const withHeader = await serve((req, res) => {
      methods.push(req.method ?? '');
      res.writeHead(200, { 'docker-content-digest': sha(MANIFEST), 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(req.method === 'HEAD' ? undefined : MANIFEST);
    });
    assert.deepEqual(await new RegistryClient({ timeoutMs: 2000, insecure: [withHeader] }).resolve(ref(withHeader), 'v1'), { digest: sha(MANIFEST), mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    assert.deepEqual(methods, ['HEAD']);
    const bare = await serve((req, res) => res.writeHead(200).end(req.method === 'HEAD' ? undefined : MANIFEST));
    assert.equal((await new RegistryClient({ timeoutMs: 2000, insecure: [bare] }).resolve(ref(bare), 'v1'))?.digest, sha(MANIFEST));
  });

  it('a blob must hash to its digest, and may not exceed its size cap', async () => {
    const blob = Buffer.from('payload');
    const host = await serve((req, res) => {
      if (req.url?.includes('/blobs/')) res.writeHead(200).end(req.url.endsWith('big') ? Buffer.alloc(2048) : blob);
      else res.writeHead(404).end();
    });
    const client = new RegistryClient({ timeoutMs: 2000, insecure: [host] });
    assert.deepEqual(await client.blob(ref(host), sha(blob), 1024), blob);
    await rejects(client.blob(ref(host), `sha256:${'c'.repeat(64)}`, 1024), 'integrity', /has content with digest/);
  });

  it('an oversized manifest is refused without reading it all', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(64 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    await rejects(new RegistryClient({ timeoutMs: 2000, insecure: [host] }).manifest(ref(host), 'v1'), 'protocol', /more than the 4194304 byte limit/);
  });
});

describe('time limits and reachability', () => {
  it('a registry that never answers fails within the timeout', async () => {
    const host = await serve(() => undefined);
    const t = Date.now();
    await rejects(new RegistryClient({ timeoutMs: 300, insecure: [host] }).manifest(ref(host), 'v1'), 'timeout', /no answer within 300 ms/);
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
  });

  it('a closed port is unreachable', async () => {
    const host = await serve(() => undefined);
    const dead = servers.pop() as Server;
    dead.close();
    await rejects(new RegistryClient({ timeoutMs: 1000, insecure: [host] }).manifest(ref(host), 'v1'), 'unreachable', /unreachable \(ECONNREFUSED\)/);
  });

  it('only hosts listed as insecure are spoken to over plain HTTP', async () => {
    const host = await serve((_req, res) => res.writeHead(200).end(MANIFEST));
    // Without the insecure entry the client speaks TLS to a plain HTTP server: an error, never a downgrade.
    await assert.rejects(new RegistryClient({ timeoutMs: 1000 }).manifest(ref(host), 'v1'), RegistryError);
  });
});

describe('mirrors and redirects', () => {
  it('a mirror that is down or lacks the manifest falls through to the registry', async () => {
    const origin = await serve((_req, res) => res.writeHead(200).end(MANIFEST));
    const empty = await serve((_req, res) => res.writeHead(404).end());
    const down = await serve(() => undefined);
    const image = ref(origin);
    const client = new RegistryClient({ timeoutMs: 300, insecure: [origin, empty, down], mirrors: { [origin]: [down, empty] } });
    assert.deepEqual(client.endpoints(image), [down, empty, origin]);
    assert.equal((await client.manifest(image, 'v1'))?.from, origin);
  });

  it('Authorization is not sent along a redirect to another origin', async () => {
    const seen: Array<string | undefined> = [];
    const cdn = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200).end('data');
    });
    const reg = await serve((req, res) => {
      if (!req.headers.authorization) return res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      res.writeHead(307, { location: `http://${cdn}/blob` }).end();
    });
    const creds = new CredentialStore();
    creds.addDockerConfig(JSON.stringify({ auths: { [reg]: { username: 'u', password: 'p' } } }), 'test');
    const blob = await new RegistryClient({ timeoutMs: 2000, insecure: [reg, cdn], credentials: creds }).blob(ref(reg), sha('data'), 100);
    assert.equal(blob?.toString(), 'data');
    assert.deepEqual(seen, [undefined]);
  });
});

describe('the bearer token handshake', () => {
  it('answers the challenge at the realm with the credentials, then reuses the token', async () => {
    let tokenRequests = 0;
    let host = '';
    host = await serve((req, res) => {
      if (req.url?.startsWith('/token')) {
        tokenRequests++;
        const url = new URL(req.url, 'http://x');
        assert.equal(url.searchParams.get('scope'), 'repository:acme/app:pull');
        assert.equal(url.searchParams.get('service'), 'test-registry');
        if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) return res.writeHead(401).end();
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'T0K3N', expires_in: 300 }));
      }
      if (req.headers.authorization !== 'Bearer T0K3N') return res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry",scope="repository:acme/app:pull"` }).end();
      res.writeHead(200).end(MANIFEST);
    });
    const creds = new CredentialStore();
    creds.addDockerConfig(JSON.stringify({ auths: { [host]: { username: 'u', password: 'p' } } }), 'test');
    const client = new RegistryClient({ timeoutMs: 2000, insecure: [host], credentials: creds });
    await client.manifest(ref(host), 'v1');
    await client.manifest(ref(host), 'v2');
    assert.equal(tokenRequests, 1);
    await rejects(new RegistryClient({ timeoutMs: 2000, insecure: [host] }).manifest(ref(host), 'v1'), 'auth', /refused anonymous access/);
  });

  it('a registry may not send the token request to an internal address (SSRF), only to itself or a public host', async () => {
    for (const realm of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/token', 'http://[::1]:8080/token', 'http://127.0.0.2:5000/token']) {
      const host = await serve((_req, res) => res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="s"` }).end());
      await rejects(new RegistryClient({ timeoutMs: 2000, insecure: [host] }).manifest(ref(host), 'v1'), 'auth', /is a private, loopback or link-local address/);
    }
    assert.equal(privateAddress('registry.example.com'), false);
    assert.equal(privateAddress('8.8.8.8'), false);
    assert.equal(privateAddress('172.32.0.1'), false);
    assert.equal(privateAddress('::ffff:192.168.1.1'), true);
  });
});
