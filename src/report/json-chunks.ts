/**
 * JSON.stringify(value, null, 2), yielded in pieces. A scan of a gigabyte of manifests reports
 * hundreds of thousands of findings: as one string that is hundreds of MB (V8 refuses strings
 * over 512 MB) and doubles the peak memory. Containers down to `splitDepth` are written member by
 * member; anything deeper is stringified whole. The concatenation is byte-identical to
 * JSON.stringify (json-chunks.test.ts checks it).
 */

const INDENT = '  ';

/** What JSON.stringify does with a member value before writing it (undefined: leave it out). */
function prepared(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return value;
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * Text already written for an object at an indentation: findings share their check's
 * `references` array (most of a finding's bytes), which is then stringified once, not per finding.
 * Reports are written once and never mutated while being written, so identity is a safe key.
 */
const written = new Map<string, WeakMap<object, string>>();

/** The same text as JSON.stringify(value, null, 2) nested at `pad`. */
function whole(value: unknown, pad: string): string {
  const memo = typeof value === 'object' && value !== null ? memoFor(pad) : undefined;
  const known = memo?.get(value as object);
  if (known !== undefined) return known;
  const s = JSON.stringify(value, null, 2);
  // Newlines inside JSON strings are escaped, so every newline here is layout.
  const text = pad ? s.replaceAll('\n', `\n${pad}`) : s;
  memo?.set(value as object, text);
  return text;
}

function memoFor(pad: string): WeakMap<object, string> {
  let m = written.get(pad);
  if (!m) written.set(pad, (m = new WeakMap()));
  return m;
}

function* chunks(value: unknown, pad: string, depthLeft: number): Generator<string> {
  if (depthLeft <= 0 || value === null || typeof value !== 'object') {
    yield whole(value, pad);
    return;
  }
  const inner = pad + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      const v = prepared(value[i], String(i));
      if (omitted(v)) yield 'null';
      else yield* chunks(v, inner, depthLeft - 1);
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  for (const [k, raw] of Object.entries(value)) {
    const v = prepared(raw, k);
    if (omitted(v)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* chunks(v, inner, depthLeft - 1);
  }
  yield first ? '{}' : `\n${pad}}`;
}

/** Pieces of JSON.stringify(value, null, 2) + '\n', split down to `splitDepth` levels. */
export function* jsonChunks(value: unknown, splitDepth: number): Generator<string> {
  yield* chunks(prepared(value, ''), '', splitDepth);
  yield '\n';
}

/** Groups small pieces into writes of about `size` characters (one write per finding is slow). */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let buf: string[] = [];
  let length = 0;
  for (const p of pieces) {
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
