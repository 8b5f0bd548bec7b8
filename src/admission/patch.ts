/**
 * Structured remediations → RFC 6902 JSON Patch, for /mutate. Operations are applied one after
 * the other to a working copy, so a later operation sees what an earlier one created (two fixes
 * adding fields to the same missing securityContext produce one `add` of the map, then an `add`
 * of the second field). Admission only ever fills in what is missing: a `set` (even with
 * overwrite) of a field that has a value and `remove-item` would change what the user wrote, so
 * they are skipped and left to validation.
 */
import type { JsonValue, RemediationOp } from '../engine/types.js';
import type { Path } from '../load/types.js';

export type JsonPatchOp = { op: 'add'; path: string; value: JsonValue } | { op: 'replace'; path: string; value: JsonValue } | { op: 'remove'; path: string };

type Container = Record<string, unknown> | unknown[];

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointerSegment(seg: string | number): string {
  return String(seg).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function toPointer(path: Path): string {
  let out = '';
  for (const seg of path) out += `/${escapePointerSegment(seg)}`;
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(c: Container, seg: string | number): unknown {
  if (Array.isArray(c)) return typeof seg === 'number' ? c[seg] : undefined;
  return Object.prototype.hasOwnProperty.call(c, seg) ? c[String(seg)] : undefined;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual((a as Record<string, unknown>)[k], bo[k])) return false;
  return true;
}

/** Builds `{a: {b: value}}` for the rest of a path of map keys; undefined if it crosses a list index. */
function nest(rest: Path, value: JsonValue): JsonValue | undefined {
  let v: JsonValue = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const seg = rest[i];
    if (typeof seg === 'number') return undefined;
    v = { [seg]: v };
  }
  return v;
}

interface Walk {
  /** Deepest existing container along the path and how far we got. */
  parent: Container;
  depth: number;
  /** Value at the full path (undefined when missing or null). */
  value: unknown;
  /** Path crosses a scalar or an index that does not exist. */
  blocked: boolean;
}

function walk(root: Container, path: Path): Walk {
  let cur: Container = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const next = child(cur, seg);
    if (i === path.length - 1) return { parent: cur, depth: i, value: next ?? undefined, blocked: false };
    if (next === undefined || next === null) {
      // A missing list element cannot be created; a missing map key can.
      return { parent: cur, depth: i, value: undefined, blocked: Array.isArray(cur) || typeof path[i + 1] === 'number' };
    }
    if (!isMap(next) && !Array.isArray(next)) return { parent: cur, depth: i, value: undefined, blocked: true };
    cur = next;
  }
  return { parent: cur, depth: 0, value: root, blocked: path.length === 0 };
}

function setAt(c: Container, seg: string | number, value: unknown): void {
  if (Array.isArray(c)) {
    if (seg === '-') c.push(value);
    else c[Number(seg)] = value;
  } else c[String(seg)] = value;
}

export interface PatchResult {
  patch: JsonPatchOp[];
  /** Operations that produced patch entries. */
  applied: number;
  /** Operations left out: they would override the user, or the object has an unexpected shape. */
  skipped: number;
}

/**
 * Appends the JSON Patch for `ops` to `out`, applying it to `doc` (mutated in place: pass a copy).
 */
export function remediationToPatch(doc: Record<string, unknown>, ops: readonly RemediationOp[], out: JsonPatchOp[] = []): PatchResult {
  let applied = 0;
  let skipped = 0;
  for (const op of ops) {
    if (op.path.length === 0) {
      skipped++;
      continue;
    }
    if (op.op === 'remove-item') {
      skipped++; // never change what the user set explicitly
      continue;
    }
    const w = walk(doc, op.path);
    if (w.blocked) {
      skipped++;
      continue;
    }
    const missingFrom = w.depth; // index of the first path segment that does not exist (when value is missing)
    const last = op.path.length - 1;
    if (op.op === 'set') {
      if (w.value !== undefined && w.depth === last) {
        skipped++; // already set (even with overwrite: admission never replaces what the user wrote)
        continue;
      }
      const value = nest(op.path.slice(missingFrom + 1), op.value);
      if (value === undefined) {
        skipped++;
        continue;
      }
      setAt(w.parent, op.path[missingFrom], structuredClone(value));
      out.push({ op: 'add', path: toPointer(op.path.slice(0, missingFrom + 1)), value });
      applied++;
      continue;
    }
    // append
    if (w.depth === last && w.value !== undefined) {
      if (!Array.isArray(w.value)) {
        skipped++;
        continue;
      }
      if (w.value.some((x) => jsonEqual(x, op.value))) continue; // already there: nothing to do
      w.value.push(structuredClone(op.value));
      out.push({ op: 'add', path: `${toPointer(op.path)}/-`, value: op.value });
      applied++;
      continue;
    }
    const value = nest(op.path.slice(missingFrom + 1), [op.value]);
    if (value === undefined) {
      skipped++;
      continue;
    }
    setAt(w.parent, op.path[missingFrom], structuredClone(value));
    out.push({ op: 'add', path: toPointer(op.path.slice(0, missingFrom + 1)), value });
    applied++;
  }
  return { patch: out, applied, skipped };
}

/** Applies a JSON Patch made of add/replace/remove (for tests and tooling; RFC 6902 subset). */
export function applyJsonPatch(doc: unknown, patch: readonly JsonPatchOp[]): unknown {
  const root = structuredClone(doc);
  for (const p of patch) {
    const segs = p.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: unknown = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i];
      cur = Array.isArray(cur) ? cur[Number(s)] : (cur as Record<string, unknown>)[s];
      if (typeof cur !== 'object' || cur === null) throw new Error(`path ${p.path} does not exist`);
    }
    const key = segs[segs.length - 1];
    const c = cur as Container;
    if (p.op === 'remove') {
      if (Array.isArray(c)) c.splice(Number(key), 1);
      else delete c[key];
    } else if (Array.isArray(c)) {
      if (key === '-') c.push(p.value);
      else if (p.op === 'add') c.splice(Number(key), 0, p.value);
      else c[Number(key)] = p.value;
    } else {
      if (p.op === 'replace' && !(key in c)) throw new Error(`path ${p.path} does not exist`);
      c[key] = p.value;
    }
  }
  return root;
}
