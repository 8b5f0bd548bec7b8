/**
 * The meaning of remediation operations on plain JSON. The YAML editor must produce exactly
 * this (it is checked after every edit), and the webhook can use it to compute patches.
 */
import type { JsonValue, RemediationOp } from '../engine/types.js';
import type { Path } from '../load/types.js';
import { getIn } from '../k8s/json.js';

export type JsonMapValue = { [key: string]: JsonValue };

export function isJsonMap(v: unknown): v is JsonMapValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(bo).length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual((a as Record<string, unknown>)[k], bo[k]));
}

/**
 * The item that is `value` written in another case (`drop: [all]` for ALL), or -1. Appending
 * would leave both (`[all, ALL]`); the item is replaced instead. The API server compares
 * capability names exactly, so the wrong-case one never meant what it says.
 */
export function wrongCaseIndex(items: readonly unknown[], value: unknown): number {
  if (typeof value !== 'string') return -1;
  const lower = value.toLowerCase();
  return items.findIndex((x) => typeof x === 'string' && x !== value && x.toLowerCase() === lower);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Builds `{a: {b: value}}` for rest path ['a', 'b']; undefined if the rest has a list index. */
export function nest(rest: Path, value: JsonValue): JsonValue | undefined {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const seg = rest[i];
    if (typeof seg !== 'string') return undefined;
    v = { [seg]: v };
  }
  return v;
}

export type OpOutcome = 'applied' | 'unchanged' | 'kept' | 'impossible';

/** Where a path leads in a JSON value: the container and key of the last segment. */
function parentOf(root: unknown, path: Path): { parent: unknown; key: string | number } | undefined {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isJsonMap(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return { parent: cur, key: path[path.length - 1] };
}

/**
 * Sets `path` to `value`, creating maps on the way (a null on the way counts as missing).
 * Returns false when the path crosses a non-map or a missing list item.
 */
function forceSet(root: JsonMapValue, path: Path, value: JsonValue): boolean {
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (Array.isArray(cur) && typeof seg === 'number') {
      if (seg >= cur.length || !isJsonMap(cur[seg])) return false;
      cur = cur[seg];
    } else if (isJsonMap(cur) && typeof seg === 'string') {
      const next = cur[seg];
      if (next === undefined || next === null) cur[seg] = {};
      else if (!isJsonMap(next) && !Array.isArray(next)) return false;
      cur = cur[seg];
    } else return false;
  }
  const last = path[path.length - 1];
  if (Array.isArray(cur) && typeof last === 'number' && last < cur.length) cur[last] = value;
  else if (isJsonMap(cur) && typeof last === 'string') cur[last] = value;
  else return false;
  return true;
}

/**
 * Applies one operation to `root` in place. `set` on an existing map with a map value merges
 * key by key (never overriding unless `overwrite`); `set` leaves an existing value alone
 * ('kept') unless `overwrite`. Null counts as unset, as it does for the API server.
 */
export function applyOpToJson(root: JsonMapValue, op: RemediationOp): OpOutcome {
  if (op.path.length === 0) return 'impossible';
  const current = getIn(root, op.path);
  switch (op.op) {
    case 'set': {
      if (current === undefined || current === null) return forceSet(root, op.path, clone(op.value)) ? 'applied' : 'impossible';
      if (deepEqual(current, op.value)) return 'unchanged';
      if (op.overwrite) return forceSet(root, op.path, clone(op.value)) ? 'applied' : 'impossible';
      if (isJsonMap(current) && isJsonMap(op.value)) {
        let outcome: OpOutcome = 'unchanged';
        for (const [k, v] of Object.entries(op.value)) {
          const r = applyOpToJson(root, { op: 'set', path: [...op.path, k], value: v });
          if (r === 'applied') outcome = 'applied';
          else if (r !== 'unchanged' && outcome === 'unchanged') outcome = r;
        }
        return outcome;
      }
      return 'kept';
    }
    case 'append': {
      if (current === undefined || current === null) return forceSet(root, op.path, [clone(op.value)]) ? 'applied' : 'impossible';
      if (!Array.isArray(current)) return 'impossible';
      if (current.some((x) => deepEqual(x, op.value))) return 'unchanged';
      const wrong = wrongCaseIndex(current, op.value);
      if (wrong >= 0) current[wrong] = clone(op.value);
      else current.push(clone(op.value));
      return 'applied';
    }
    case 'remove-item': {
      if (current === undefined || current === null) return 'unchanged';
      if (!Array.isArray(current)) return 'impossible';
      const before = current.length;
      const kept = current.filter((x) => !deepEqual(x, op.value));
      if (kept.length === before) return 'unchanged';
      const p = parentOf(root, op.path);
      if (!p) return 'impossible';
      (p.parent as Record<string | number, unknown>)[p.key] = kept;
      return 'applied';
    }
  }
}
