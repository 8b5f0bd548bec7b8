/**
 * Scaled inputs: the corpus copied N times with renamed objects (metadata.name suffixed with
 * `-c<k>`), so every tool sees N times as many distinct objects. The text is edited in place
 * (the rest of each file is byte-identical), so parse cost per byte stays the corpus's.
 *
 * Layout: <dir>/k<k>/f<i>.<ext> — flat and short, so that 100 copies of the 383 YAML files still
 * fit on one command line for kube-score, which takes files and no directories.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, isScalar, parseAllDocuments, Scalar, type Node } from 'yaml';
import { isManifest, listFiles } from './corpus.js';

export interface ScaledInput {
  dir: string;
  factor: number;
  files: number;
  bytes: number;
  /** Original relative path of each copied file, by the copy's relative path. */
  origin: Map<string, string>;
}

/** Offsets in the text after which a suffix goes to rename each object (metadata.name values). */
export function nameInsertOffsets(text: string): number[] {
  const offsets: number[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch {
    return offsets;
  }
  if (!Array.isArray(docs)) return offsets;
  const visitObject = (node: Node | null | undefined): void => {
    if (!isMap(node)) return;
    const md = node.get('metadata', true);
    if (isMap(md)) {
      const name = md.get('name', true);
      if (isScalar(name) && typeof name.value === 'string' && name.range) {
        const t = name.type;
        if (t === Scalar.PLAIN) offsets.push(name.range[1]);
        else if (t === Scalar.QUOTE_DOUBLE || t === Scalar.QUOTE_SINGLE) offsets.push(name.range[1] - 1);
      }
    }
    const kind = node.get('kind');
    const items = node.get('items', true);
    if (typeof kind === 'string' && kind.endsWith('List') && items && 'items' in items && Array.isArray(items.items)) {
      for (const it of items.items) visitObject(it as Node);
    }
  };
  for (const d of docs) {
    if (d.errors.length) continue;
    visitObject(d.contents as Node | null);
  }
  return offsets.sort((a, b) => a - b);
}

function splice(text: string, offsets: number[], suffix: string): string {
  if (offsets.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const o of offsets) {
    parts.push(text.slice(last, o), suffix);
    last = o;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** Creates (or reuses, if complete) the ×factor copy of corpus under base. */
export function makeScaled(corpus: string, base: string, factor: number, log: (s: string) => void = () => {}): ScaledInput {
  const dir = join(base, `x${factor}`);
  const files = listFiles(corpus, isManifest);
  const origin = new Map<string, string>();
  files.forEach((f, i) => {
    for (let k = 1; k <= factor; k++) origin.set(`k${k}/f${i}${extname(f)}`, f);
  });
  const stamp = join(dir, '.complete');
  const want = `${factor}:${files.length}:${files.map((f) => statSync(join(corpus, f)).size).reduce((a, b) => a + b, 0)}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) {
    return { dir, factor, files: origin.size, bytes: Number(want.split(':')[2]) * factor, origin };
  }
  log(`creating x${factor} copy of the corpus in ${dir} ...`);
  rmSync(dir, { recursive: true, force: true });
  for (let k = 1; k <= factor; k++) mkdirSync(join(dir, `k${k}`), { recursive: true });
  let bytes = 0;
  files.forEach((f, i) => {
    const text = readFileSync(join(corpus, f), 'utf8');
    const offsets = /\.ya?ml$/i.test(f) ? nameInsertOffsets(text) : [];
    for (let k = 1; k <= factor; k++) {
      const out = splice(text, offsets, `-c${k}`);
      bytes += Buffer.byteLength(out);
      writeFileSync(join(dir, `k${k}`, `f${i}${extname(f)}`), out);
    }
  });
  writeFileSync(stamp, want);
  return { dir, factor, files: origin.size, bytes, origin };
}
