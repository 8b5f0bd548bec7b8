/**
 * Minimal edits to one YAML document. The document is parsed with the `yaml` library (its AST
 * carries the exact source range of every node); each operation becomes a splice of new text
 * at the right offset, written in the style of the surrounding text (indentation step,
 * sequence indentation, block or flow, JSON). Nothing outside the splice changes: comments,
 * key order, quoting, blank lines and the other documents stay byte-identical.
 *
 * Every edit is verified: the edited text is parsed again and must mean exactly what the
 * operation means on plain JSON (json-ops.ts). An edit that would not (an exotic layout, a
 * node shared through a YAML alias) is refused and reported, never half-applied.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { JsonValue, RemediationOp } from '../engine/types.js';
import type { Path } from '../load/types.js';
import { countNewlines } from '../load/text.js';
import { getIn } from '../k8s/json.js';
import { applyOpToJson, clone, deepEqual, isJsonMap, nest, wrongCaseIndex, type JsonMapValue, type OpOutcome } from './json-ops.js';
import { isCollectionValue, needsBlock, renderFlow, renderJsonPretty, renderPairLines, renderScalar, renderSeqItemLines, renderSeqLines, type BlockStyle, type FlowStyle } from './render.js';

export type EditOutcome = OpOutcome | 'refused';

export interface OpResult {
  op: RemediationOp;
  outcome: EditOutcome;
  /** Why an operation was not applied ('kept', 'impossible', 'refused'). */
  reason?: string;
}

export interface EditOptions {
  /** Line terminator of the file ('\n' or '\r\n'). */
  eol?: string;
}

type Range = [number, number, number];
type AnyNode = Node;

/** Where a node sits: the value of a pair in a map, an item of a sequence, or the root. */
type Parent = { type: 'pair'; pair: Pair; map: YAMLMap } | { type: 'item'; seq: YAMLSeq; index: number } | { type: 'root' };

type Walk =
  | { kind: 'found'; node: AnyNode; parent: Parent }
  | { kind: 'missing'; map: YAMLMap; mapParent: Parent; rest: Path }
  | { kind: 'null'; pair: Pair; map: YAMLMap; rest: Path }
  | { kind: 'fail'; reason: string };

interface Splice {
  start: number;
  end: number;
  text: string;
}

class Refusal extends Error {}

function rangeOf(n: AnyNode | null | undefined): Range | undefined {
  const r = n?.range;
  return r ? (r as Range) : undefined;
}

function isNullScalar(n: unknown): boolean {
  return n === null || n === undefined || (isScalar(n) && n.value === null);
}

function keyName(k: unknown): string | undefined {
  return isScalar(k) ? String(k.value) : undefined;
}

/** Per-document style, detected once from the original text. */
interface DocStyle {
  step: number;
  indentSeq: boolean;
  json: boolean;
}

export class DocumentEditor {
  private text: string;
  private readonly eol: string;
  private style: DocStyle | undefined;

  constructor(text: string, opts: EditOptions = {}) {
    this.text = text;
    this.eol = opts.eol ?? (text.includes('\r\n') ? '\r\n' : '\n');
  }

  get result(): string {
    return this.text;
  }

  /** Applies one operation; the text changes only when the outcome is 'applied'. */
  apply(op: RemediationOp): OpResult {
    const doc = this.parse(this.text);
    if (!doc) return { op, outcome: 'refused', reason: 'the document does not parse cleanly' };
    this.style ??= detectStyle(doc, this.text);
    const before = doc.toJS({ maxAliasCount: -1 }) as unknown;
    if (!isJsonMap(before)) return { op, outcome: 'refused', reason: 'the document is not a mapping' };

    // A `set` of a map onto an existing map merges key by key: one elementary edit per key.
    if (op.op === 'set' && !op.overwrite) {
      const current = getIn(before, op.path);
      if (isJsonMap(current) && isJsonMap(op.value) && !deepEqual(current, op.value)) return this.merge(op, op.value);
    }

    const expected = clone(before) as JsonMapValue;
    const outcome = applyOpToJson(expected, op);
    if (outcome !== 'applied') return { op, outcome, ...(outcome === 'kept' ? { reason: `already set to ${JSON.stringify(getIn(before, op.path))}; not overridden` } : outcome === 'impossible' ? { reason: 'the path crosses a value that is not a map or list' } : {}) };

    let next: string;
    try {
      next = applySplices(this.text, this.plan(doc, op));
    } catch (e) {
      if (e instanceof Refusal) return { op, outcome: 'refused', reason: e.message };
      throw e;
    }
    const after = this.parse(next);
    if (!after || !deepEqual(after.toJS({ maxAliasCount: -1 }), expected)) {
      return { op, outcome: 'refused', reason: 'no minimal edit found for this layout; change it by hand' };
    }
    this.text = next;
    return { op, outcome: 'applied' };
  }

  private merge(op: Extract<RemediationOp, { op: 'set' }>, value: JsonMapValue): OpResult {
    const subs = Object.entries(value).map(([k, v]) => this.apply({ op: 'set', path: [...op.path, k], value: v }));
    const applied = subs.some((r) => r.outcome === 'applied');
    const bad = subs.find((r) => r.outcome === 'refused' || r.outcome === 'impossible');
    if (bad && !applied) return { op, outcome: bad.outcome, reason: bad.reason };
    if (applied) return { op, outcome: 'applied', ...(bad ? { reason: `partly: ${bad.reason}` } : {}) };
    const kept = subs.find((r) => r.outcome === 'kept');
    return kept ? { op, outcome: 'kept', reason: kept.reason } : { op, outcome: 'unchanged' };
  }

  private parse(text: string): Document.Parsed | undefined {
    let doc: Document.Parsed;
    try {
      doc = parseDocument(text, { strict: false, uniqueKeys: false, prettyErrors: false });
    } catch {
      return undefined;
    }
    return doc.errors.length ? undefined : doc;
  }

  // ---------------------------------------------------------------------------------------
  // Planning: which splices implement an operation.

  private plan(doc: Document.Parsed, op: RemediationOp): Splice[] {
    const w = walk(doc, op.path);
    if (w.kind === 'fail') throw new Refusal(w.reason);
    const value: JsonValue = op.op === 'append' ? [op.value] : op.value;
    switch (op.op) {
      case 'set':
        if (w.kind === 'found') return this.replaceValue(w.node, w.parent, op.value);
        return this.create(w, value);
      case 'append':
        if (w.kind === 'found') {
          if (!isSeq(w.node)) throw new Refusal('not a list');
          const seq = w.node;
          const wrong = wrongCaseIndex(seq.items.map((it) => toJson(doc, it)), op.value);
          if (wrong >= 0) return this.replaceValue(seq.items[wrong] as AnyNode, { type: 'item', seq, index: wrong }, op.value);
          return this.appendItem(seq, w.parent, op.value);
        }
        return this.create(w, value);
      case 'remove-item': {
        if (w.kind !== 'found' || !isSeq(w.node)) throw new Refusal('not a list');
        const index = w.node.items.findIndex((it) => deepEqual(toJson(doc, it), op.value));
        if (index < 0) throw new Refusal('item not found');
        return this.removeItem(w.node, w.parent, index);
      }
    }
  }

  /** A missing key (or a null value) on the way: create the rest of the path holding `value`. */
  private create(w: Exclude<Walk, { kind: 'found' } | { kind: 'fail' }>, value: JsonValue): Splice[] {
    if (w.kind === 'missing') {
      const [first, ...more] = w.rest;
      const inner = nest(more, value);
      if (typeof first !== 'string' || inner === undefined) throw new Refusal('cannot create a list item');
      return this.insertPair(w.map, w.mapParent, first, inner);
    }
    const inner = nest(w.rest, value);
    if (inner === undefined) throw new Refusal('cannot create a list item');
    return this.replaceNull(w.pair, w.map, inner);
  }

  // ---------------------------------------------------------------------------------------
  // Text geometry.

  private lineStart(off: number): number {
    return this.text.lastIndexOf('\n', off - 1) + 1;
  }

  private col(off: number): number {
    return off - this.lineStart(off);
  }

  private lineNo(off: number): number {
    return countNewlines(this.text, 0, off);
  }

  /** Leading spaces of the line containing `off`. */
  private lineIndent(off: number): number {
    const s = this.lineStart(off);
    let i = s;
    while (this.text[i] === ' ') i++;
    return i - s;
  }

  /** Where the last meaningful character of a node ends (block scalars without their trailing blank lines). */
  private contentEnd(n: AnyNode | null | undefined, fallback: number): number {
    if (!n) return fallback;
    const r = rangeOf(n);
    if (isScalar(n)) {
      if (!r) return fallback;
      if (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') {
        let e = r[1];
        while (e > r[0] && /\s/.test(this.text[e - 1])) e--;
        return e;
      }
      return r[1] > r[0] || n.value !== null ? r[1] : fallback;
    }
    if (isAlias(n)) return r ? r[1] : fallback;
    if ((isMap(n) || isSeq(n)) && n.flow) return r ? r[1] : fallback;
    if (isMap(n)) {
      const last = n.items[n.items.length - 1];
      if (!last) return r ? r[1] : fallback;
      return this.pairEnd(last, fallback);
    }
    if (isSeq(n)) {
      const last = n.items[n.items.length - 1] as AnyNode | null | undefined;
      if (!last) return r ? r[1] : fallback;
      // An empty item (`-` alone) ends at its dash.
      return this.contentEnd(last, r ? this.dashBefore(rangeOf(last)?.[0] ?? r[1]) + 1 : fallback);
    }
    return r ? r[1] : fallback;
  }

  private pairEnd(p: Pair, fallback: number): number {
    const kr = rangeOf(p.key as AnyNode | null);
    const keyEnd = kr ? this.colonAfter(kr[1]) + 1 : fallback;
    return this.contentEnd(p.value as AnyNode | null, keyEnd);
  }

  /** Offset of the ':' that follows a key ending at `keyEnd`. */
  private colonAfter(keyEnd: number): number {
    let i = keyEnd;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    if (this.text[i] !== ':') throw new Refusal('unusual key layout');
    return i;
  }

  /** Offset of the '-' indicator of a block sequence item starting at `itemStart`. */
  private dashBefore(itemStart: number): number {
    let i = itemStart;
    while (i > 0 && this.text[i] !== '-') i--;
    return i;
  }

  /** Offset just after the line holding `off` (after its line terminator), or the end of the text. */
  private afterLine(off: number): number {
    const nl = this.text.indexOf('\n', off);
    return nl === -1 ? this.text.length : nl + 1;
  }

  /** A splice that adds whole lines after the line holding `off`. */
  private linesAfter(off: number, lines: string[]): Splice {
    const at = this.afterLine(off);
    const body = lines.join(this.eol);
    if (at === this.text.length && !this.text.endsWith('\n')) return { start: at, end: at, text: this.eol + body };
    return { start: at, end: at, text: body + this.eol };
  }

  private blockStyle(map: YAMLMap | undefined): BlockStyle {
    const s = this.style ?? { step: 2, indentSeq: true, json: false };
    let indentSeq = s.indentSeq;
    let flowSeqs = false;
    // Prefer the habit of the map being edited: a sibling sequence shows it.
    if (map) {
      for (const p of map.items) {
        const v = p.value as AnyNode | null;
        const kr = rangeOf(p.key as AnyNode | null);
        const vr = rangeOf(v);
        if (!isSeq(v) || !kr || !vr) continue;
        // The last sequence wins: it is the nearest to where new entries go (the end).
        flowSeqs = !!v.flow && v.items.length > 0;
        if (!v.flow) indentSeq = this.col(vr[0]) > this.col(kr[0]);
      }
    }
    const firstKey = map?.items[0]?.key;
    const quoteKeys = isScalar(firstKey) && (firstKey.type === 'QUOTE_DOUBLE' || firstKey.type === 'QUOTE_SINGLE');
    return { step: s.step, indentSeq, quoteKeys, flowSeqs };
  }

  private flowStyle(coll: YAMLMap | YAMLSeq): FlowStyle {
    const r = rangeOf(coll);
    const padded = !!r && this.text[r[0] + 1] === ' ' && coll.items.length > 0;
    return { json: this.style?.json ?? false, padded };
  }

  /** Key column of a pair's key, for children rendered under it. */
  private keyCol(p: Pair): number {
    const kr = rangeOf(p.key as AnyNode | null);
    if (!kr) throw new Refusal('a key without position');
    return this.col(kr[0]);
  }

  // ---------------------------------------------------------------------------------------
  // Elementary edits.

  /** Adds `key: value` to an existing map. */
  private insertPair(map: YAMLMap, mapParent: Parent, key: string, value: JsonValue): Splice[] {
    if (map.flow) return this.insertIntoFlow(map, mapParent, { key, value });
    const first = map.items.find((p) => rangeOf(p.key as AnyNode | null));
    if (!first) throw new Refusal('an empty block map');
    const indent = this.keyCol(first);
    return [this.linesAfter(this.contentEnd(map, 0), renderPairLines(key, value, indent, this.blockStyle(map)))];
  }

  /** Adds a pair (map) or an item (sequence) to a flow collection. */
  private insertIntoFlow(coll: YAMLMap | YAMLSeq, parent: Parent, add: { key: string; value: JsonValue } | { item: JsonValue }): Splice[] {
    const r = rangeOf(coll);
    if (!r) throw new Refusal('a collection without position');
    const fs = this.flowStyle(coll);
    const json = fs.json;
    const entry = (indent: number | undefined): string => {
      const v = 'key' in add ? add.value : add.item;
      const rendered = indent !== undefined && json ? renderJsonPretty(v, indent, this.style?.step ?? 2) : renderFlow(v, fs);
      return 'key' in add ? `${json || this.blockStyle(isMap(coll) ? coll : undefined).quoteKeys ? JSON.stringify(add.key) : renderScalar(add.key)}: ${rendered}` : rendered;
    };
    if (coll.items.length === 0) return this.fillEmptyFlow(coll, parent, add);
    const firstStart = isMap(coll) ? rangeOf(coll.items[0].key as AnyNode | null)?.[0] : rangeOf(coll.items[0] as AnyNode | null)?.[0];
    if (firstStart === undefined) throw new Refusal('an item without position');
    const lastEnd = isMap(coll) ? this.pairEnd(coll.items[coll.items.length - 1], r[1] - 1) : this.contentEnd(coll.items[coll.items.length - 1] as AnyNode, r[1] - 1);
    const multiline = this.lineNo(r[0]) !== this.lineNo(firstStart);
    if (multiline) {
      const indent = this.col(firstStart);
      return [{ start: lastEnd, end: lastEnd, text: `,${this.eol}${' '.repeat(indent)}${entry(indent)}` }];
    }
    return [{ start: lastEnd, end: lastEnd, text: `, ${entry(undefined)}` }];
  }

  /**
   * `{}` or `[]` gets its first entry. In block context the placeholder becomes a block
   * collection (as a person would write it); inside flow (JSON) it stays flow.
   */
  private fillEmptyFlow(coll: YAMLMap | YAMLSeq, parent: Parent, add: { key: string; value: JsonValue } | { item: JsonValue }): Splice[] {
    const r = rangeOf(coll);
    if (!r) throw new Refusal('a collection without position');
    const whole: JsonValue = 'key' in add ? { [add.key]: add.value } : [add.item];
    const inFlow = (parent.type === 'pair' && parent.map.flow) || (parent.type === 'item' && parent.seq.flow) || this.style?.json;
    if (inFlow) {
      const fs = { json: this.style?.json ?? false, padded: false };
      if (fs.json) {
        const indent = this.lineIndent(r[0]);
        const step = this.style?.step ?? 2;
        // Multi-line when the enclosing JSON is pretty-printed (the container spans lines).
        const enclosing = parent.type === 'pair' ? parent.map : parent.type === 'item' ? parent.seq : undefined;
        const er = rangeOf(enclosing);
        if (!er || this.lineNo(er[0]) !== this.lineNo(er[1])) {
          return [{ start: r[0], end: r[1], text: renderJsonPretty(whole, indent, step) }];
        }
      }
      return [{ start: r[0], end: r[1], text: renderFlow(whole, fs) }];
    }
    return this.replaceAsBlock(coll, parent, whole);
  }

  /** Replaces a node (in block context) by a value, as block text when the value is a non-empty collection. */
  private replaceAsBlock(node: AnyNode, parent: Parent, value: JsonValue): Splice[] {
    const r = rangeOf(node);
    if (!r) throw new Refusal('a value without position');
    const end = this.contentEnd(node, r[1]);
    if (!needsBlock(value)) return [{ start: r[0], end, text: renderFlow(value, { json: false, padded: false }) }];
    if (parent.type === 'pair') return this.pairValueAsBlock(parent.pair, parent.map, value, end);
    // Root or sequence item: the block starts where the node starts.
    const c = this.col(r[0]);
    const style = this.blockStyle(undefined);
    const lines = Array.isArray(value) ? renderSeqLines(value, c, style) : renderPairLinesOf(value as JsonMapValue, c, style);
    return [{ start: r[0], end, text: [lines[0].slice(c), ...lines.slice(1)].join(this.eol) }];
  }

  /**
   * `key: <old>` → `key:` followed by the value as a block on the next lines. The old value's
   * text (up to `oldEnd`) goes; a comment after it on the key's line stays there.
   */
  private pairValueAsBlock(pair: Pair, map: YAMLMap, value: JsonValue, oldEnd: number): Splice[] {
    const kr = rangeOf(pair.key as AnyNode | null);
    if (!kr) throw new Refusal('a key without position');
    const colon = this.colonAfter(kr[1]);
    const keyCol = this.col(kr[0]);
    const style = this.blockStyle(map);
    const lines = Array.isArray(value)
      ? renderSeqLines(value, style.indentSeq ? keyCol + style.step : keyCol, style)
      : renderPairLinesOf(value as JsonMapValue, keyCol + style.step, style);
    // The old value may span lines (a block collection): remove it whole, then add the lines
    // after what remains of the key's line.
    const oldText = this.text.slice(colon + 1, oldEnd);
    if (oldText.includes('\n')) {
      return [{ start: colon + 1, end: oldEnd, text: this.eol + lines.join(this.eol) }];
    }
    const after = this.afterLine(oldEnd);
    const tail = after === this.text.length && !this.text.endsWith('\n');
    return [
      { start: colon + 1, end: oldEnd, text: '' },
      tail ? { start: after, end: after, text: this.eol + lines.join(this.eol) } : { start: after, end: after, text: lines.join(this.eol) + this.eol },
    ];
  }

  /** `key:` / `key: null` / `key: ~` gets a value. */
  private replaceNull(pair: Pair, map: YAMLMap, value: JsonValue): Splice[] {
    const kr = rangeOf(pair.key as AnyNode | null);
    if (!kr) throw new Refusal('a key without position');
    const colon = this.colonAfter(kr[1]);
    const v = pair.value as AnyNode | null;
    const vr = rangeOf(v);
    const oldEnd = vr && vr[1] > vr[0] ? vr[1] : colon + 1;
    if (map.flow) {
      const fs = this.flowStyle(map);
      return [{ start: colon + 1, end: oldEnd, text: ` ${renderFlow(value, fs)}` }];
    }
    if (!needsBlock(value)) return [{ start: colon + 1, end: oldEnd, text: ` ${renderFlow(value)}` }];
    return this.pairValueAsBlock(pair, map, value, oldEnd);
  }

  /** Overwrites an existing value. Scalars keep their quoting style. */
  private replaceValue(node: AnyNode, parent: Parent, value: JsonValue): Splice[] {
    const r = rangeOf(node);
    if (!r) throw new Refusal('a value without position');
    if (isScalar(node) && !isCollectionValue(value)) {
      return [{ start: r[0], end: r[1], text: scalarLike(node, value) }];
    }
    const flowContext = (parent.type === 'pair' && parent.map.flow) || (parent.type === 'item' && parent.seq.flow) || this.style?.json;
    if (flowContext) return [{ start: r[0], end: this.contentEnd(node, r[1]), text: renderFlow(value, { json: this.style?.json ?? false, padded: false }) }];
    if (parent.type === 'pair' && needsBlock(value)) return this.pairValueAsBlock(parent.pair, parent.map, value, this.contentEnd(node, r[1]));
    if (parent.type === 'pair' && (isMap(node) || isSeq(node)) && !node.flow) {
      // A block collection becomes an inline value: `key: []`.
      const colon = this.colonAfter(rangeOf(parent.pair.key as AnyNode | null)?.[1] ?? r[0]);
      return [{ start: colon + 1, end: this.contentEnd(node, r[1]), text: ` ${renderFlow(value)}` }];
    }
    return this.replaceAsBlock(node, parent, value);
  }

  private appendItem(seq: YAMLSeq, parent: Parent, item: JsonValue): Splice[] {
    if (seq.flow) return this.insertIntoFlow(seq, parent, { item });
    const r = rangeOf(seq);
    if (!r || seq.items.length === 0) throw new Refusal('an empty block sequence');
    const dashCol = this.col(r[0]);
    const firstMapItem = seq.items.find((it) => isMap(it) && !it.flow && rangeOf(it as AnyNode));
    const itemOffset = firstMapItem ? this.col(rangeOf(firstMapItem as AnyNode)![0]) - dashCol : 2;
    const innerMap = isMap(firstMapItem) ? firstMapItem : undefined;
    const lines = renderSeqItemLines(item, dashCol, this.blockStyle(innerMap), Math.max(2, itemOffset));
    return [this.linesAfter(this.contentEnd(seq, r[1]), lines)];
  }

  private removeItem(seq: YAMLSeq, parent: Parent, index: number): Splice[] {
    const r = rangeOf(seq);
    if (!r) throw new Refusal('a list without position');
    if (seq.items.length === 1) return this.replaceValue(seq, parent, []);
    const item = seq.items[index] as AnyNode | null;
    const ir = rangeOf(item);
    if (!ir) throw new Refusal('an item without position');
    if (seq.flow) {
      if (index < seq.items.length - 1) {
        const next = rangeOf(seq.items[index + 1] as AnyNode | null);
        if (!next) throw new Refusal('an item without position');
        return [{ start: ir[0], end: next[0], text: '' }];
      }
      const prevEnd = this.contentEnd(seq.items[index - 1] as AnyNode, ir[0]);
      return [{ start: prevEnd, end: this.contentEnd(item, ir[1]), text: '' }];
    }
    const dash = this.dashBefore(ir[0]);
    const start = this.lineStart(dash);
    if (this.text.slice(start, dash).trim() !== '') throw new Refusal('a list item that shares its line');
    const end = this.afterLine(this.contentEnd(item, ir[1]));
    return [{ start, end, text: '' }];
  }
}

function renderPairLinesOf(map: JsonMapValue, indent: number, style: BlockStyle): string[] {
  return Object.keys(map).flatMap((k) => renderPairLines(k, map[k], indent, style));
}

/** A new scalar written like the one it replaces (same quotes for strings). */
function scalarLike(old: Scalar, v: null | boolean | number | string): string {
  if (typeof v === 'string') {
    if (old.type === 'QUOTE_SINGLE') return `'${v.replace(/'/g, "''")}'`;
    if (old.type === 'QUOTE_DOUBLE') return JSON.stringify(v);
  }
  return renderScalar(v);
}

function toJson(doc: Document, n: unknown): unknown {
  if (isScalar(n) || isMap(n) || isSeq(n) || isAlias(n)) return n.toJS(doc, { maxAliasCount: -1 });
  return null;
}

/** Anchors that some alias in the document refers to: editing those nodes would edit every alias. */
function sharedAnchors(doc: Document): Set<string> {
  const out = new Set<string>();
  visit(doc, {
    Alias(_, a) {
      out.add(a.source);
    },
  });
  return out;
}

function walk(doc: Document.Parsed, path: Path): Walk {
  const shared = sharedAnchors(doc);
  const guard = (n: AnyNode | null | undefined): string | undefined => {
    if (isAlias(n)) return `the value is a YAML alias (*${n.source}); edit the anchored node by hand`;
    const anchor = (n as { anchor?: string } | null | undefined)?.anchor;
    if (anchor && shared.has(anchor)) return `the value is shared through the YAML anchor &${anchor}; edit it by hand`;
    return undefined;
  };
  let node = doc.contents as AnyNode | null;
  let parent: Parent = { type: 'root' };
  for (let i = 0; i < path.length; i++) {
    const g = guard(node);
    if (g) return { kind: 'fail', reason: g };
    const seg = path[i];
    if (isMap(node)) {
      let pair: Pair | undefined;
      // The last of duplicate keys wins, as for the API server.
      for (const p of node.items) if (isPair(p) && keyName(p.key) === String(seg)) pair = p;
      if (!pair) return { kind: 'missing', map: node, mapParent: parent, rest: path.slice(i) };
      if (isNullScalar(pair.value)) return { kind: 'null', pair, map: node, rest: path.slice(i + 1) };
      parent = { type: 'pair', pair, map: node };
      node = pair.value as AnyNode;
    } else if (isSeq(node)) {
      const item = typeof seg === 'number' ? (node.items[seg] as AnyNode | null | undefined) : undefined;
      if (item === undefined || item === null) return { kind: 'fail', reason: `no list item ${String(seg)}` };
      parent = { type: 'item', seq: node, index: seg as number };
      node = item;
    } else {
      return { kind: 'fail', reason: 'the path crosses a value that is not a map or list' };
    }
  }
  const g = guard(node);
  if (g) return { kind: 'fail', reason: g };
  if (node === null) return { kind: 'fail', reason: 'empty document' };
  return { kind: 'found', node, parent };
}

/** Indentation step, sequence indentation and JSON-ness of a document. */
function detectStyle(doc: Document.Parsed, text: string): DocStyle {
  const col = (off: number): number => off - (text.lastIndexOf('\n', off - 1) + 1);
  const steps = new Map<number, number>();
  let seqIndented = 0;
  let seqFlat = 0;
  visit(doc, {
    Pair(_, p) {
      const kr = rangeOf(p.key as AnyNode | null);
      const v = p.value as AnyNode | null;
      const vr = rangeOf(v);
      if (!kr || !vr) return;
      if (isMap(v) && !v.flow) {
        const d = col(vr[0]) - col(kr[0]);
        if (d > 0) steps.set(d, (steps.get(d) ?? 0) + 1);
      } else if (isSeq(v) && !v.flow) {
        if (col(vr[0]) > col(kr[0])) seqIndented++;
        else seqFlat++;
      }
    },
  });
  let step = 2;
  let best = 0;
  for (const [d, n] of steps) if (n > best || (n === best && d < step)) [step, best] = [d, n];
  const root = doc.contents;
  const json = isMap(root) && !!root.flow && isScalar(root.items[0]?.key) && (root.items[0].key as Scalar).type === 'QUOTE_DOUBLE';
  if (json) {
    // JSON: the step is the indentation of the first key of a pretty-printed object.
    const fk = rangeOf(root.items[0]?.key as AnyNode | null);
    const rr = rangeOf(root);
    if (fk && rr && text.slice(rr[0], fk[0]).includes('\n')) step = col(fk[0]) - col(rr[0]) || 2;
  }
  return { step, indentSeq: seqIndented > seqFlat || (seqIndented === 0 && seqFlat === 0), json };
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of sorted) {
    if (s.end > limit) throw new Refusal('overlapping edits');
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

export interface DocumentEditResult {
  text: string;
  results: OpResult[];
}

/** Applies operations in order to one document's text. */
export function editDocumentText(text: string, ops: readonly RemediationOp[], opts: EditOptions = {}): DocumentEditResult {
  const ed = new DocumentEditor(text, opts);
  const results = ops.map((op) => ed.apply(op));
  return { text: ed.result, results };
}
