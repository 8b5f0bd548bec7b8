/**
 * Path → source region by walking the document TEXT, for the fast loader: building the `yaml`
 * library's AST of a document just to answer a few position queries was the biggest single cost
 * of a scan. The contract is strict: for a document, an item path (List items) and a path, the
 * answer is EXACTLY the one `locateInDocument` gives on `parseDocument(text)` — same line,
 * column, end line and end column — or undefined when the text uses something this walker does
 * not model (the caller then builds the AST as before).
 *
 * What is modelled is the block style real manifests use: block maps and sequences (including
 * `- key: v` items and sequences at the indent of their key), plain, quoted and block scalars,
 * single-line flow collections as leaves, comments, blank lines and CRLF. Anchors, aliases, tags,
 * complex keys, tabs in indentation, multi-line flow collections, entering a non-empty flow
 * collection, scalars below their key, non-string-looking keys (`1.0:`, `True:`) and a few
 * comment placements around empty values decline.
 *
 * The subtle part is where a region ENDS. A map entry's region ends at its value's `range[1]`;
 * for a collection that is the last item's `range[2]` — the end of the tokens the yaml parser
 * attached to the last leaf (the rest of its line, plus more-indented comment lines it absorbs),
 * or the end of trailing comment lines the parser left inside a nested collection. The rules
 * below mirror yaml's lexer (plain, quoted and block scalar extents) and parser (which
 * collection keeps trailing comments); the differential test checks them against the AST on
 * every fixture and the real-world corpus.
 */
import type { Path, Region } from './types.js';

/** A construct the walker does not model: the caller falls back to the yaml AST. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('text locator: unsupported construct');

function decline(): never {
  throw UNSUPPORTED;
}

/** A block map (indent = column of its keys) or sequence (indent = column of its dashes). */
interface Collection {
  kind: 'map' | 'seq';
  /** Offset of the first key or dash: the collection's range[0]. */
  start: number;
  indent: number;
  /** Line (0-based) of the first entry. */
  line: number;
}

/** A scalar or a single-line flow collection. */
interface Leaf {
  kind: 'leaf';
  start: number;
  /** range[1]: the end of the scalar's own text. */
  end: number;
  /** Last line of the leaf's own text (0-based). */
  lastLine: number;
  /**
   * Flow scalars and flow collections take the rest of their line (and more-indented comment
   * lines after it) as trailing tokens; block scalars end at a line start and take nothing.
   */
  block: boolean;
  /** For flow collections: whether there is anything inside, the entries, map or sequence. */
  flow?: 'empty' | 'items';
  entries?: FlowEntry[];
  isMap?: boolean;
}

/** An entry of a flow collection: a pair (start = key) or an item. */
interface FlowEntry {
  start: number;
  key?: string;
  node: Leaf;
}

/** `key:` or `-` with nothing: yaml places an empty scalar after the indicator's spaces. */
interface Empty {
  kind: 'empty';
  start: number;
  line: number;
  /** A comment follows on the same line (changes the empty scalar's range[2]). */
  comment: boolean;
}

type TextNode = Collection | Leaf | Empty;

function isCollection(node: TextNode): node is Collection {
  return node.kind === 'map' || node.kind === 'seq';
}

/** One step of a path: where the region starts (key or item) and the node it leads to. */
interface Step {
  start: number;
  node: TextNode;
}

/** yaml's `isEmpty`: end of input or a white space character. */
function isBlank(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
}

/** Characters that cannot start a plain scalar here, or start a construct we do not model. */
const NOT_PLAIN_START = new Set(['#', '{', '[', '}', ']', '*', '&', '!', '"', "'", '|', '>', ',', '%', '@', '`', '\t', '\r']);

const FLOW_INDICATORS = new Set([',', '[', ']', '{', '}']);

/** yaml core schema: a plain key's value as `String(key.value)`, or undefined when unsure. */
function plainKeyString(s: string): string | undefined {
  if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return 'null';
  if (s === 'true' || s === 'True' || s === 'TRUE') return 'true';
  if (s === 'false' || s === 'False' || s === 'FALSE') return 'false';
  const c = s.charCodeAt(0);
  const numberLike = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
  if (numberLike) return /^(?:0|[1-9][0-9]{0,14})$/.test(s) ? s : undefined;
  if (s === '<<') return undefined; // merge key
  return s;
}

interface Key {
  /** Offset of the ':' indicator. */
  colon: number;
  /** String(key.value), undefined when the key may not be a plain string. */
  value: string | undefined;
}

/** Line kinds in the index. */
const CONTENT = 0;
const BLANK = 1;
const COMMENT = 2;
/** A tab right after the leading spaces: structural only in YAML we decline. */
const TAB = 3;

export class TextLocator {
  private readonly starts: number[] = [0];
  /** Leading spaces of each line. */
  private readonly indents: Int32Array;
  private readonly kinds: Uint8Array;
  /**
   * For a content line, the next content line indented the same or less: the end of its
   * subtree. Scans hop over nested values (a 5,000-line block scalar is one step).
   */
  private readonly nextAtOrAbove: Int32Array;

  /**
   * Findings of one object share path prefixes (spec.template.spec.containers.0...): walked
   * steps and computed ends are remembered per node.
   */
  private rootNode: Collection | undefined;
  private readonly steps = new Map<TextNode, Map<string, Step | null>>();
  private readonly ends = new Map<TextNode, number>();

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    const n = this.starts.length;
    this.indents = new Int32Array(n);
    this.kinds = new Uint8Array(n);
    this.nextAtOrAbove = new Int32Array(n).fill(n);
    const open: number[] = []; // content lines whose subtree end is not known yet
    for (let line = 0; line < n; line++) {
      let p = this.starts[line];
      while (text.charCodeAt(p) === 32) p++;
      const c = text.charCodeAt(p);
      const indent = p - this.starts[line];
      this.indents[line] = indent;
      if (c === 10 || Number.isNaN(c) || (c === 13 && text.charCodeAt(p + 1) === 10)) this.kinds[line] = BLANK;
      else if (c === 35) this.kinds[line] = COMMENT;
      else {
        this.kinds[line] = c === 9 ? TAB : CONTENT;
        while (open.length && this.indents[open[open.length - 1]] >= indent) this.nextAtOrAbove[open.pop() as number] = line;
        open.push(line);
      }
    }
  }

  /** The region of `path` inside the object at `itemPath`, or undefined (use the AST). */
  locate(itemPath: Path, path: Path): Region | undefined {
    try {
      const flowRoot = this.flowRootStart();
      if (flowRoot !== undefined) {
        // A JSON (or flow) document: only its whole region, which reports of non-Kubernetes
        // files ask for; anything inside is left to the AST.
        if (itemPath.length || path.length) decline();
        return this.region(flowRoot, this.flowRootEnd(flowRoot));
      }
      let node: TextNode = (this.rootNode ??= this.root());
      for (const segment of itemPath) {
        const step = this.step(node, segment);
        if (!step) decline(); // js-yaml found it: the two parsers disagree
        node = step.node;
      }
      let start = node.start;
      for (const segment of path) {
        const step = this.step(node, segment);
        if (!step) break;
        start = step.start;
        node = step.node;
      }
      let end = this.ends.get(node);
      if (end === undefined) this.ends.set(node, (end = this.end(node)));
      return this.region(start, end);
    } catch (e) {
      if (e === UNSUPPORTED) return undefined;
      throw e;
    }
  }

  // ---- lines --------------------------------------------------------------------------------

  private get lineCount(): number {
    return this.starts.length;
  }

  private lineStart(line: number): number {
    return line < this.starts.length ? this.starts[line] : this.text.length;
  }

  /** End of the line's content: before its '\n' (or '\r\n'), or the end of the text. */
  private contentEnd(line: number): number {
    if (line + 1 >= this.starts.length) {
      if (this.text.endsWith('\r')) decline();
      return this.text.length;
    }
    const nl = this.starts[line + 1] - 1;
    return this.text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  }

  /** Offset of the first non-space character of the line; a tab in the indentation declines. */
  private firstNonSpace(line: number): number {
    if (this.kinds[line] === TAB) decline();
    return this.starts[line] + this.indents[line];
  }

  /** Blank or comment-only line. */
  private isTrivia(line: number): boolean {
    const kind = this.kinds[line];
    if (kind === TAB) decline();
    return kind === BLANK || kind === COMMENT;
  }

  /** The first content line at or after `line` (lineCount when none). */
  private nextContent(line: number): number {
    while (line < this.lineCount && this.isTrivia(line)) line++;
    return line;
  }

  /** The first content line after `line` indented `indent` or less, hopping over subtrees. */
  private nextAtIndent(line: number, indent: number): number {
    let m = this.nextContent(line + 1);
    while (m < this.lineCount && this.indents[m] > indent) m = this.nextAtOrAbove[m];
    return m;
  }

  private column(offset: number, line: number): number {
    return offset - this.lineStart(line);
  }

  private lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] <= offset) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }

  /** 1-based line and column exactly as yaml's LineCounter.linePos reports them. */
  private region(start: number, end: number): Region {
    const a = this.lineOf(start);
    const last = Math.max(start, end);
    const b = this.lineOf(last);
    return { line: a + 1, column: start - this.starts[a] + 1, endLine: b + 1, endColumn: last - this.starts[b] + 1 };
  }

  private isDash(p: number): boolean {
    if (this.text.charCodeAt(p) !== 45) return false;
    const next = this.text[p + 1];
    if (next === '\t') decline();
    return isBlank(next);
  }

  /** After a token: only spaces and a comment may follow on the line. */
  private expectLineEnd(from: number, line: number): void {
    const stop = this.contentEnd(line);
    let p = from;
    while (this.text.charCodeAt(p) === 32) p++;
    if (p >= stop) return;
    if (this.text.charCodeAt(p) === 35 && p > from) return;
    decline();
  }

  // ---- structure ----------------------------------------------------------------------------

  /** The first content line of the document (after a `---` marker line), or lineCount. */
  private firstContentLine(): number {
    const { text } = this;
    if (text.charCodeAt(0) === 0xfeff) decline();
    if (!text.startsWith('---')) return this.nextContent(0);
    this.expectLineEnd(3, 0);
    return this.nextContent(1);
  }

  /** Where the root is a flow collection (`{` or `[`), its offset. */
  private flowRootStart(): number | undefined {
    const line = this.firstContentLine();
    if (line >= this.lineCount) return undefined;
    const p = this.firstNonSpace(line);
    const ch = this.text[p];
    return ch === '{' || ch === '[' ? p : undefined;
  }

  /**
   * The offset after a flow root's closing bracket, for JSON-like text: strings are quoted
   * tokens (a quote inside a plain word, a comment, or anything after the root declines).
   */
  private flowRootEnd(p: number): number {
    const { text } = this;
    let depth = 0;
    let previous = ''; // the previous non-space character
    for (let q = p; q < text.length; q++) {
      const c = text[q];
      if (c === ' ' || c === '\n' || c === '\r') continue;
      if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        if (--depth === 0) {
          const end = q + 1;
          const line = this.lineOf(q);
          this.expectLineEnd(end, line);
          if (this.nextContent(line + 1) < this.lineCount) decline();
          return end;
        }
      } else if (c === '"' || c === "'") {
        if (!'[{,:'.includes(previous)) decline();
        q = this.quotedEndOnLine(q, this.contentEnd(this.lineOf(q)));
      } else if (c === '#' || c === '\t' || c === '&' || c === '*' || c === '!') decline();
      previous = c;
    }
    return decline();
  }

  /** The document's root collection (block map or sequence); other roots decline. */
  private root(): Collection {
    const line = this.firstContentLine();
    if (line >= this.lineCount) decline();
    const p = this.firstNonSpace(line);
    const indent = this.column(p, line);
    if (this.isDash(p)) return { kind: 'seq', start: p, indent, line };
    if (!this.keyAt(p, line)) decline();
    return { kind: 'map', start: p, indent, line };
  }

  private step(node: TextNode, segment: string | number): Step | undefined {
    let bySegment = this.steps.get(node);
    if (!bySegment) this.steps.set(node, (bySegment = new Map()));
    const key = String(segment);
    let step = bySegment.get(key);
    if (step === undefined) bySegment.set(key, (step = this.child(node, segment) ?? null));
    return step ?? undefined;
  }

  private child(node: TextNode, segment: string | number): Step | undefined {
    switch (node.kind) {
      case 'map':
        return this.findKey(node, String(segment));
      case 'seq': {
        // As locateInDocument: a string segment is read as an index.
        const index = typeof segment === 'number' ? segment : Number(segment);
        return Number.isInteger(index) ? this.findItem(node, index) : undefined;
      }
      case 'leaf':
        return node.flow === 'items' ? this.flowChild(node, segment) : undefined;
      case 'empty':
        return undefined;
    }
  }

  /** Inside a flow collection, with the same matching as block collections. */
  private flowChild(node: Leaf, segment: string | number): Step | undefined {
    const entries = node.entries ?? decline();
    let entry: FlowEntry | undefined;
    if (node.isMap) {
      for (const e of entries) {
        if (e.key === undefined) decline();
        if (e.key === String(segment)) {
          entry = e;
          break;
        }
      }
    } else {
      const index = typeof segment === 'number' ? segment : Number(segment);
      entry = Number.isInteger(index) ? entries[index] : undefined;
    }
    return entry && { start: entry.start, node: entry.node };
  }

  /**
   * The entry lines of a collection after its first one, in order: `visit` gets the offset of
   * each key or dash and returns true to stop. Returns the line where the collection ends.
   */
  private scanEntries(c: Collection, visit: (p: number, line: number) => boolean): number {
    for (let line = this.nextAtIndent(c.line, c.indent); line < this.lineCount; line = this.nextAtIndent(line, c.indent)) {
      const p = this.firstNonSpace(line);
      const indent = this.column(p, line);
      if (indent < c.indent) return line;
      const dash = this.isDash(p);
      if (c.kind === 'seq' && !dash) return line;
      // In a map, a dash at the keys' indent is an item of the previous key's sequence.
      if (c.kind === 'map' && dash) continue;
      if (visit(p, line)) return line;
    }
    return this.lineCount;
  }

  private findKey(map: Collection, segment: string): Step | undefined {
    let found: Step | undefined;
    const match = (p: number, line: number): boolean => {
      const key = this.keyAt(p, line) ?? decline();
      if (key.value === undefined) decline();
      if (key.value !== segment) return false;
      found = { start: p, node: this.valueAfter(key.colon + 1, this.column(p, line), line, 'map') };
      return true;
    };
    if (!match(map.start, map.line)) this.scanEntries(map, match);
    return found;
  }

  private findItem(seq: Collection, index: number): Step | undefined {
    if (index < 0) return undefined;
    let found: Step | undefined;
    let i = 0;
    const match = (p: number, line: number): boolean => {
      if (i++ !== index) return false;
      const node = this.valueAfter(p + 1, seq.indent, line, 'seq');
      found = { start: node.start, node };
      return true;
    };
    if (!match(seq.start, seq.line)) this.scanEntries(seq, match);
    return found;
  }

  /** The last entry's value (map) or item (sequence); `endLine` is where the chain ends. */
  private lastValue(c: Collection, endLine: number): TextNode {
    let p = c.start;
    let line = c.line;
    const end = this.scanEntries(c, (q, l) => {
      p = q;
      line = l;
      return false;
    });
    if (end !== endLine) decline(); // a last value ends where its ancestors end
    if (c.kind === 'seq') return this.valueAfter(p + 1, c.indent, line, 'seq');
    const key = this.keyAt(p, line) ?? decline();
    return this.valueAfter(key.colon + 1, c.indent, line, 'map');
  }

  // ---- keys and values ----------------------------------------------------------------------

  /** The key starting at `p`, or undefined when the line is not `key: ...`. */
  private keyAt(p: number, line: number): Key | undefined {
    const { text } = this;
    const ch = text[p];
    if (ch === '"' || ch === "'") return this.quotedKey(p, line);
    if (NOT_PLAIN_START.has(ch) || ((ch === '-' || ch === '?' || ch === ':') && isBlank(text[p + 1]))) decline();
    const stop = this.contentEnd(line);
    let last = p;
    for (let j = p; j < stop; j++) {
      const c = text.charCodeAt(j);
      if (c === 58 && (j + 1 >= stop || text.charCodeAt(j + 1) === 32)) {
        return { colon: j, value: plainKeyString(text.slice(p, last + 1)) };
      }
      if (c === 32) {
        if (text.charCodeAt(j + 1) === 35) return undefined; // a comment: not a key line
        continue;
      }
      if (c === 9 || c === 13) decline();
      last = j;
    }
    return undefined;
  }

  /** A quoted key closed on its line and followed by ':'. */
  private quotedKey(p: number, line: number): Key | undefined {
    const { text } = this;
    const quote = text[p];
    const stop = this.contentEnd(line);
    let close = p + 1;
    for (; close < stop; close++) {
      const c = text[close];
      if (c === '\\' && quote === '"') decline(); // escapes: not modelled
      if (c === quote) {
        if (quote === "'" && text[close + 1] === "'") close++;
        else break;
      }
    }
    if (close >= stop) return undefined;
    let q = close + 1;
    while (text.charCodeAt(q) === 32) q++;
    if (text[q] !== ':' || !(q + 1 >= stop || text.charCodeAt(q + 1) === 32)) return undefined;
    const inner = text.slice(p + 1, close);
    return { colon: q, value: quote === "'" ? inner.replace(/''/g, "'") : inner };
  }

  /**
   * The node after a ':' (context 'map', `owner` = key column) or a '-' (context 'seq',
   * `owner` = dash column), starting at `from`.
   */
  private valueAfter(from: number, owner: number, line: number, context: 'map' | 'seq'): TextNode {
    const { text } = this;
    let p = from;
    while (text.charCodeAt(p) === 32) p++;
    if (text.charCodeAt(p) === 9) decline();
    if (p >= this.contentEnd(line) || text.charCodeAt(p) === 35) return this.valueBelow(p, owner, line, context);
    return this.inlineNode(p, line, owner + 1, context);
  }

  /** Nothing after the indicator on its line: a block collection below, or an empty scalar. */
  private valueBelow(p: number, owner: number, line: number, context: 'map' | 'seq'): TextNode {
    const empty: Empty = { kind: 'empty', start: p, line, comment: p < this.contentEnd(line) };
    const next = this.nextContent(line + 1);
    if (next >= this.lineCount) return empty;
    const q = this.firstNonSpace(next);
    const indent = this.column(q, next);
    if (indent > owner) {
      if (this.isDash(q)) return { kind: 'seq', start: q, indent, line: next };
      const flow = this.text[q] === '{' || this.text[q] === '[';
      if (!flow && this.keyAt(q, next)) return { kind: 'map', start: q, indent, line: next };
      return this.scalarBelow(q, next, line, owner, context);
    }
    // A sequence may sit at its key's indent (`containers:\n- name: x`).
    if (indent === owner && context === 'map' && this.isDash(q)) return { kind: 'seq', start: q, indent, line: next };
    return empty;
  }

  /**
   * A flow scalar or collection on a line of its own below its key or dash (`description:\n  Some text`):
   * yaml's lexer keeps the indent its indicator set, unless a comment line in between resets it.
   */
  private scalarBelow(q: number, line: number, indicatorLine: number, owner: number, context: 'map' | 'seq'): TextNode {
    const ch = this.text[q];
    if (ch === '|' || ch === '>') decline();
    if (this.maxCommentIndent(indicatorLine + 1, line) >= 0) decline();
    return this.inlineNode(q, line, owner + 1, context);
  }

  /** A node starting at `p` on the line of its indicator; `indentNext` as yaml's lexer has it. */
  private inlineNode(p: number, line: number, indentNext: number, context: 'map' | 'seq'): TextNode {
    const { text } = this;
    const ch = text[p];
    const column = this.column(p, line);
    if (ch === '"' || ch === "'") {
      const end = this.quotedEnd(p, indentNext);
      const lastLine = this.lineOf(end - 1);
      let q = end;
      while (text.charCodeAt(q) === 32) q++;
      if (text[q] === ':' && isBlank(text[q + 1])) {
        if (context === 'map' || lastLine !== line) decline();
        return { kind: 'map', start: p, indent: column, line };
      }
      this.expectLineEnd(end, lastLine);
      return { kind: 'leaf', start: p, end, lastLine, block: false };
    }
    if (ch === '|' || ch === '>') return this.blockScalar(p, line, indentNext);
    if (ch === '[' || ch === '{') return this.flowCollection(p, line);
    if (ch === '-' && isBlank(text[p + 1])) {
      if (context === 'map') decline();
      return { kind: 'seq', start: p, indent: column, line };
    }
    if (NOT_PLAIN_START.has(ch) || ((ch === '?' || ch === ':') && isBlank(text[p + 1]))) decline();
    const scan = this.plainScalar(p, indentNext);
    if (scan.colon) {
      if (context === 'map' || this.lineOf(scan.end) !== line) decline();
      return { kind: 'map', start: p, indent: column, line };
    }
    return { kind: 'leaf', start: p, end: scan.end + 1, lastLine: this.lineOf(scan.end), block: false };
  }

  /** yaml's Lexer.continueScalar (block context, indentNext > 0). */
  private continueScalar(offset: number, indentNext: number): number {
    const { text } = this;
    let indent = 0;
    let ch = text[offset];
    while (ch === ' ') ch = text[++indent + offset];
    if (ch === '\r' && text[indent + offset + 1] === '\n') return offset + indent + 1;
    return ch === '\n' || indent >= indentNext ? offset + indent : -1;
  }

  /**
   * yaml's Lexer.parsePlainScalar outside flow collections: the offset of the scalar's last
   * character, and whether it stopped at a ':' indicator (then it is a key).
   */
  private plainScalar(p: number, indentNext: number): { end: number; colon: boolean } {
    const { text } = this;
    let end = p - 1;
    let i = p - 1;
    let ch: string | undefined;
    while ((ch = text[++i])) {
      if (ch === ':') {
        if (isBlank(text[i + 1])) return { end, colon: true };
        end = i;
      } else if (ch === ' ' || ch === '\n' || ch === '\r') {
        let next = text[i + 1];
        if (ch === '\r') {
          if (next !== '\n') decline();
          i += 1;
          ch = '\n';
          next = text[i + 1];
        }
        if (next === '#') break;
        if (ch === '\n') {
          const cs = this.continueScalar(i + 1, indentNext);
          if (cs === -1) break;
          i = Math.max(i, cs - 2);
        }
      } else if (ch === '\t') {
        decline();
      } else {
        end = i;
      }
    }
    return { end, colon: false };
  }

  /** yaml's Lexer.parseQuotedScalar: the offset after the closing quote. */
  private quotedEnd(p: number, indentNext: number): number {
    const { text } = this;
    const quote = text[p];
    let end = text.indexOf(quote, p + 1);
    if (quote === "'") {
      while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
    } else {
      while (end !== -1) {
        let n = 0;
        while (text[end - 1 - n] === '\\') n += 1;
        if (n % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
    }
    if (end === -1) decline();
    for (let nl = text.indexOf('\n', p); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
      const cs = this.continueScalar(nl + 1, indentNext);
      if (cs === -1) decline(); // an unexpected unindent: an error in yaml
    }
    return end + 1;
  }

  /**
   * A flow collection closed on its own line (`{}`, `[a, b]`, `{name: x, port: 80}`), parsed
   * into entries so a path can go inside. Multi-line ones, comments inside, implicit pairs in
   * sequences, empty values and trailing commas decline.
   */
  private flowCollection(p: number, line: number): Leaf {
    const stop = this.contentEnd(line);
    const leaf = this.flowNode(p, stop, line);
    let r = leaf.end;
    while (this.text.charCodeAt(r) === 32) r++;
    if (this.text[r] === ':') decline(); // a flow collection as a key
    this.expectLineEnd(leaf.end, line);
    return leaf;
  }

  /** A value inside a flow collection: a nested collection, a quoted or a plain scalar. */
  private flowNode(p: number, stop: number, line: number): Leaf {
    const { text } = this;
    const ch = text[p];
    if (ch === '[' || ch === '{') return this.flowBody(p, stop, line);
    if (ch === '"' || ch === "'") return { kind: 'leaf', start: p, end: this.quotedEndOnLine(p, stop) + 1, lastLine: line, block: false };
    if (NOT_PLAIN_START.has(ch) || ((ch === '-' || ch === '?' || ch === ':') && isBlank(text[p + 1]))) decline();
    let end = p;
    for (let i = p; i < stop; i++) {
      const c = text[i];
      if (FLOW_INDICATORS.has(c)) return { kind: 'leaf', start: p, end: end + 1, lastLine: line, block: false };
      if (c === ':' && (isBlank(text[i + 1]) || FLOW_INDICATORS.has(text[i + 1]))) return { kind: 'leaf', start: p, end: end + 1, lastLine: line, block: false };
      if (c === '\t' || (c === ' ' && text[i + 1] === '#')) decline();
      if (c !== ' ') end = i;
    }
    return decline(); // continues on the next line
  }

  /** `[...]` or `{...}` from its opening bracket. */
  private flowBody(p: number, stop: number, line: number): Leaf {
    const { text } = this;
    const isMap = text[p] === '{';
    const close = isMap ? '}' : ']';
    const entries: FlowEntry[] = [];
    let q = this.skipSpaces(p + 1, stop);
    if (text[q] !== close) {
      for (;;) {
        entries.push(isMap ? this.flowPair(q, stop, line) : this.flowItem(q, stop, line));
        q = this.skipSpaces(entries[entries.length - 1].node.end, stop);
        if (text[q] === close) break;
        if (text[q] !== ',') decline();
        q = this.skipSpaces(q + 1, stop);
        if (text[q] === close || text[q] === ',') decline(); // trailing or empty entry
      }
    }
    return { kind: 'leaf', start: p, end: q + 1, lastLine: line, block: false, flow: entries.length ? 'items' : 'empty', entries, isMap };
  }

  private flowItem(q: number, stop: number, line: number): FlowEntry {
    const node = this.flowNode(q, stop, line);
    if (this.text[this.skipSpaces(node.end, stop)] === ':') decline(); // an implicit pair
    return { start: q, node };
  }

  private flowPair(q: number, stop: number, line: number): FlowEntry {
    const { text } = this;
    const keyNode = this.flowNode(q, stop, line);
    if (keyNode.flow) decline();
    const colon = this.skipSpaces(keyNode.end, stop);
    if (text[colon] !== ':' || text[colon + 1] !== ' ') decline(); // `{a}`, `{"a":b}`
    const raw = text.slice(q, keyNode.end);
    let key: string | undefined;
    if (raw[0] === "'") key = raw.slice(1, -1).replace(/''/g, "'");
    else if (raw[0] === '"') key = raw.includes('\\') ? decline() : raw.slice(1, -1);
    else key = plainKeyString(raw);
    const v = this.skipSpaces(colon + 1, stop);
    if (text[v] === ',' || text[v] === '}') decline(); // an empty value
    return { start: q, key, node: this.flowNode(v, stop, line) };
  }

  private skipSpaces(p: number, stop: number): number {
    while (p < stop && this.text.charCodeAt(p) === 32) p++;
    if (p >= stop) decline();
    return p;
  }

  private quotedEndOnLine(p: number, stop: number): number {
    const { text } = this;
    const quote = text[p];
    for (let q = p + 1; q < stop; q++) {
      if (quote === '"' && text[q] === '\\') q++;
      else if (text[q] === quote) {
        if (quote === "'" && text[q + 1] === "'") q++;
        else return q;
      }
    }
    return decline();
  }

  /** yaml's block scalar: header checks, then Lexer.parseBlockScalar for the extent. */
  private blockScalar(p: number, line: number, indentNext: number): Leaf {
    const { text } = this;
    let h = p + 1;
    while (!isBlank(text[h]) && text[h] !== '#') h++;
    const header = text.slice(p, h);
    if (!/^[|>](?:[1-9][-+]?|[-+][1-9]?)?$/.test(header)) decline();
    this.expectLineEnd(h, line);
    const digit = /[1-9]/.exec(header);
    const end = this.blockScalarEnd(this.lineStart(line + 1), indentNext, digit ? Number(digit[0]) - 1 : -1, header.includes('+'));
    return { kind: 'leaf', start: p, end, lastLine: this.lineOf(end) - 1, block: true };
  }

  /** A port of yaml's Lexer.parseBlockScalar (at the end of input): the end of the body. */
  private blockScalarEnd(pos: number, indentNext: number, explicitIndent: number, keep: boolean): number {
    const { text } = this;
    let nl = pos - 1;
    let indent = 0;
    let ch: string | undefined;
    loop: for (let i = pos; (ch = text[i]); ++i) {
      switch (ch) {
        case ' ':
          indent += 1;
          break;
        case '\n':
          nl = i;
          indent = 0;
          break;
        case '\r':
          if (text[i + 1] === '\n') break;
          break loop;
        default:
          break loop;
      }
    }
    if (indent >= indentNext) {
      const contentIndent = explicitIndent === -1 ? indent : explicitIndent + indentNext;
      do {
        const cs = this.continueScalar(nl + 1, contentIndent);
        if (cs === -1) break;
        nl = text.indexOf('\n', cs);
      } while (nl !== -1);
      if (nl === -1) nl = text.length;
    }
    let i = nl + 1;
    ch = text[i];
    while (ch === ' ') ch = text[++i];
    if (ch === '\t') decline();
    if (!keep) {
      for (;;) {
        let j = nl - 1;
        let c = text[j];
        if (c === '\r') c = text[--j];
        const lastChar = j;
        while (c === ' ') c = text[--j];
        if (c === '\n' && j >= pos && j + 1 + indent > lastChar) nl = j;
        else break;
      }
    }
    return Math.min(nl + 1, text.length);
  }

  // ---- where a node ends --------------------------------------------------------------------

  /** range[1] of a node. */
  private end(node: TextNode): number {
    switch (node.kind) {
      case 'leaf':
        return node.end;
      case 'empty':
        return node.start;
      default:
        return this.collectionEnd(node);
    }
  }

  /** Where a collection's own lines end: the next line that is not inside it. */
  private collectionEndLine(c: Collection): number {
    return this.scanEntries(c, () => false);
  }

  /**
   * range[1] of a block collection: range[2] of its last item, found by following last items
   * down to a leaf. The leaf's trailing tokens and the comment lines after it decide.
   */
  private collectionEnd(c: Collection): number {
    const endLine = this.collectionEndLine(c);
    const chain: Collection[] = [c];
    let leaf: Leaf | Empty | undefined;
    while (!leaf) {
      const last = this.lastValue(chain[chain.length - 1], endLine);
      if (isCollection(last)) chain.push(last);
      else leaf = last;
    }
    if (leaf.kind === 'empty') return this.emptyLeafEnd(leaf, endLine);
    const innermost = chain[chain.length - 1];
    let leafEnd: number; // the leaf's range[2]
    let trivia: number; // first line after the leaf's tokens
    if (leaf.block) {
      leafEnd = leaf.end;
      trivia = leaf.end >= this.text.length ? this.lineCount : this.lineOf(leaf.end);
    } else {
      // The rest of the line, then more-indented comment lines (and blank lines before them)
      // are appended to the leaf's trailing tokens by the parser.
      trivia = leaf.lastLine + 1;
      leafEnd = this.lineStart(trivia);
      for (let l = trivia; l < endLine; l++) {
        if (!this.isTrivia(l)) decline();
        const p = this.firstNonSpace(l);
        if (p >= this.contentEnd(l)) continue;
        if (this.column(p, l) <= innermost.indent) break;
        trivia = l + 1;
        leafEnd = this.lineStart(trivia);
      }
    }
    const commentIndent = this.maxCommentIndent(trivia, endLine);
    if (commentIndent < 0) return leafEnd;
    // The remaining comment lines stay in the deepest collection (indent > 0) whose indent
    // some comment reaches; that collection's range[2] then runs to the next content.
    for (let level = chain.length - 1; level >= 1; level--) {
      const indent = chain[level].indent;
      if (indent !== 0 && commentIndent >= indent) {
        return endLine < this.lineCount ? this.firstNonSpace(endLine) : this.text.length;
      }
    }
    return leafEnd;
  }

  /** The deepest indent of a comment line in [from, to), -1 when none; other content declines. */
  private maxCommentIndent(from: number, to: number): number {
    let max = -1;
    for (let l = from; l < to; l++) {
      if (!this.isTrivia(l)) decline();
      const p = this.firstNonSpace(l);
      if (p < this.contentEnd(l)) max = Math.max(max, this.column(p, l));
    }
    return max;
  }

  /** An empty last value: its position, unless comments make yaml extend its range[2]. */
  private emptyLeafEnd(leaf: Empty, endLine: number): number {
    if (leaf.comment || this.maxCommentIndent(leaf.line + 1, endLine) >= 0) decline();
    return leaf.start;
  }
}

/** Convenience for one query (the loader keeps one TextLocator per document). */
export function locateInText(text: string, itemPath: Path, path: Path): Region | undefined {
  return new TextLocator(text).locate(itemPath, path);
}
