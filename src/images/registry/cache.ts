/**
 * What was fetched from registries, keyed by digest (signatures of `repo@sha256:…`) or by tag
 * (tag → digest), each entry with an expiry. In memory, and optionally in a directory: `images
 * prefetch` fills the directory, the webhook reads it at start-up, so a warm cache survives
 * restarts and registry outages. An expired entry is still returned (marked stale): the caller
 * refreshes it, and uses it only when the registry cannot be reached.
 */
import { join } from 'node:path';

// node:crypto and node:fs/promises are loaded on first use: every scan loads the image checks,
// few use this cache, and the two modules (with the stream modules they pull in) cost ~5 ms of
// a small scan's start-up.
const crypto = () => process.getBuiltinModule('node:crypto');
const fsp = () => process.getBuiltinModule('node:fs/promises');

export interface CacheEntry<T> {
  value: T;
  /** ms since the epoch. */
  expires: number;
  stored: number;
}

const FORMAT = 1;
/** Memory bound: a cluster runs far fewer distinct images; past it the oldest entries go first. */
const MAX_ENTRIES = 20_000;

function fileName(key: string): string {
  return `${crypto().createHash('sha256').update(key).digest('hex')}.json`;
}

export class DigestCache {
  readonly #memory = new Map<string, CacheEntry<unknown>>();
  readonly #dir: string | undefined;
  readonly #writes = new Set<Promise<void>>();
  #dirReady: Promise<unknown> | undefined;
  /** Disk write failures (a read-only or full volume): reported, never fatal. */
  readonly writeErrors: string[] = [];

  constructor(dir?: string) {
    this.#dir = dir;
  }

  get dir(): string | undefined {
    return this.#dir;
  }

  get size(): number {
    return this.#memory.size;
  }

  get<T>(key: string): CacheEntry<T> | undefined {
    return this.#memory.get(key) as CacheEntry<T> | undefined;
  }

  set<T>(key: string, value: T, ttlMs: number, now = Date.now()): void {
    const entry: CacheEntry<T> = { value, expires: now + ttlMs, stored: now };
    this.#memory.delete(key);
    if (this.#memory.size >= MAX_ENTRIES) this.#memory.delete(this.#memory.keys().next().value as string);
    this.#memory.set(key, entry);
    if (this.#dir) this.#track(this.#write(key, entry));
  }

  #track(p: Promise<void>): void {
    this.#writes.add(p);
    void p.finally(() => this.#writes.delete(p));
  }

  /** Written to a temporary name and renamed: a reader never sees half a file. */
  async #write(key: string, entry: CacheEntry<unknown>): Promise<void> {
    const dir = this.#dir as string;
    try {
      this.#dirReady ??= fsp().mkdir(dir, { recursive: true, mode: 0o700 });
      await this.#dirReady;
      const file = join(dir, fileName(key));
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fsp().writeFile(tmp, JSON.stringify({ format: FORMAT, key, ...entry }), { mode: 0o600 });
      await fsp().rename(tmp, file);
    } catch (e) {
      if (this.writeErrors.length < 20) this.writeErrors.push(`image cache ${dir}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  /** Waits for pending disk writes (prefetch exits only once its cache is on disk). */
  async flush(): Promise<void> {
    while (this.#writes.size) await Promise.all([...this.#writes]);
  }

  /**
   * Reads every entry of the directory into memory (entries already in memory win). Unreadable
   * or foreign files are skipped and counted: a damaged file is a miss, not an answer.
   */
  async load(): Promise<{ loaded: number; skipped: number }> {
    if (!this.#dir) return { loaded: 0, skipped: 0 };
    let names: string[];
    try {
      names = await fsp().readdir(this.#dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { loaded: 0, skipped: 0 };
      throw new Error(`image cache ${this.#dir}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    let loaded = 0;
    let skipped = 0;
    for (const name of names) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue;
      try {
        const doc = JSON.parse(await fsp().readFile(join(this.#dir, name), 'utf8')) as { format?: number; key?: unknown; value?: unknown; expires?: unknown; stored?: unknown };
        if (doc.format !== FORMAT || typeof doc.key !== 'string' || fileName(doc.key) !== name || typeof doc.expires !== 'number' || typeof doc.stored !== 'number') {
          skipped++;
          continue;
        }
        if (!this.#memory.has(doc.key)) {
          this.#memory.set(doc.key, { value: doc.value, expires: doc.expires, stored: doc.stored });
          loaded++;
        }
      } catch {
        skipped++;
      }
    }
    return { loaded, skipped };
  }
}
