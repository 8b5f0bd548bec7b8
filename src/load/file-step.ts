/**
 * Reading and parsing one manifest file from disk, as plain data: what a load worker does for the
 * main thread (load-pool.ts). Anything the fast path cannot parse comes back as `exact`, and the
 * main thread loads that file the usual way, so positions and errors are the same on both paths.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseFast, type FastParse } from './fast-documents.js';
import { notRegularText, statErrorText } from './files.js';
import { STACK_OVERFLOW, tooDeepDocuments } from './nesting.js';
import { decodeText, helmLine, looksLikeHelmTemplate } from './text.js';
import type { InputError } from './types.js';

export type FileStep =
  /** Not read (missing, not a regular file, above the size limit): the file is not counted as read. */
  | { outcome: 'unreadable'; error: InputError }
  /** Read, but not manifest text (binary, not UTF-8, an unrendered Helm template). */
  | { outcome: 'rejected'; errors: InputError[] }
  /** `length`: of the decoded text, which a re-read must match (reread.ts). */
  | { outcome: 'parsed'; parsed: FastParse; length: number }
  /** Read, and only the exact path may parse it. */
  | { outcome: 'exact' };

export function readFileStep(path: string, maxBytes: number): FileStep {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) return { outcome: 'unreadable', error: { file: path, message: notRegularText(st) } };
    if (st.size > maxBytes) {
      return { outcome: 'unreadable', error: { file: path, message: `file is ${(st.size / 1048576).toFixed(1)} MiB, above the ${(maxBytes / 1048576).toFixed(0)} MiB limit (--max-file-size); skipped` } };
    }
    bytes = readFileSync(path);
  } catch (e) {
    return { outcome: 'unreadable', error: { file: path, message: statErrorText(e) } };
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) return { outcome: 'rejected', errors: [{ file: path, message: decoded.message }] };
  const text = decoded.text;
  if (looksLikeHelmTemplate(text)) {
    return {
      outcome: 'rejected',
      errors: [{ file: path, line: helmLine(text), column: 1, message: 'unrendered Helm template ({{ }}): render it first with `helm template` and scan the output' }],
    };
  }
  // What parseManifestText does besides the fast parse (nesting too deep, a stack overflow) is
  // left to it, on the main thread.
  if (tooDeepDocuments(text).length > 0) return { outcome: 'exact' };
  // Every document's text stays here: the main thread reads the file again for positions.
  const parsed = parseFast(text, path, 'all');
  if (!parsed || parsed.errors.some((e) => STACK_OVERFLOW.test(e.message))) return { outcome: 'exact' };
  return { outcome: 'parsed', parsed, length: text.length };
}
