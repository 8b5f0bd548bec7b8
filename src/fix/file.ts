/**
 * Edits a whole file: only the documents that have operations are touched, each edited on its
 * own slice of the text and spliced back in place, so every other byte of the file (other
 * documents, separators, comments between documents) stays identical.
 *
 * Documents are found with the yaml library's CST parser (a fraction of the cost of composing
 * documents: manifests of several MB are common). Each edit is verified on its slice (parsed
 * again as exactly one document that means what the operation means); a slice ends where the
 * next document marker, document end or trailing comment begins, and edits only add indented
 * lines or `key: value` lines, never a line YAML could read as a marker, so the other documents
 * cannot be affected.
 */
import { Parser, type CST } from 'yaml';
import type { RemediationOp } from '../engine/types.js';
import { editDocumentText, type OpResult } from './yaml-edit.js';

export interface DocumentResult {
  documentIndex: number;
  results: OpResult[];
}

export interface FileEditResult {
  text: string;
  changed: boolean;
  documents: DocumentResult[];
  /** Set when the file could not be edited at all (then `text` is the input). */
  error?: string;
}

export function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** [start, end) of each document's content, indexed like parseAllDocuments' documents; null for an empty one. */
export function documentRanges(text: string): Array<[number, number] | null> {
  const tokens: CST.Token[] = [];
  try {
    for (const t of new Parser().parse(text)) tokens.push(t);
  } catch {
    return [];
  }
  const out: Array<[number, number] | null> = [];
  tokens.forEach((t, i) => {
    if (t.type !== 'document') return;
    if (!t.value) {
      out.push(null);
      return;
    }
    const next = tokens[i + 1]?.offset ?? text.length;
    out.push([t.value.offset, t.end?.[0]?.offset ?? next]);
  });
  return out;
}

/** Applies `ops` (by document index, in order) to `text`. */
export function editFileText(text: string, opsByDocument: ReadonlyMap<number, readonly RemediationOp[]>): FileEditResult {
  const ranges = documentRanges(text);
  const eol = detectEol(text);
  const documents: DocumentResult[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];

  for (const [documentIndex, ops] of [...opsByDocument].sort((a, b) => a[0] - b[0])) {
    if (ops.length === 0) continue;
    const range = ranges[documentIndex];
    if (!range) {
      documents.push({ documentIndex, results: ops.map((op) => ({ op, outcome: 'refused', reason: 'no such document' })) });
      continue;
    }
    // The document's content, with whatever precedes it on its first line (`--- `) blanked
    // so that columns, and so indentation, stay what they are in the file.
    const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
    const pad = range[0] - lineStart;
    const slice = ' '.repeat(pad) + text.slice(range[0], range[1]);
    const r = editDocumentText(slice, ops, { eol });
    documents.push({ documentIndex, results: r.results });
    if (r.text === slice) continue;
    if (r.text.slice(0, pad) !== ' '.repeat(pad)) return { text, changed: false, documents, error: 'internal error: an edit reached outside its document' };
    edits.push({ start: range[0], end: range[1], text: r.text.slice(pad) });
  }
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, changed: out !== text, documents };
}
