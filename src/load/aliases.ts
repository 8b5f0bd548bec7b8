/**
 * YAML aliases that cannot be expanded: one that names no anchor (`<<: [*undefined]`), one inside
 * the node it refers to (a cycle), and alias bombs ("billion laughs": nine aliases of nine aliases
 * of … expand to billions of values from a few hundred bytes). Found on the parsed document, before
 * anything expands it, and located at the alias itself: the document is then reported and skipped,
 * and no check ever meets an object that throws when it is read.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Alias, type Document, type Node } from 'yaml';

/** Values a document may build through aliases: far above any real manifest, far below a bomb. */
export const MAX_ALIAS_EXPANSION = 1_000_000;

export interface AliasProblem {
  /** Offset of the alias in the text the document was parsed from. */
  offset: number;
  message: string;
}

interface AliasUse {
  alias: Alias;
  /** The anchored node, as the YAML spec resolves it: the last anchor of that name before the alias. */
  target: Node | undefined;
}

/** Aliases of `doc` in document order, each with the node it refers to. */
function aliasUses(doc: Document): AliasUse[] {
  const anchors = new Map<string, Node>();
  const uses: AliasUse[] = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) uses.push({ alias: node, target: anchors.get(node.source) });
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return uses;
}

/** How many values a node expands to (aliases expanded); Infinity for a cycle. Memoized per node. */
function expansionSizes(uses: readonly AliasUse[]): (node: unknown) => number {
  const targets = new Map(uses.map((u) => [u.alias, u.target]));
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (active.has(node)) return Infinity;
    active.add(node);
    let n = 1;
    if (isAlias(node)) n = size(targets.get(node));
    else if (isPair(node)) n = size(node.key) + size(node.value);
    else if (isMap(node) || isSeq(node)) for (const item of node.items) n += size(item);
    else if (!isScalar(node)) n = 1;
    active.delete(node);
    // Capped: the exact size of a bomb does not matter, and 9^30 is not a useful number.
    if (n !== Infinity) n = Math.min(n, MAX_ALIAS_EXPANSION * 10);
    memo.set(node, n);
    return n;
  };
  return size;
}

function offsetOf(alias: Alias): number {
  return alias.range?.[0] ?? 0;
}

/**
 * The first alias of `doc` that cannot be expanded safely, or undefined. `aliases` tells whether
 * the document has any (only those are expanded eagerly by the caller).
 */
export function aliasProblem(doc: Document): { problem?: AliasProblem; aliases: number } {
  const uses = aliasUses(doc);
  if (uses.length === 0) return { aliases: 0 };
  for (const u of uses) {
    if (!u.target) {
      return { aliases: uses.length, problem: { offset: offsetOf(u.alias), message: `alias *${u.alias.source} refers to no anchor: an anchor (&${u.alias.source}) must come before its alias, in the same document` } };
    }
  }
  const size = expansionSizes(uses);
  let total = 0;
  for (const u of uses) {
    const n = size(u.target);
    if (n === Infinity) {
      return { aliases: uses.length, problem: { offset: offsetOf(u.alias), message: `alias *${u.alias.source} is inside the node it refers to: it would expand forever` } };
    }
    total += n;
    if (total > MAX_ALIAS_EXPANSION) {
      return {
        aliases: uses.length,
        problem: { offset: offsetOf(u.alias), message: `alias bomb: with alias *${u.alias.source} the document expands to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values (a "billion laughs" attack?)` },
      };
    }
  }
  return { aliases: uses.length };
}

/** Where to point when expanding failed for another reason: the alias that expands most. */
export function largestAlias(doc: Document): number | undefined {
  const uses = aliasUses(doc);
  const size = expansionSizes(uses);
  let best: AliasUse | undefined;
  let bestSize = -1;
  for (const u of uses) {
    const n = size(u.target);
    if (n > bestSize) {
      best = u;
      bestSize = n;
    }
  }
  return best ? offsetOf(best.alias) : undefined;
}
