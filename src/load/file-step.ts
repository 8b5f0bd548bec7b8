/**
 * Reading and parsing one manifest file from disk, as plain data: what a load worker does for the
 * main thread (load-pool.ts). Anything the fast path cannot parse comes back as `exact`, and the
 * main thread loads that file the usual way, so positions and errors are the same on both paths.
 */
import { parseFast, type FastParse } from './fast-documents.js';
import { readListedFile } from './files.js';
import { STACK_OVERFLOW, tooDeepDocuments } from './nesting.js';
import { manifestText } from './text.js';
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
  const read = readListedFile(path, maxBytes);
  if (!read.ok) return { outcome: 'unreadable', error: read.error };
  const manifest = manifestText(read.bytes, path);
  if (!manifest.ok) return { outcome: 'rejected', errors: [manifest.error] };
  const text = manifest.text;
  // What parseManifestText does besides the fast parse (nesting too deep, a stack overflow) is
  // left to it, on the main thread.
  if (tooDeepDocuments(text).length > 0) return { outcome: 'exact' };
  // Every document's text stays here: the main thread reads the file again for positions.
  const parsed = parseFast(text, path, 'all');
  if (!parsed || parsed.errors.some((e) => STACK_OVERFLOW.test(e.message))) return { outcome: 'exact' };
  return { outcome: 'parsed', parsed, length: text.length };
}
