/**
 * The bench inputs and an independent model of the corpus objects. The agreement report judges
 * kubeharden, so it does not use kubeharden's loader or pod-spec discovery: it parses the YAML
 * itself (the `yaml` package, YAML 1.2, last duplicate key wins as in kubectl) and finds pod
 * specs by shape.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseAllDocuments, visit, type Node } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedDir(): string {
  return process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(REPO_ROOT, '..', 'shared');
}

export function corpusDir(): string {
  const d = join(sharedDir(), 'corpus', 'realworld');
  if (!existsSync(d)) throw new Error(`corpus not found at ${d} (set KUBEHARDEN_SHARED=/path/to/shared)`);
  return d;
}

/** Files of a tree, sorted, relative to root. */
export function listFiles(root: string, filter: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = relative(root, p).split(sep).join('/');
        if (filter(rel)) out.push(rel);
      }
    }
  };
  walk(root);
  return out;
}

export const isManifest = (rel: string): boolean => /\.(ya?ml|json)$/i.test(rel);
export const isYaml = (rel: string): boolean => /\.ya?ml$/i.test(rel);

/** Total size in bytes of the manifest files under root. */
export function treeBytes(root: string): number {
  return listFiles(root, isManifest).reduce((s, f) => s + statSync(join(root, f)).size, 0);
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonMap = { [k: string]: Json };

export function asMap(v: unknown): JsonMap | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonMap) : undefined;
}
export function asList(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

export interface ContainerInfo {
  name: string;
  kind: 'containers' | 'initContainers' | 'ephemeralContainers';
  spec: JsonMap;
}

export interface PodInfo {
  /** The pod spec (PodSpec), wherever it sits in the object. */
  spec: JsonMap;
  /** The pod metadata (annotations), when there is one. */
  metadata: JsonMap | undefined;
  containers: ContainerInfo[];
}

export interface CorpusObject {
  file: string;
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  key: string;
  object: JsonMap;
  pod: PodInfo | undefined;
  /**
   * 1-based first and last line of the object's text in its file (its document, or its item of a
   * List), for tools that locate findings by line only (Trivy).
   */
  lines?: [number, number];
  /** Its document repeats a mapping key (kubectl and kubeharden keep the last value; some tools skip the file). */
  duplicateKeys?: boolean;
}

/** Object identity across tools: file (relative to the corpus), kind, namespace (absent = default), name. */
export function objectKey(file: string, kind: string, namespace: string | undefined, name: string): string {
  return `${file}|${kind}|${namespace || 'default'}|${name}`;
}

function podFrom(spec: unknown, metadata: unknown): PodInfo | undefined {
  const s = asMap(spec);
  if (!s || !Array.isArray(s.containers)) return undefined;
  const containers: ContainerInfo[] = [];
  for (const kind of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const c of asList(s[kind])) {
      const m = asMap(c);
      if (m) containers.push({ name: typeof m.name === 'string' ? m.name : '', kind, spec: m });
    }
  }
  return { spec: s, metadata: asMap(metadata), containers };
}

/** Pod spec by shape: Pod, PodTemplate, anything with spec.template (workloads, CRDs), CronJob's jobTemplate. */
export function findPod(o: JsonMap): PodInfo | undefined {
  const kind = o.kind;
  if (kind === 'Pod') return podFrom(o.spec, o.metadata);
  if (kind === 'PodTemplate') return podFrom(asMap(o.template)?.spec, asMap(o.template)?.metadata);
  const spec = asMap(o.spec);
  const tpl = asMap(spec?.template);
  if (tpl) return podFrom(tpl.spec, tpl.metadata);
  const jt = asMap(asMap(asMap(spec?.jobTemplate)?.spec)?.template);
  if (jt) return podFrom(jt.spec, jt.metadata);
  return undefined;
}

/** Line number (1-based) of each offset: offsets of line starts, searched by bisection. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Whether a mapping of the node repeats a key. */
function hasDuplicateKeys(node: Node | null | undefined): boolean {
  if (!node) return false;
  let dup = false;
  visit(node, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const it of map.items) {
        const k = isScalar(it.key) ? it.key.value : it.key;
        if (seen.has(k)) {
          dup = true;
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return dup;
}

/** A document's objects: itself, or the items of a `kind: *List`, each with its node (for its lines). */
function* expand(doc: JsonMap, node: Node | null | undefined): Generator<{ o: JsonMap; node: Node | null | undefined }> {
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
    const itemsNode = isMap(node) ? node.get('items', true) : undefined;
    const nodes = isSeq(itemsNode) ? itemsNode.items : [];
    for (const [i, it] of doc.items.entries()) {
      const m = asMap(it);
      if (m) yield { o: m, node: (nodes[i] as Node | undefined) ?? node };
    }
  } else yield { o: doc, node };
}

/** All Kubernetes objects of the corpus manifests (files that do not parse are skipped). */
export function loadCorpus(root: string): Map<string, CorpusObject> {
  const out = new Map<string, CorpusObject>();
  for (const file of listFiles(root, isManifest)) {
    const text = readFileSync(join(root, file), 'utf8');
    const lineOf = lineIndex(text);
    let docs: Array<{ value: unknown; node: Node | null | undefined }>;
    try {
      docs = file.endsWith('.json')
        ? [{ value: JSON.parse(text), node: undefined }]
        : parseAllDocuments(text, { uniqueKeys: false, logLevel: 'error' }).flatMap((d) => ('errors' in d && d.errors.length ? [] : [{ value: d.toJS({ maxAliasCount: -1 }), node: d.contents as Node | null }]));
    } catch {
      continue;
    }
    for (const d of docs) {
      const m = asMap(d.value);
      if (!m) continue;
      for (const { o, node } of expand(m, d.node)) {
        if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
        const md = asMap(o.metadata);
        const name = typeof md?.name === 'string' ? md.name : '';
        const ns = typeof md?.namespace === 'string' ? md.namespace : '';
        const key = objectKey(file, o.kind, ns, name);
        const lines: [number, number] = node?.range ? [lineOf(node.range[0]), lineOf(Math.max(node.range[0], node.range[1] - 1))] : [1, lineOf(text.length)];
        out.set(key, { file, kind: o.kind, apiVersion: o.apiVersion, namespace: ns, name, key, object: o, pod: findPod(o), lines, duplicateKeys: hasDuplicateKeys(d.node) || undefined });
      }
    }
  }
  return out;
}
