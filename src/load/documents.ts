/**
 * One YAML/JSON text → located Kubernetes objects. Multi-document streams, `List` and any
 * `*List` kind (items expanded, positions kept). Objects are built lazily: reading kind, name,
 * namespace, labels and annotations touches only those nodes of the AST, so a huge CRD that no
 * check reads is never converted to JSON.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { locateInDocument } from './locate.js';
import { parseManifestTextFast } from './fast-documents.js';
import type { Reread } from './reread.js';
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
  ) {
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

/** Parses every document of `text`; problems become errors, never exceptions. */
/** `reread`: the file can be read again (see reread.ts); without it every document keeps its text. */
export function parseManifestText(text: string, file: string, reread?: Reread): ParsedText {
  return parseManifestTextFast(text, file, reread) ?? parseManifestTextExact(text, file);
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
  docs.forEach((doc, documentIndex) => {
    let fatal = false;
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      if (err.code === 'DUPLICATE_KEY') {
        errors.push({ file, line: pos.line, column: pos.col, message: `duplicate key: ${message}; the last value is used, as by kubectl` });
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
    try {
      collectObjects(doc, root, file, documentIndex, [], lineCounter, objects, errors);
    } catch (e) {
      errors.push(errorAt(file, lineCounter, root.range?.[0] ?? 0, `cannot read document ${documentIndex + 1}: ${(e as Error).message}`));
    }
  });
  return { objects, errors };
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
  objects.push(new YamlObject(doc, node, file, documentIndex, itemPath, lineCounter));
}
