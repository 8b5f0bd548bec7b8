/**
 * Rendering JSON values as YAML text for insertion into an existing file, in the file's own
 * style: block or flow, JSON syntax for JSON documents, the document's indentation step and
 * sequence indentation. Strings that YAML 1.1 (what the Kubernetes API machinery parses) would
 * read as something else (`yes`, `on`, `0755`, `1e3`, `~`) are always quoted.
 */
import type { JsonValue } from '../engine/types.js';

export interface BlockStyle {
  /** Spaces per nesting level (2 unless the document says otherwise). */
  step: number;
  /** `key:\n  - item` (true) or `key:\n- item` (false). */
  indentSeq: boolean;
  /** Quote new keys with double quotes (the map's existing keys are quoted). */
  quoteKeys: boolean;
  /** Lists of scalars inline (`drop: [ALL]`): the sibling lists of the map are written so. */
  flowSeqs?: boolean;
}

export interface FlowStyle {
  /** JSON syntax: every key and string double-quoted. */
  json: boolean;
  /** Spaces inside brackets: `{ a: 1 }` rather than `{a: 1}`. */
  padded: boolean;
}

/** Plain scalars that every YAML version reads back as the same string. */
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
/** Words YAML 1.1 or 1.2 read as booleans or null. */
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

export function isPlainSafe(s: string): boolean {
  return PLAIN_SAFE.test(s) && !RESERVED.test(s);
}

/** A scalar in YAML syntax (plain when safe, else double-quoted JSON, which is valid YAML). */
export function renderScalar(v: null | boolean | number | string, json = false): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return !json && isPlainSafe(v) ? v : JSON.stringify(v);
}

export function renderKey(k: string, quote: boolean): string {
  return quote ? JSON.stringify(k) : renderScalar(k);
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isCollectionValue(v: JsonValue): v is JsonValue[] | { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null;
}

/** True when the value renders as a non-empty block collection (not inline). */
export function needsBlock(v: JsonValue): boolean {
  return Array.isArray(v) ? v.length > 0 : isObject(v) ? Object.keys(v).length > 0 : false;
}

/** Inline (flow) rendering. Empty collections are `{}` / `[]` in every style. */
export function renderFlow(v: JsonValue, style: FlowStyle = { json: false, padded: false }): string {
  if (!isCollectionValue(v)) return renderScalar(v, style.json);
  const pad = style.padded ? ' ' : '';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${pad}${v.map((x) => renderFlow(x, style)).join(', ')}${pad}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{${pad}${keys.map((k) => `${renderKey(k, style.json)}: ${renderFlow(v[k], style)}`).join(', ')}${pad}}`;
}

/**
 * The lines of `key: value` as a block mapping entry whose key starts at column `indent`.
 * Lines carry their indentation and no line terminator.
 */
export function renderPairLines(key: string, value: JsonValue, indent: number, style: BlockStyle): string[] {
  const k = `${' '.repeat(indent)}${renderKey(key, style.quoteKeys)}:`;
  if (!needsBlock(value) || (style.flowSeqs && Array.isArray(value) && value.every((x) => !isCollectionValue(x)))) return [`${k} ${renderFlow(value)}`];
  if (Array.isArray(value)) return [k, ...renderSeqLines(value, style.indentSeq ? indent + style.step : indent, style)];
  return [k, ...renderMapLines(value as { [key: string]: JsonValue }, indent + style.step, style)];
}

/** A non-empty mapping as block lines at column `indent`. */
export function renderMapLines(map: { [key: string]: JsonValue }, indent: number, style: BlockStyle): string[] {
  return Object.keys(map).flatMap((k) => renderPairLines(k, map[k], indent, style));
}

/**
 * A sequence as block lines with dashes at column `dashCol`; the content of a mapping item
 * starts `itemOffset` columns after the dash (2 for `- `).
 */
export function renderSeqLines(items: JsonValue[], dashCol: number, style: BlockStyle, itemOffset = 2): string[] {
  return items.flatMap((item) => renderSeqItemLines(item, dashCol, style, itemOffset));
}

export function renderSeqItemLines(item: JsonValue, dashCol: number, style: BlockStyle, itemOffset = 2): string[] {
  const dash = `${' '.repeat(dashCol)}-${' '.repeat(itemOffset - 1)}`;
  if (isObject(item) && needsBlock(item)) {
    const lines = renderMapLines(item, dashCol + itemOffset, style);
    return [dash + lines[0].slice(dashCol + itemOffset), ...lines.slice(1)];
  }
  // Nested sequences and scalars stay on the dash line (flow for nested sequences).
  return [dash + renderFlow(item)];
}

/** JSON pretty-printed with `step`, continuation lines shifted to column `indent`. */
export function renderJsonPretty(v: JsonValue, indent: number, step: number): string {
  const s = JSON.stringify(v, null, step);
  return s.replace(/\n/g, `\n${' '.repeat(indent)}`);
}
