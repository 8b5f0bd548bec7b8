/**
 * The check ids a run knows, for resolving the ids users write (--checks, config enable/disable/
 * only/severity/exemptions, webhook policies, ignore.kubeharden.io annotations): matched without
 * case, former ids (meta.aliases) accepted with a deprecation warning, unknown ids refused with a
 * suggestion. Built from the caller's checks: the engine knows no check by name.
 */
import { minimatch } from 'minimatch';
import { closest, didYouMean } from './did-you-mean.js';
import type { Check } from './types.js';

export interface ResolvedId {
  /** The check's id. */
  id: string;
  /** The former id that was written, when it was one. */
  deprecated?: string;
}

export class CheckCatalog {
  readonly ids: readonly string[];
  readonly #byUpper = new Map<string, ResolvedId>();
  readonly #aliases = new Map<string, readonly string[]>();

  constructor(checks: readonly Check[]) {
    this.ids = checks.map((c) => c.meta.id);
    for (const c of checks) {
      this.#byUpper.set(c.meta.id.toUpperCase(), { id: c.meta.id });
      const aliases = c.meta.aliases ?? [];
      this.#aliases.set(c.meta.id, aliases);
      for (const a of aliases) this.#byUpper.set(a.toUpperCase(), { id: c.meta.id, deprecated: a });
    }
  }

  /** The check an id names (case-insensitive; a former id resolves to the current one), or undefined. */
  resolve(id: string): ResolvedId | undefined {
    return this.#byUpper.get(id.trim().toUpperCase());
  }

  /** The former ids of a check. */
  aliasesOf(id: string): readonly string[] {
    return this.#aliases.get(id) ?? [];
  }

  /** The ids a glob matches (`CTR-*`, `*`), as exemptions match findings. */
  matching(glob: string): string[] {
    return this.ids.filter((id) => glob === '*' || minimatch(id, glob));
  }

  /** ` (did you mean "IMG-TAG"?)`, or ''. */
  suggest(id: string): string {
    return didYouMean(id, this.ids);
  }

  /** The closest ids, for callers that word their own message. */
  closest(id: string): string[] {
    return closest(id, this.ids);
  }
}

/** A message for a former id: what to write instead. */
export function deprecationNote(origin: string, r: ResolvedId): string {
  return `${origin}: check id ${r.deprecated} is deprecated, use ${r.id}`;
}
