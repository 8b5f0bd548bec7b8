/**
 * A small OCI distribution client: manifests (images, indexes, Docker manifest lists), blobs and
 * referrers, over HTTPS (plain HTTP only for hosts listed as insecure), with the token and basic
 * auth handshakes, registry mirrors tried before the origin, a timeout on every request and a
 * size cap on every body. Everything fetched by digest is checked against the digest: a mirror
 * or registry that serves other bytes is an integrity error, never a result.
 */
import { apiHost, type ImageName } from '../reference.js';
import { basicAuthorization, parseChallenges, TokenCache, type Credential, type CredentialStore } from './auth.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST]);

/** Manifests are small (the distribution spec lets registries refuse more than 4 MiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export type RegistryErrorKind = 'timeout' | 'unreachable' | 'auth' | 'http' | 'integrity' | 'protocol';

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  json: Record<string, unknown>;
  /** The host that answered (a mirror or the registry itself). */
  from: string;
}

export interface RegistryObserver {
  /** One HTTP round trip (with its auth handshake), for latency metrics. */
  request(op: 'manifest' | 'blob' | 'referrers' | 'token', seconds: number, outcome: 'ok' | 'not_found' | 'error'): void;
}

export interface ClientOptions {
  /** Per HTTP request. */
  timeoutMs: number;
  mirrors?: Readonly<Record<string, readonly string[]>>;
  /** Hosts spoken to over plain HTTP. */
  insecure?: readonly string[];
  credentials?: CredentialStore;
  observer?: RegistryObserver;
  userAgent?: string;
}

export function isIndex(m: { mediaType: string }): boolean {
  return INDEX_TYPES.has(m.mediaType);
}

function digestOf(body: Buffer, algorithm: string): string {
  return `${algorithm}:${process.getBuiltinModule('node:crypto').createHash(algorithm).update(body).digest('hex')}`;
}

/** Reads a response body, refusing more than `max` bytes (an attacker-controlled server could send gigabytes). */
async function readCapped(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new RegistryError('protocol', `${what} is ${declared} bytes, more than the ${max} byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new RegistryError('protocol', `${what} is more than the ${max} byte limit`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** An IP literal in a private, loopback, link-local or unspecified range (names are not resolved here). */
export function privateAddress(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h.startsWith('::ffff:') ? h.slice(7) : h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (!h.includes(':')) return false;
  return h === '::1' || h === '::' || /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h);
}

function describeFailure(e: unknown, url: string, timeoutMs: number): RegistryError {
  if (e instanceof RegistryError) return e;
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return new RegistryError('timeout', `${new URL(url).host}: no answer within ${timeoutMs} ms`);
  if (err.name === 'AbortError') return new RegistryError('timeout', `${new URL(url).host}: request cancelled (time budget spent)`);
  const code = err.cause?.code ?? err.cause?.message ?? err.message;
  return new RegistryError('unreachable', `${new URL(url).host}: unreachable (${code})`);
}

interface RequestOptions {
  op: 'manifest' | 'blob' | 'referrers';
  method?: 'GET' | 'HEAD';
  accept?: string;
  scope: string;
  signal?: AbortSignal;
}

export class RegistryClient {
  readonly #opts: ClientOptions;
  readonly #tokens = new TokenCache();
  readonly #insecure: ReadonlySet<string>;

  constructor(opts: ClientOptions) {
    this.#opts = opts;
    this.#insecure = new Set((opts.insecure ?? []).map((h) => h.toLowerCase()));
  }

  /** The hosts to ask for an image, in order: its mirrors, then the registry itself. */
  endpoints(image: ImageName): string[] {
    return [...(this.#opts.mirrors?.[image.registry] ?? []), apiHost(image.registry)];
  }

  #url(host: string, path: string): string {
    return `${this.#insecure.has(host.toLowerCase()) ? 'http' : 'https'}://${host}/v2/${path}`;
  }

  /** A request with auth: a cached token first; on 401, the challenge is answered once and the request retried. */
  async #request(host: string, path: string, registry: string, o: RequestOptions): Promise<Response> {
    const url = this.#url(host, path);
    const tokenKey = `${host}\u0000${o.scope}`;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const cred = this.#opts.credentials?.get(registry) ?? this.#opts.credentials?.get(host);
    let authorization = this.#tokens.get(tokenKey);
    let res: Response;
    try {
      res = await this.#fetch(url, o, authorization);
      if (res.status === 401) {
        const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '');
        await res.body?.cancel();
        authorization = await this.#answer(challenges, cred, o, host, tokenKey);
        res = await this.#fetch(url, o, authorization);
        if (res.status === 401 || res.status === 403) {
          await res.body?.cancel();
          throw new RegistryError('auth', `${host}: access denied to ${o.scope.split(':')[1]}${cred ? ' with the configured credentials' : ' (no credentials configured for this registry)'}`);
        }
      }
    } catch (e) {
      this.#opts.observer?.request(o.op, seconds(), 'error');
      throw describeFailure(e, url, this.#opts.timeoutMs);
    }
    this.#opts.observer?.request(o.op, seconds(), res.status === 404 ? 'not_found' : res.ok ? 'ok' : 'error');
    return res;
  }

  /** fetch with the timeout, following redirects by hand: Authorization never leaves the registry's origin. */
  async #fetch(url: string, o: RequestOptions, authorization: string | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
    const origin = new URL(url).origin;
    let target = url;
    for (let i = 0; i <= MAX_REDIRECTS; i++) {
      const headers: Record<string, string> = { 'user-agent': this.#opts.userAgent ?? 'kubeharden' };
      if (o.accept) headers.accept = o.accept;
      if (authorization && new URL(target).origin === origin) headers.authorization = authorization;
      const res = await fetch(target, { method: o.method ?? 'GET', headers, signal, redirect: 'manual' });
      if (res.status < 300 || res.status >= 400 || !res.headers.get('location')) return res;
      await res.body?.cancel();
      const next = new URL(res.headers.get('location') as string, target);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.#insecure.has(next.host.toLowerCase()))) {
        throw new RegistryError('protocol', `${new URL(url).host}: redirected to a non-HTTPS location`);
      }
      target = next.toString();
    }
    throw new RegistryError('protocol', `${new URL(url).host}: more than ${MAX_REDIRECTS} redirects`);
  }

  /** The Authorization for a 401's challenges: a bearer token from the realm, or basic credentials. */
  async #answer(challenges: readonly { scheme: string; params: Record<string, string> }[], cred: Credential | undefined, o: RequestOptions, host: string, tokenKey: string): Promise<string> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      const token = await this.#token(bearer.params, cred, o, host);
      this.#tokens.set(tokenKey, `Bearer ${token.token}`, token.expiresIn);
      return `Bearer ${token.token}`;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (!cred?.username) throw new RegistryError('auth', `${host}: the registry asks for credentials and none are configured (registry.pullSecrets)`);
      return basicAuthorization(cred);
    }
    throw new RegistryError('auth', `${host}: 401 without a Bearer or Basic challenge`);
  }

  async #token(params: Record<string, string>, cred: Credential | undefined, o: RequestOptions, host: string): Promise<{ token: string; expiresIn?: number }> {
    const realm = params.realm;
    if (!realm) throw new RegistryError('auth', `${host}: Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError('auth', `${host}: Bearer realm is not a URL`);
    }
    // Credentials go to the token service only over HTTPS (plain HTTP only for a registry marked
    // insecure), and a registry may not point the webhook at internal addresses (the cloud
    // metadata service, the pod network): a realm on a private, loopback or link-local IP is
    // refused unless it is the registry's own host (go-containerregistry's rule).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#insecure.has(host.toLowerCase()))) {
      throw new RegistryError('auth', `${host}: token realm ${url.host} is not HTTPS`);
    }
    if (url.host.toLowerCase() !== host.toLowerCase() && privateAddress(url.hostname)) {
      throw new RegistryError('auth', `${host}: token realm ${url.host} is a private, loopback or link-local address`);
    }
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? o.scope);
    const headers: Record<string, string> = { 'user-agent': this.#opts.userAgent ?? 'kubeharden', accept: 'application/json' };
    if (cred?.username !== undefined) headers.authorization = basicAuthorization(cred);
    const started = process.hrtime.bigint();
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout, redirect: 'error' });
    } catch (e) {
      this.#opts.observer?.request('token', Number(process.hrtime.bigint() - started) / 1e9, 'error');
      throw describeFailure(e, url.toString(), this.#opts.timeoutMs);
    }
    this.#opts.observer?.request('token', Number(process.hrtime.bigint() - started) / 1e9, res.ok ? 'ok' : 'error');
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new RegistryError('auth', `${host}: the token service ${url.host} refused ${cred ? 'the configured credentials' : 'anonymous access'}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError('http', `${host}: the token service ${url.host} answered ${res.status}`);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readCapped(res, 1024 * 1024, 'token response')).toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryError('protocol', `${host}: the token service answered something other than JSON`);
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError('protocol', `${host}: the token service answered without a token`);
    return { token, expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined };
  }

  /**
   * Tries each endpoint (mirrors, then the registry) until one answers. A mirror's failure or
   * 404 moves on to the next; the registry's own answer is final.
   */
  async #first<T>(image: ImageName, attempt: (host: string) => Promise<T | undefined>): Promise<T | undefined> {
    const hosts = this.endpoints(image);
    let lastError: RegistryError | undefined;
    for (let i = 0; i < hosts.length; i++) {
      const last = i === hosts.length - 1;
      try {
        const r = await attempt(hosts[i]);
        if (r !== undefined || last) return r;
      } catch (e) {
        if (!(e instanceof RegistryError) || e.kind === 'integrity' || last) throw e;
        lastError = e;
      }
    }
    if (lastError) throw lastError;
    return undefined;
  }

  /**
   * A manifest by tag or digest; undefined when it does not exist. Fetched by digest, the body
   * must hash to it; fetched by tag, its digest is computed from the body (a Docker-Content-Digest
   * header that disagrees is an integrity error).
   */
  async manifest(image: ImageName, reference: string, signal?: AbortSignal): Promise<Manifest | undefined> {
    const byDigest = reference.includes(':');
    return this.#first(image, async (host) => {
      const res = await this.#request(host, `${image.repository}/manifests/${reference}`, image.registry, { op: 'manifest', accept: MANIFEST_ACCEPT, scope: `repository:${image.repository}:pull`, signal });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new RegistryError('http', `${host}: manifest ${image.repository}:${reference} answered ${res.status}`);
      }
      const body = await readCapped(res, MAX_MANIFEST_BYTES, 'manifest');
      const algorithm = byDigest ? reference.split(':')[0] : 'sha256';
      if (!['sha256', 'sha512'].includes(algorithm)) throw new RegistryError('protocol', `unsupported digest algorithm ${algorithm}`);
      const digest = digestOf(body, algorithm);
      if (byDigest && digest !== reference) throw new RegistryError('integrity', `${host}: manifest ${image.repository}@${reference} has content with digest ${digest}`);
      const header = res.headers.get('docker-content-digest');
      if (!byDigest && header && header.startsWith('sha256:') && header !== digest) throw new RegistryError('integrity', `${host}: manifest ${image.repository}:${reference} is announced as ${header} but hashes to ${digest}`);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new RegistryError('protocol', `${host}: manifest ${image.repository}:${reference} is not JSON`);
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RegistryError('protocol', `${host}: manifest ${image.repository}:${reference} is not a JSON object`);
      const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (res.headers.get('content-type') ?? '').split(';')[0].trim();
      return { digest, mediaType, body, json, from: host };
    });
  }

  /**
   * A tag's digest and media type by HEAD (`Docker-Content-Digest`): Docker Hub does not count a
   * HEAD against its pull rate limit. Falls back to GET (and hashes the body) when the registry
   * sends no digest. Undefined when the tag does not exist.
   */
  async resolve(image: ImageName, tag: string, signal?: AbortSignal): Promise<{ digest: string; mediaType: string } | undefined> {
    const head = await this.#first(image, async (host) => {
      const res = await this.#request(host, `${image.repository}/manifests/${tag}`, image.registry, { op: 'manifest', method: 'HEAD', accept: MANIFEST_ACCEPT, scope: `repository:${image.repository}:pull`, signal });
      await res.body?.cancel();
      if (res.status === 404) return undefined;
      if (!res.ok) throw new RegistryError('http', `${host}: manifest ${image.repository}:${tag} answered ${res.status}`);
      const digest = res.headers.get('docker-content-digest') ?? '';
      return { digest, mediaType: (res.headers.get('content-type') ?? '').split(';')[0].trim() };
    });
    if (!head) return undefined;
    if (/^sha256:[a-f0-9]{64}$/.test(head.digest)) return head;
    const m = await this.manifest(image, tag, signal);
    return m && { digest: m.digest, mediaType: m.mediaType };
  }

  /** A blob by digest, at most `max` bytes, checked against the digest. */
  async blob(image: ImageName, digest: string, max: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.#first(image, async (host) => {
      const res = await this.#request(host, `${image.repository}/blobs/${digest}`, image.registry, { op: 'blob', scope: `repository:${image.repository}:pull`, signal });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new RegistryError('http', `${host}: blob ${image.repository}@${digest} answered ${res.status}`);
      }
      const body = await readCapped(res, max, `blob ${digest}`);
      const algorithm = digest.split(':')[0];
      if (!['sha256', 'sha512'].includes(algorithm)) throw new RegistryError('protocol', `unsupported digest algorithm ${algorithm}`);
      const actual = digestOf(body, algorithm);
      if (actual !== digest) throw new RegistryError('integrity', `${host}: blob ${image.repository}@${digest} has content with digest ${actual}`);
      return body;
    });
  }

  /**
   * Manifests that refer to `digest` (OCI 1.1): the referrers API, or, on registries without it
   * (404), the fallback tag `sha256-<hex>` holding an index of them. Not filtered by artifact
   * type: writers disagree on it (go-containerregistry indexes cosign bundles under their empty
   * config's type), so callers look at each manifest, as cosign does.
   */
  async referrers(image: ImageName, digest: string, signal?: AbortSignal): Promise<Descriptor[]> {
    const fromIndex = (json: Record<string, unknown>): Descriptor[] => {
      const list = Array.isArray(json.manifests) ? json.manifests : [];
      return list.filter((d): d is Descriptor => typeof d === 'object' && d !== null && typeof (d as Descriptor).digest === 'string');
    };
    const api = await this.#first(image, async (host) => {
      const res = await this.#request(host, `${image.repository}/referrers/${digest}`, image.registry, { op: 'referrers', accept: OCI_INDEX, scope: `repository:${image.repository}:pull`, signal });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new RegistryError('http', `${host}: referrers of ${image.repository}@${digest} answered ${res.status}`);
      }
      try {
        return fromIndex(JSON.parse((await readCapped(res, MAX_MANIFEST_BYTES, 'referrers index')).toString('utf8')) as Record<string, unknown>);
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        throw new RegistryError('protocol', `${host}: referrers of ${image.repository}@${digest} is not JSON`);
      }
    });
    if (api) return api;
    const fallback = await this.manifest(image, digest.replace(':', '-'), signal);
    return fallback && isIndex(fallback) ? fromIndex(fallback.json) : [];
  }
}
