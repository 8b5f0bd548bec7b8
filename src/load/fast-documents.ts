/**
 * The fast path of the loader. The `yaml` library gives exact positions but parses about
 * 4 MB/s; js-yaml parses about 18 MB/s and gives none. Most bytes of real manifests are never
 * reported on (CRDs are most of the corpus), so documents are parsed with js-yaml, and a
 * document is re-parsed with `yaml` only when a finding asks for a position in it.
 *
 * Anything unusual — a parse error, duplicate keys, unknown tags, directives, or a collection
 * reached twice through an alias (alias bombs are bounded only on the `yaml` path) — returns
 * undefined and the caller takes the exact `yaml` path for the whole file, so errors keep their
 * exact positions.
 */
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { crdHeaderText, mayHoldCrds } from './crd-header.js';
import { detached, type Reread } from './reread.js';
import { locateInDocument } from './locate.js';
import { TextLocator } from './text-locate.js';
import { countNewlines } from './text.js';
import { duplicateKeyMessage } from './duplicate-keys.js';
import type { InputError, KubeObject, LoadedObject, ObjectSource, Path, Region } from './types.js';

/** A document separator or end marker at the start of a line. */
const MARKER = /^(?:---|\.\.\.)(?=[ \t]|\r?$)/gm;
/** Directives (%YAML, %TAG) change how documents split: left to the exact path. */
const DIRECTIVE = /^%/m;

/**
 * js-yaml turns an alias of a collection into a shared reference: harmless in memory, but a
 * walk over the value (a check reading every key) would expand it. Such documents go to the
 * exact path, whose alias count is bounded.
 */
function hasSharedCollections(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (seen.has(v)) return true;
    seen.add(v);
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return false;
}

export interface Slice {
  /** Offset of the slice in the file text and its first line (1-based). */
  start: number;
  line: number;
  text: string;
}

/**
 * Only blank lines and comments. A line scan that stops at the first content line (usually the
 * first line): a regex here backtracked catastrophically, and splitting a whole CRD allocates.
 */
function hasNoContent(body: string): boolean {
  for (let start = 0; start < body.length; ) {
    const nl = body.indexOf('\n', start);
    const end = nl < 0 ? body.length : nl;
    const t = body.slice(start, end).trim();
    if (t !== '' && !t.startsWith('#')) return false;
    start = end + 1;
  }
  return true;
}

/**
 * Splits a stream into documents exactly as the `yaml` library counts them (so documentIndex
 * agrees between the two paths; `fix` edits by it): text before the first `---` or after a
 * `...` is a document only if it has content; text after a `---` always is, even if empty.
 */
export function slices(text: string): Slice[] {
  const out: Slice[] = [];
  let start = 0;
  let line = 1;
  let openedByMarker = false;
  const flush = (end: number) => {
    const body = text.slice(start, end);
    if (openedByMarker || !hasNoContent(body)) out.push({ start, line, text: body });
  };
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    flush(m.index);
    line += countNewlines(text, start, m.index);
    start = m.index;
    openedByMarker = m[0] === '---';
    if (m[0] === '...') {
      // An end marker closes the document; what follows it up to the next marker is prefix.
      const next = text.indexOf('\n', m.index);
      const cut = next < 0 ? text.length : next + 1;
      line += countNewlines(text, start, cut);
      start = cut;
    }
  }
  flush(text.length);
  return out;
}

/** What locating in a document builds on first use, shared by its objects (the items of a List). */
interface Locators {
  text?: TextLocator;
  /** The exact AST, for what the text walk does not model. */
  ast?: { doc: Document; counter: LineCounter };
}

/** The locators of documents that keep their text, for as long as the document lives. */
const keptLocators = new WeakMap<Slice, Locators>();
/** Documents whose text was let go (see release()). */
const releasedSlices = new WeakSet<Slice>();
/**
 * The locators of the one released document located last. Its text is a slice of the re-read
 * file, which a locator would keep alive whole: holding one per document would bring back all the
 * text that was let go. Findings are located in input order, so one is enough.
 */
let lastReleased: { slice: Slice; locators: Locators } | undefined;

function locatorsOf(slice: Slice): Locators {
  if (releasedSlices.has(slice)) {
    if (lastReleased?.slice !== slice) lastReleased = { slice, locators: {} };
    return lastReleased.locators;
  }
  let l = keptLocators.get(slice);
  if (!l) keptLocators.set(slice, (l = {}));
  return l;
}

/**
 * Region locator over one document. Regions come from a walk over the document text; only
 * what that walk does not model (anchors, tags, multi-line flow collections, ...) builds the
 * exact AST, on first use, shared by every object of the document (the items of a List).
 */
function lazyLocator(slice: Slice, itemPath: Path): (path: Path) => Region {
  return (path: Path): Region => {
    const shift = slice.line - 1;
    const locators = locatorsOf(slice);
    const text = (locators.text ??= new TextLocator(slice.text));
    const t = text.locate(itemPath, path);
    if (t) return { line: t.line + shift, column: t.column, endLine: t.endLine + shift, endColumn: t.endColumn };
    if (!locators.ast) {
      const counter = new LineCounter();
      locators.ast = { doc: parseDocument(slice.text, { lineCounter: counter, uniqueKeys: false, logLevel: 'error' }), counter };
    }
    const { doc, counter } = locators.ast;
    const root = doc.contents && itemPath.length ? (doc.getIn(itemPath, true) as never) : doc.contents;
    const r = locateInDocument(doc, root, path, counter);
    return { line: r.line + shift, column: r.column, endLine: r.endLine + shift, endColumn: r.endColumn };
  };
}

function strings(v: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (val === null || val === undefined) out[k] = '';
      else out[k] = typeof val === 'object' ? JSON.stringify(val) : String(val);
    }
  }
  return out;
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'a string' : 'a scalar';
}

/**
 * A file parsed on the fast path, as plain data: structured-cloneable, so a load worker
 * (load-pool.ts) can parse and the main thread build the objects (`materialize`).
 */
export interface FastParse {
  /** Each document: its offset and first line, its text unless it was let go (CRDs of a file that can be re-read). */
  documents: { start: number; line: number; length: number; text?: string }[];
  /** Each object's value (for a CRD, only its header: `crd`) and where it is in the file. */
  objects: { value: Record<string, unknown>; document: number; itemPath: Path; crd: boolean }[];
  errors: InputError[];
}

/**
 * Which documents' text a fast parse lets go of, to be read again from the file (reread.ts) only
 * if a position or a CRD's body is asked for:
 * - `none`: the file cannot be read again (stdin, rendered Kustomize output);
 * - `crds`: CustomResourceDefinitions (most of the bytes of large manifest sets, rarely read);
 * - `all`: every document, for a load worker (load-pool.ts): its parsed values reach the main
 *   thread as copies that share nothing with the text, so the text is the only thing holding it,
 *   and on the inputs large enough for workers it is a third of the live heap (~230 MB of text
 *   on the 1.1 GB ×100 corpus). Findings are located in input order, so each file is read again
 *   about once.
 */
export type TextRelease = 'none' | 'crds' | 'all';

/**
 * With `reread` (the file can be read again), the text of CRD documents is let go once their
 * header is parsed; the other documents of such a file get their own copy of their text.
 */
export function parseManifestTextFast(text: string, file: string, reread?: Reread): { objects: LoadedObject[]; errors: InputError[] } | undefined {
  const parsed = parseFast(text, file, reread ? 'crds' : 'none');
  return parsed && materialize(parsed, file, reread);
}

/** The fast parse of `text`, or undefined when only the exact path may read it. */
export function parseFast(text: string, file: string, release: TextRelease): FastParse | undefined {
  if (DIRECTIVE.test(text)) return undefined;
  const objects: FastParse['objects'] = [];
  const errors: InputError[] = [];
  const parts = slices(text);
  const letGo = release === 'crds' && mayHoldCrds(text);
  const released = new Set<number>();
  for (let documentIndex = 0; documentIndex < parts.length; documentIndex++) {
    const slice = parts[documentIndex];
    if (release === 'all') released.add(documentIndex);
    const header = crdHeader(slice.text, file);
    if (header) {
      objects.push({ value: header, document: documentIndex, itemPath: [], crd: true });
      if (letGo) released.add(documentIndex);
      continue;
    }
    // Parsed values are slices of the text they were parsed from: parse a detached copy, or they
    // would keep the whole file (CRDs included) alive.
    if (letGo) slice.text = detached(slice.text);
    // Text let go ('all'): the values are copied apart from it (load-pool.ts), flat as they are copied.
    let value = parseWhole(slice.text, file, release !== 'all');
    if (value === undefined && slice.text.length > LARGE_DOCUMENT) {
      // The exact path needs ~35 bytes per byte of a huge document with an error (432 MB for one
      // 10 MB line) and is quadratic on long flow collections: js-yaml's own position is used.
      const large = largeDocumentError(slice, file);
      if (!large) return undefined;
      errors.push(large.error);
      value = large.value;
    }
    if (value === undefined) return undefined; // the exact path reports the problem with its position
    if (value === null) continue;
    if (!isMap(value)) {
      const at = lazyLocator(slice, [])([]);
      errors.push({ file, line: at.line, column: at.column, message: `document ${documentIndex + 1} is ${describe(value)}, not a Kubernetes object` });
      continue;
    }
    collect(value, slice, documentIndex, [], objects, errors, file);
  }
  const documents = parts.map((p, i) => ({ start: p.start, line: p.line, length: p.text.length, ...(released.has(i) ? {} : { text: p.text }) }));
  return { documents, objects, errors };
}

/** The located objects of a fast parse; `reread` reads the text of released documents again. */
export function materialize(parsed: FastParse, file: string, reread?: Reread): { objects: LoadedObject[]; errors: InputError[] } {
  const documents = parsed.documents.map((d): Slice => {
    if (d.text !== undefined) return { start: d.start, line: d.line, text: d.text };
    const slice = { start: d.start, line: d.line, text: '' };
    if (reread) release(slice, reread, d.length);
    return slice;
  });
  const objects = parsed.objects.map((o) => {
    const slice = documents[o.document];
    return o.crd
      ? loadedObject(o.value, slice, file, o.document, o.itemPath, () => parseWhole(slice.text, file) ?? o.value)
      : loadedObject(o.value, slice, file, o.document, o.itemPath);
  });
  return { objects, errors: parsed.errors };
}

/** From now on the slice's text is read from the file when needed. */
function release(slice: Slice, reread: Reread, length: number): void {
  releasedSlices.add(slice);
  const { start } = slice;
  const end = start + length;
  Object.defineProperty(slice, 'text', { get: () => reread()?.slice(start, end) ?? '', enumerable: true });
}

/**
 * The document's value (null when empty), or undefined when only the exact path may read it.
 * `flatten`: false when the value is copied anyway (a load worker's, posted to the main thread).
 */
function parseWhole(text: string, file: string, flatten = true): unknown {
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch {
    return undefined;
  }
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && text.includes('*') && hasSharedCollections(value)) return undefined;
  if (flatten) flattenLongStrings(value);
  return value;
}

/** Strings this long are flattened (see flattenLongStrings); shorter ones are rarely multi-line. */
const LONG_STRING = 64;

/**
 * js-yaml builds a multi-line scalar (a block of JSON or a script in a ConfigMap, a long
 * annotation) by concatenation: a chain of one node per line, each a slice of the text, about
 * three times the string's own size (on the ×10 corpus, 900,000 such nodes: a third of the
 * loaded objects' memory). Each long string becomes one flat copy, in place. A tree only: values
 * with shared collections never get here.
 */
function flattenLongStrings(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.length >= LONG_STRING) value[i] = detached(v);
      } else flattenLongStrings(v);
    }
    return;
  }
  const map = value as Record<string, unknown>;
  for (const k in map) {
    const v = map[k];
    if (typeof v === 'string') {
      if (v.length >= LONG_STRING) map[k] = detached(v);
    } else flattenLongStrings(v);
  }
}

/** Documents larger than this get js-yaml's error position instead of the exact path's. */
const LARGE_DOCUMENT = 1 << 20;

/**
 * The error of a huge document, located by js-yaml (line and column; the exact path is not
 * affordable there). Duplicate keys still give the object (last value wins, as in the exact path).
 */
function largeDocumentError(slice: Slice, file: string): { error: InputError; value: unknown } | undefined {
  try {
    jsyaml.load(slice.text, { schema: jsyaml.CORE_SCHEMA, filename: file });
    return undefined; // it parses: what sent it here (shared collections) is the exact path's to handle
  } catch (e) {
    const ex = e as { reason?: string; mark?: { line: number; column: number } };
    if (!ex.mark || typeof ex.reason !== 'string') return undefined;
    const at = { file, line: slice.line + ex.mark.line, column: ex.mark.column + 1 };
    if (/duplicated mapping key/.test(ex.reason)) {
      let value: unknown;
      try {
        value = jsyaml.load(slice.text, { schema: jsyaml.CORE_SCHEMA, json: true });
      } catch {
        value = null;
      }
      const key = /^\s*["']?([^"':\n]*)/.exec(slice.text.split('\n')[ex.mark.line]?.slice(ex.mark.column) ?? '')?.[1] ?? '';
      return { error: { ...at, message: duplicateKeyMessage(key.trim()) }, value: value ?? null };
    }
    return { error: { ...at, message: `invalid YAML: ${ex.reason}; document skipped` }, value: null };
  }
}

/** A CRD's header (see crd-header.ts) when the document has the plain layout and the header parses. */
function crdHeader(text: string, file: string): Record<string, unknown> | undefined {
  const headerText = crdHeaderText(text);
  if (headerText === undefined) return undefined;
  const value = parseWhole(headerText, file);
  return isMap(value) && scalar(value.apiVersion) && scalar(value.kind) === 'CustomResourceDefinition' ? value : undefined;
}

function collect(value: Record<string, unknown>, slice: Slice, document: number, itemPath: Path, objects: FastParse['objects'], errors: InputError[], file: string): void {
  const kind = scalar(value.kind);
  const apiVersion = scalar(value.apiVersion);
  if (kind && kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      const path = [...itemPath, 'items', i];
      if (isMap(item)) collect(item, slice, document, path, objects, errors, file);
      else {
        const at = lazyLocator(slice, [])(path);
        errors.push({ file, line: at.line, column: at.column, message: `${kind} item ${i} is ${describe(item)}, not a Kubernetes object` });
      }
    });
    return;
  }
  if (!kind || !apiVersion) {
    const missing = [!apiVersion && 'apiVersion', !kind && 'kind'].filter(Boolean).join(' and ');
    const at = lazyLocator(slice, itemPath)([]);
    errors.push({ file, line: at.line, column: at.column, message: `object without ${missing}; skipped`, ...(!kind && !apiVersion ? { code: 'not-kubernetes' as const } : {}) });
    return;
  }
  objects.push({ value, document, itemPath, crd: false });
}

/**
 * `value` must have a string apiVersion and kind. With `whole`, `value` is only the document's
 * header and the whole object is parsed on first access to `.object`.
 */
function loadedObject(value: Record<string, unknown>, slice: Slice, file: string, documentIndex: number, itemPath: Path, whole?: () => unknown): LoadedObject {
  const meta = isMap(value.metadata) ? value.metadata : {};
  const source: ObjectSource = { file, documentIndex, itemPath, locate: lazyLocator(slice, itemPath) };
  const fields = {
    apiVersion: scalar(value.apiVersion) as string,
    kind: scalar(value.kind) as string,
    name: scalar(meta.name) ?? scalar(meta.generateName) ?? '',
    namespace: scalar(meta.namespace) || undefined,
    labels: strings(meta.labels),
    annotations: strings(meta.annotations),
    source,
  };
  if (!whole) return { ...fields, object: value as KubeObject };
  let object: KubeObject | undefined;
  return Object.defineProperty(fields, 'object', {
    enumerable: true,
    get: () => {
      if (!object) {
        const parsed = whole();
        object = (isMap(parsed) ? parsed : value) as KubeObject;
      }
      return object;
    },
  }) as LoadedObject;
}
