/**
 * JSON.stringify(value, null, 2) + '\n', yielded in pieces. A scan of a gigabyte of manifests
 * reports hundreds of thousands of findings: as one string that is hundreds of MB (V8 refuses
 * strings over 512 MB) and doubles the peak memory. The one big array of a report (its findings,
 * SARIF's results) is written in batches, each batch by JSON.stringify itself, so the text is
 * byte-identical to JSON.stringify and as fast (json-chunks.test.ts checks both).
 */

export type SplitPath = ReadonlyArray<string | number>;

/**
 * Items per JSON.stringify call, few enough that each piece (~2 KB a finding) stays well below
 * V8's large-object size (128 KiB): small strings die young and the scavenger frees them at once,
 * while every larger one lands in large-object space, which only a full mark-compact frees. With
 * 20,000 a piece, audit -o json of 10,000 objects peaked at 1.1 GB RSS for 170 MB of live heap
 * (docs/benchmarks.md); with 32, at about 260 MB, and no slower.
 */
const BATCH = 32;
const PLACEHOLDER = '\u0001kubeharden:split\u0001';

function at(value: unknown, path: SplitPath): unknown {
  let v = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** A copy of `value` along `path` whose node at `path` is `replacement` (nothing else is copied). */
function replacedAt(value: unknown, path: SplitPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [k, ...rest] = path;
  const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[k] = replacedAt((value as Record<string | number, unknown>)[k], rest, replacement);
  return copy;
}

/**
 * The items of `batch` as they appear inside an array `depth` containers deep: JSON.stringify of
 * the batch wrapped in depth-1 single-item arrays indents them exactly so; the wrapper's bracket
 * lines are then cut off.
 */
function itemsText(batch: unknown[], depth: number): string {
  let wrapped: unknown = batch;
  for (let i = 1; i < depth; i++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  let start = 0;
  for (let i = 0; i < depth; i++) start = s.indexOf('\n', start) + 1;
  let end = s.length;
  for (let i = 0; i < depth; i++) end = s.lastIndexOf('\n', end - 1);
  return s.slice(start, end);
}

/** The items of `items` in groups of `size`. */
function* groupsOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let group: T[] = [];
  for (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length) yield group;
}

/**
 * Pieces of JSON.stringify(value, null, 2) + '\n'. The array at `split` (e.g. ['findings']) is
 * written `batch` items at a time; a value whose array is short is written in one piece. The
 * array may also be any other iterable (findings read back from disk), written as an array.
 */
export function* jsonChunks(value: unknown, split: SplitPath, batch = BATCH): Generator<string> {
  const items = at(value, split);
  if (Array.isArray(items) ? items.length <= batch : !isIterable(items)) {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  const groups = groupsOf(items as Iterable<unknown>, batch);
  const first = groups.next();
  const second = first.done ? first : groups.next();
  if (second.done) {
    yield `${JSON.stringify(replacedAt(value, split, first.done ? [] : first.value), null, 2)}\n`;
    return;
  }
  const skeleton = JSON.stringify(replacedAt(value, split, PLACEHOLDER), null, 2);
  const mark = skeleton.indexOf(JSON.stringify(PLACEHOLDER));
  const depth = split.length + 1; // containers around each item: the value's own, then one per step
  // Each batch's text is yielded apart from the separators: a slice of JSON.stringify's output
  // that batched() passes to the write as it is, where `,\n${text}` would be a copy to make.
  yield `${skeleton.slice(0, mark)}[\n`;
  yield itemsText(first.value as unknown[], depth);
  yield ',\n';
  yield itemsText(second.value, depth);
  for (const group of groups) {
    yield ',\n';
    yield itemsText(group, depth);
  }
  yield `\n${'  '.repeat(depth - 1)}]${skeleton.slice(mark + JSON.stringify(PLACEHOLDER).length)}\n`;
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/**
 * Groups small pieces into writes of about `size` characters: 64 Ki keeps the joined strings (and
 * the write's Buffer) below V8's large-object size, like BATCH above. A piece of a quarter of that
 * or more is its own write (after what is grouped before it): joining it would only copy it.
 */
export function* batched(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let length = 0;
  for (const p of pieces) {
    if (p.length >= size / 4) {
      if (length) yield buf.join('');
      buf = [];
      length = 0;
      yield p;
      continue;
    }
    buf.push(p);
    length += p.length;
    if (length >= size) {
      yield buf.join('');
      buf = [];
      length = 0;
    }
  }
  if (length) yield buf.join('');
}
