/**
 * One YAML/JSON text → located Kubernetes objects. Multi-document streams, `List` and any
 * `*List` kind (items expanded, positions kept). Objects are built lazily: reading kind, name,
 * namespace, labels and annotations touches only those nodes of the AST, so a huge CRD that no
 * check reads is never converted to JSON.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { aliasProblem, largestAlias } from './aliases.js';
import { append } from './append.js';
import { locateInDocument } from './locate.js';
import { parseManifestTextFast } from './fast-documents.js';
import { blankDocuments, MAX_NESTING, STACK_OVERFLOW, tooDeepDocuments } from './nesting.js';
import type { Reread } from './reread.js';
import { positionAt } from './text.js';
import { duplicateKeyMessage } from './duplicate-keys.js';
import type { InputError, KubeObject, LoadedObject, ObjectSource, Path, Region } from './types.js';

/** Bounds alias expansion (billion-laughs): the yaml library throws past this many. */
const MAX_ALIAS_COUNT = 1000;

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

function scalarString(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key, true);
  if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean')) return String(v.value);
  return undefined;
}

function stringMap(doc: Document, map: YAMLMap | null, key: string): Readonly<Record<string, string>> {
  const node = map?.get(key, true) as Node | undefined;
  if (!isMap(node)) return EMPTY;
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const v = pair.value;
    if (k === undefined) continue;
    out[k] = isScalar(v) ? String(v.value ?? '') : JSON.stringify((v as Node | null)?.toJS(doc) ?? '');
  }
  return out;
}

class YamlObject implements LoadedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly source: ObjectSource;
  #object: KubeObject | undefined;

  constructor(
    private readonly doc: Document,
    private readonly node: YAMLMap,
    file: string,
    documentIndex: number,
    itemPath: Path,
    lineCounter: LineCounter,
    /** The object already built (documents with aliases are expanded once, when they are checked). */
    built?: KubeObject,
  ) {
    this.#object = built;
    this.apiVersion = scalarString(node, 'apiVersion') ?? '';
    this.kind = scalarString(node, 'kind') ?? '';
    const meta = node.get('metadata', true);
    const metaMap = isMap(meta) ? meta : null;
    this.name = (metaMap && scalarString(metaMap, 'name')) ?? (metaMap && scalarString(metaMap, 'generateName')) ?? '';
    this.namespace = (metaMap && scalarString(metaMap, 'namespace')) || undefined;
    this.labels = stringMap(doc, metaMap, 'labels');
    this.annotations = stringMap(doc, metaMap, 'annotations');
    this.source = {
      file,
      documentIndex,
      itemPath,
      locate: (path: Path): Region => locateInDocument(doc, node, path, lineCounter),
    };
  }

  get object(): KubeObject {
    if (!this.#object) this.#object = this.node.toJS(this.doc, { maxAliasCount: MAX_ALIAS_COUNT }) as KubeObject;
    return this.#object;
  }
}

export interface ParsedText {
  objects: LoadedObject[];
  errors: InputError[];
}

function errorAt(file: string, lineCounter: LineCounter, offset: number, message: string): InputError {
  const p = lineCounter.linePos(offset);
  return { file, line: p.line, column: p.col, message };
}

function describe(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `a ${typeof node.value === 'string' ? 'string' : 'scalar'}`;
  return 'not a mapping';
}

/**
 * Parses every document of `text`; problems become errors, never exceptions. A document nested too
 * deeply to parse is reported where it passes the limit and read as empty (see nesting.ts).
 * `reread`: the file can be read again (see reread.ts); without it every document keeps its text.
 */
export function parseManifestText(text: string, file: string, reread?: Reread): ParsedText {
  let deep = tooDeepDocuments(text);
  if (deep.length === 0) {
    const r = parseManifestTextFast(text, file, reread) ?? parseManifestTextExact(text, file);
    // Flow nesting (`[[[[…`) is not pre-screened: a parser overflowing its stack reveals it.
    if (!r.errors.some((e) => STACK_OVERFLOW.test(e.message))) return r;
    deep = tooDeepDocuments(text, MAX_NESTING, true);
    if (deep.length === 0) return r;
  }
  const errors: InputError[] = deep.map((d) => ({
    file,
    ...positionAt(text, d.at),
    message: `nesting deeper than ${MAX_NESTING} levels (mappings and lists inside each other); document skipped`,
  }));
  // Same length and lines: positions in the other documents hold, and so does a re-read of the file.
  const blanked = blankDocuments(text, deep);
  const r = parseManifestTextFast(blanked, file, reread) ?? parseManifestTextExact(blanked, file);
  return { objects: r.objects, errors: append(errors, r.errors).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}


/** The exact path: the `yaml` library's AST for the whole file (positions of every error). */
export function parseManifestTextExact(text: string, file: string): ParsedText {
  const objects: LoadedObject[] = [];
  const errors: InputError[] = [];
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, strict: false, uniqueKeys: true, logLevel: 'error' }) as Document.Parsed[];
  } catch (e) {
    // Pathological input (e.g. nesting deep enough to exhaust the stack).
    errors.push({ file, message: `cannot parse: ${(e as Error).message}` });
    return { objects, errors };
  }
  if (!Array.isArray(docs)) docs = [docs as Document.Parsed];
  const mayHaveAliases = text.includes('*');
  docs.forEach((doc, documentIndex) => {
    let fatal = false;
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      if (err.code === 'DUPLICATE_KEY') {
        const lineEnd = text.indexOf('\n', err.pos[0]);
        const key = text.slice(err.pos[0], lineEnd < 0 ? text.length : lineEnd).split(/:(?:\s|$)/)[0].trim().replace(/^(["'])(.*)\1$/, '$2');
        errors.push({ file, line: pos.line, column: pos.col, message: duplicateKeyMessage(key) });
      } else {
        fatal = true;
        errors.push({ file, line: pos.line, column: pos.col, message: `invalid YAML: ${message}` });
      }
    }
    if (fatal) return;
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) return; // empty document
    if (!isMap(root)) {
      errors.push(errorAt(file, lineCounter, root.range?.[0] ?? 0, `document ${documentIndex + 1} is ${describe(root)}, not a Kubernetes object`));
      return;
    }
    let built: KubeObject | undefined;
    if (mayHaveAliases) {
      const expanded = expandAliases(doc, file, lineCounter);
      if ('error' in expanded) {
        errors.push(expanded.error);
        return;
      }
      built = expanded.value;
    }
    try {
      collectObjects(doc, root, file, documentIndex, [], lineCounter, objects, errors, built);
    } catch (e) {
      errors.push(errorAt(file, lineCounter, root.range?.[0] ?? 0, `cannot read document ${documentIndex + 1}: ${(e as Error).message}`));
    }
  });
  return { objects, errors };
}

/**
 * A document with aliases is expanded here, once, so that a bad alias is an error of this
 * document at the alias, not an exception thrown later at whichever check first reads the object.
 */
function expandAliases(doc: Document, file: string, lineCounter: LineCounter): { value: KubeObject | undefined } | { error: InputError } {
  const { problem, aliases } = aliasProblem(doc);
  if (problem) return { error: errorAt(file, lineCounter, problem.offset, `${problem.message}; document skipped`) };
  if (aliases === 0) return { value: undefined };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as KubeObject };
  } catch (e) {
    const at = largestAlias(doc) ?? (doc.contents?.range?.[0] ?? 0);
    return { error: errorAt(file, lineCounter, at, `cannot expand the aliases: ${(e as Error).message}; document skipped`) };
  }
}

function collectObjects(
  doc: Document,
  node: YAMLMap,
  file: string,
  documentIndex: number,
  itemPath: Path,
  lineCounter: LineCounter,
  objects: LoadedObject[],
  errors: InputError[],
  /** The document's value when already built; only the root object (not List items) reuses it. */
  built?: KubeObject,
): void {
  const kind = scalarString(node, 'kind');
  const apiVersion = scalarString(node, 'apiVersion');
  const items = node.get('items', true);
  if (kind && kind.endsWith('List') && isSeq(items)) {
    items.items.forEach((item, i) => {
      const path = [...itemPath, 'items', i];
      if (isMap(item)) collectObjects(doc, item, file, documentIndex, path, lineCounter, objects, errors);
      else errors.push(errorAt(file, lineCounter, (item as Node | null)?.range?.[0] ?? 0, `${kind} item ${i} is ${describe(item)}, not a Kubernetes object`));
    });
    return;
  }
  if (!kind || !apiVersion) {
    const missing = [!apiVersion && 'apiVersion', !kind && 'kind'].filter(Boolean).join(' and ');
    const err = errorAt(file, lineCounter, node.range?.[0] ?? 0, `object without ${missing}; skipped`);
    errors.push(!kind && !apiVersion ? { ...err, code: 'not-kubernetes' } : err);
    return;
  }
  objects.push(new YamlObject(doc, node, file, documentIndex, itemPath, lineCounter, itemPath.length === 0 ? built : undefined));
}
