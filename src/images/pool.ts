/**
 * One evidence store per distinct registry configuration: the profiles of an admission policy
 * (and the policy reloaded after a ConfigMap change) share one cache and one set of registry
 * connections, so a signature fetched for one profile is warm for the others.
 */
import { resolve } from 'node:path';
import type { RegistryPolicy } from './policy.js';
import { EvidenceStore, type StoreObserver } from './store.js';

export class EvidencePool {
  readonly #stores = new Map<string, EvidenceStore>();
  readonly #observer: StoreObserver | undefined;

  constructor(observer?: StoreObserver) {
    this.#observer = observer;
  }

  get(registry: RegistryPolicy, baseDir: string): EvidenceStore {
    const cacheDir = registry.cacheDir ? resolve(baseDir, registry.cacheDir) : undefined;
    const credentialFiles = registry.pullSecrets.map((f) => resolve(baseDir, f));
    const key = JSON.stringify({ ...registry, cacheDir, pullSecrets: credentialFiles });
    let store = this.#stores.get(key);
    if (!store) {
      store = new EvidenceStore(registry, { ...(cacheDir ? { cacheDir } : {}), credentialFiles, ...(this.#observer ? { observer: this.#observer } : {}) });
      this.#stores.set(key, store);
    }
    return store;
  }

  get stores(): readonly EvidenceStore[] {
    return [...this.#stores.values()];
  }
}
