/**
 * Path → source region, on the yaml library's AST. A finding points at the key of the
 * offending field; when the field does not exist it points at the nearest existing ancestor
 * (the container entry or pod spec where the field must be added).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Path, Region } from './types.js';

type Range = readonly [number, number, number];

function regionOf(lineCounter: LineCounter, start: number, end: number): Region {
  const a = lineCounter.linePos(start);
  const b = lineCounter.linePos(Math.max(start, end));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

function keyMatches(key: unknown, segment: string | number): boolean {
  if (isScalar(key)) return String(key.value) === String(segment);
  return false;
}

/** Follows `path` from `root`; returns the region of the deepest node reached. */
export function locateInDocument(doc: Document, root: Node | null, path: Path, lineCounter: LineCounter): Region {
  let node: unknown = root;
  // The region to report if the walk stops here: starts as the whole object.
  const rootRange = (root?.range ?? doc.range) as Range;
  let best = regionOf(lineCounter, rootRange[0], rootRange[1]);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, segment));
      if (!pair) return best;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      const keyRange = key?.range as Range | undefined;
      const valueRange = value?.range as Range | undefined;
      if (keyRange) best = regionOf(lineCounter, keyRange[0], valueRange ? valueRange[1] : keyRange[1]);
      node = value;
    } else if (isSeq(node)) {
      const index = typeof segment === 'number' ? segment : Number(segment);
      const item = Number.isInteger(index) ? (node.items[index] as Node | undefined) : undefined;
      if (!item) return best;
      const r = item.range as Range | undefined;
      if (r) best = regionOf(lineCounter, r[0], r[1]);
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
