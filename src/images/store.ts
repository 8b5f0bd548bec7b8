/**
 * Registry evidence for the image gate: tag → digest resolutions, the platform manifests of an
 * index, and signature material per digest, in a TTL cache (memory, plus a directory when
 * configured). Reads are synchronous (the checks run synchronously); filling is asynchronous and
 * deduplicated (concurrent admission requests for one image share one fetch). A registry that
 * failed is left alone for a few seconds, so an outage costs each request nothing, not its budget.
 */
import { durationMs, type RegistryPolicy, type SignatureFormat } from './policy.js';
import { formatReference, type ImageName } from './reference.js';
import { CredentialStore } from './registry/auth.js';
import { DigestCache } from './registry/cache.js';
import { isIndex, RegistryClient, RegistryError, type RegistryObserver } from './registry/client.js';
import { fetchSignatures } from './signature/fetch.js';
import type { SignatureMaterial } from './signature/material.js';

export interface StoreObserver extends RegistryObserver {
  /** A lookup the gate needed: fresh in the cache, stale (expired, refreshed or used if the registry fails), or missing. */
  cache(result: 'hit' | 'stale' | 'miss'): void;
}

interface Resolution {
  digest: string;
  /** Child manifest digests when the digest names an index (multi-arch image). */
  platforms: string[];
}

export interface Cached<T> {
  value: T;
  stale: boolean;
}

/** How long a registry that failed is not asked again. */
const HOST_BACKOFF_MS = 5_000;
/** Unsigned (nothing attached) is remembered at most this long: a signature may be pushed right after the image. */
const UNSIGNED_TTL_MS = 60_000;

export class EvidenceStore {
  readonly cache: DigestCache;
  readonly #policy: RegistryPolicy;
  readonly #credentialFiles: string[];
  readonly #observer: StoreObserver | undefined;
  #client: RegistryClient | undefined;
  readonly #extraCredentials: Array<{ text: string; where: string }> = [];
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #failures = new Map<string, string>();
  readonly #hostDown = new Map<string, { until: number; reason: string }>();
  readonly #ttl: number;
  readonly #tagTtl: number;
  readonly #timeout: number;

  /** `credentialFiles` are resolved paths of dockerconfigjson files. */
  constructor(policy: RegistryPolicy, opts: { cacheDir?: string; credentialFiles?: string[]; observer?: StoreObserver } = {}) {
    this.#policy = policy;
    this.cache = new DigestCache(opts.cacheDir);
    this.#credentialFiles = opts.credentialFiles ?? [];
    this.#observer = opts.observer;
    this.#ttl = durationMs(policy.cacheTTL);
    this.#tagTtl = durationMs(policy.tagTTL);
    this.#timeout = durationMs(policy.timeout);
  }

  get timeoutMs(): number {
    return this.#timeout;
  }

  /** Adds registry credentials (a dockerconfigjson document, e.g. a pod's pull secret) for later fetches. */
  addCredentials(dockerConfig: string, where: string): void {
    this.#extraCredentials.push({ text: dockerConfig, where });
    this.#client = undefined;
  }

  #credentials(): CredentialStore {
    const store = CredentialStore.fromFiles(this.#credentialFiles);
    for (const c of this.#extraCredentials) store.addDockerConfig(c.text, c.where);
    return store;
  }

  /** The client, built on first use (reading pull secrets can fail: that failure is the fetch's). */
  #registry(): RegistryClient {
    this.#client ??= new RegistryClient({
      timeoutMs: this.#timeout,
      mirrors: this.#policy.mirrors,
      insecure: this.#policy.insecure,
      credentials: this.#credentials(),
      observer: this.#observer,
      userAgent: 'kubeharden-image-gate',
    });
    return this.#client;
  }

  static tagKey(image: ImageName): string {
    return `tag:${image.name}:${image.tag ?? 'latest'}`;
  }

  static platformsKey(image: ImageName, digest: string): string {
    return `platforms:${image.name}@${digest}`;
  }

  static signaturesKey(image: ImageName, digest: string, formats: readonly SignatureFormat[]): string {
    return `sig:${image.name}@${digest}:${[...formats].sort().join('+')}`;
  }

  #read<T>(key: string, now: number): Cached<T> | undefined {
    const e = this.cache.get<T>(key);
    if (!e) return undefined;
    return { value: e.value, stale: e.expires <= now };
  }

  /** The digest of an image: its own, or a cached resolution of its tag. */
  digestOf(image: ImageName, now = Date.now()): Cached<string> | undefined {
    if (image.digest) return { value: image.digest, stale: false };
    const r = this.#read<Resolution>(EvidenceStore.tagKey(image), now);
    return r && { value: r.value.digest, stale: r.stale };
  }

  /** Platform manifest digests of a multi-arch image (empty for a single manifest). */
  platformsOf(image: ImageName, digest: string, now = Date.now()): string[] {
    if (!image.digest) {
      const r = this.#read<Resolution>(EvidenceStore.tagKey(image), now);
      if (r?.value.digest === digest) return r.value.platforms;
    }
    return this.#read<string[]>(EvidenceStore.platformsKey(image, digest), now)?.value ?? [];
  }

  signaturesOf(image: ImageName, digest: string, formats: readonly SignatureFormat[], now = Date.now()): Cached<SignatureMaterial> | undefined {
    return this.#read<SignatureMaterial>(EvidenceStore.signaturesKey(image, digest, formats), now);
  }

  /** Why the last attempt to fill a key failed (cleared when it succeeds). */
  failureOf(key: string): string | undefined {
    return this.#failures.get(key);
  }

  /** True while a fill of the key is in flight (a request whose budget ran out before it finished). */
  fetching(key: string): boolean {
    return this.#inflight.has(key);
  }

  /** Every failure of the last fills, for error reports (`scan` exits 2 on them). */
  failures(): Array<{ key: string; reason: string }> {
    return [...this.#failures].map(([key, reason]) => ({ key, reason }));
  }

  /** Runs `fill` for `key` unless a fresh entry exists; concurrent callers share one run. */
  #ensure(key: string, image: ImageName, now: number, fill: (client: RegistryClient) => Promise<void>): Promise<void> {
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) {
      this.#observer?.cache('hit');
      return Promise.resolve();
    }
    this.#observer?.cache(cached ? 'stale' : 'miss');
    let p = this.#inflight.get(key);
    if (p) return p;
    p = (async () => {
      const host = image.registry;
      const down = this.#hostDown.get(host);
      if (down && down.until > Date.now()) {
        this.#failures.set(key, down.reason);
        return;
      }
      try {
        await fill(this.#registry());
        this.#failures.delete(key);
        this.#hostDown.delete(host);
      } catch (e) {
        const reason = e instanceof RegistryError ? e.message : `${formatReference(image)}: ${(e as Error).message}`;
        this.#failures.set(key, reason);
        if (e instanceof RegistryError && (e.kind === 'unreachable' || e.kind === 'timeout')) this.#hostDown.set(host, { until: Date.now() + HOST_BACKOFF_MS, reason: `${reason} (not retried for ${HOST_BACKOFF_MS / 1000} s)` });
      }
    })().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  /** Resolves a tag to a digest (and the platforms of an index). */
  resolve(image: ImageName, signal?: AbortSignal, now = Date.now()): Promise<void> {
    if (image.digest) return Promise.resolve();
    const key = EvidenceStore.tagKey(image);
    return this.#ensure(key, image, now, async (client) => {
      const head = await client.resolve(image, image.tag ?? 'latest', signal);
      if (!head) throw new RegistryError('http', `${formatReference(image)}: no such tag in ${client.endpoints(image).join(', ')}`);
      // An index: its platform manifests, fetched by digest (so checked against it).
      const index = isIndex(head) ? await client.manifest(image, head.digest, signal) : undefined;
      this.cache.set<Resolution>(key, { digest: head.digest, platforms: index && isIndex(index) ? childDigests(index.json) : [] }, this.#tagTtl);
    });
  }

  /** The platform manifests of a digest (for reports of multi-arch images). */
  fetchPlatforms(image: ImageName, digest: string, signal?: AbortSignal, now = Date.now()): Promise<void> {
    const key = EvidenceStore.platformsKey(image, digest);
    return this.#ensure(key, image, now, async (client) => {
      const m = await client.manifest(image, digest, signal);
      if (!m) throw new RegistryError('http', `${image.name}@${digest}: no such manifest in ${client.endpoints(image).join(', ')}`);
      this.cache.set<string[]>(key, isIndex(m) ? childDigests(m.json) : [], this.#ttl);
    });
  }

  fetchSignatures(image: ImageName, digest: string, formats: readonly SignatureFormat[], signal?: AbortSignal, now = Date.now()): Promise<void> {
    const key = EvidenceStore.signaturesKey(image, digest, formats);
    return this.#ensure(key, image, now, async (client) => {
      const material = await fetchSignatures(client, image, digest, formats, signal);
      const nothing = material.cosign.length === 0 && material.bundles.length === 0;
      this.cache.set(key, material, nothing ? Math.min(this.#ttl, UNSIGNED_TTL_MS) : this.#ttl);
    });
  }
}

function childDigests(json: Record<string, unknown>): string[] {
  const list = Array.isArray(json.manifests) ? json.manifests : [];
  return list.map((d) => (typeof d === 'object' && d !== null ? (d as { digest?: unknown }).digest : undefined)).filter((d): d is string => typeof d === 'string');
}
