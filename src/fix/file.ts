/**
 * Edits a whole file: only the documents that have operations are touched, each edited on its
 * own slice of the text and spliced back in place, so every other byte of the file (other
 * documents, separators, comments between documents) stays identical. The result is parsed
 * once more as a whole and must mean what the per-document edits meant.
 */
import { parseAllDocuments, type Document } from 'yaml';
import type { RemediationOp } from '../engine/types.js';
import { deepEqual } from './json-ops.js';
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

const PARSE_OPTS = { strict: false, uniqueKeys: false, prettyErrors: false } as const;

export function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

function parseAll(text: string): Document.Parsed[] | undefined {
  try {
    const docs = parseAllDocuments(text, PARSE_OPTS);
    return Array.isArray(docs) ? (docs as Document.Parsed[]) : [docs as Document.Parsed];
  } catch {
    return undefined;
  }
}

/** Applies `ops` (by document index, in order) to `text`. */
export function editFileText(text: string, opsByDocument: ReadonlyMap<number, readonly RemediationOp[]>): FileEditResult {
  const unchanged = (error: string, documents: DocumentResult[] = []): FileEditResult => ({ text, changed: false, documents, error });
  const docs = parseAll(text);
  if (!docs) return unchanged('cannot parse the file');
  const eol = detectEol(text);
  const documents: DocumentResult[] = [];
  const edits: Array<{ start: number; end: number; text: string; index: number; json: unknown }> = [];

  for (const [documentIndex, ops] of [...opsByDocument].sort((a, b) => a[0] - b[0])) {
    if (ops.length === 0) continue;
    const doc = docs[documentIndex];
    const range = doc?.contents?.range;
    if (!doc || !range || doc.errors.length) {
      documents.push({ documentIndex, results: ops.map((op) => ({ op, outcome: 'refused', reason: 'the document does not parse cleanly' })) });
      continue;
    }
    // The document's content, with whatever precedes it on its first line (`--- `) blanked
    // so that columns, and so indentation, stay what they are in the file.
    const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
    const pad = range[0] - lineStart;
    const slice = ' '.repeat(pad) + text.slice(range[0], range[2]);
    const r = editDocumentText(slice, ops, { eol });
    documents.push({ documentIndex, results: r.results });
    if (r.text === slice) continue;
    if (r.text.slice(0, pad) !== ' '.repeat(pad)) return unchanged('internal error: an edit reached outside its document', documents);
    const after = parseAll(r.text)?.[0];
    edits.push({ start: range[0], end: range[2], text: r.text.slice(pad), index: documentIndex, json: after?.toJS({ maxAliasCount: -1 }) });
  }
  if (edits.length === 0) return { text, changed: false, documents };

  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);

  // The whole file again: same number of documents, the edited ones meaning what was checked.
  const check = parseAll(out);
  if (!check || check.length !== docs.length) return unchanged('internal error: the edited file does not parse to the same documents', documents);
  for (const e of edits) {
    const d = check[e.index];
    if (d.errors.length || !deepEqual(d.toJS({ maxAliasCount: -1 }), e.json)) {
      return unchanged(`internal error: document ${e.index + 1} does not read back as edited`, documents);
    }
  }
  return { text: out, changed: out !== text, documents };
}
