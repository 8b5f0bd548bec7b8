/** Reading input bytes as text, refusing what is not text (binary, invalid UTF-8). */

import { Buffer, isUtf8 } from 'node:buffer';
import type { InputError } from './types.js';

export type TextResult = { ok: true; text: string } | { ok: false; message: string };

export function decodeText(bytes: Uint8Array): TextResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { ok: false, message: 'binary file (contains NUL bytes); not a manifest' };
  // isUtf8 (simdutf) + toString is several times faster than a fatal TextDecoder on large inputs.
  if (!isUtf8(bytes)) return { ok: false, message: 'not valid UTF-8 text; not a manifest' };
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
  return { ok: true, text };
}

/**
 * Unrendered Helm templates: `{{` directives at the start of a line or as a whole value.
 * `{{` inside quoted strings (Prometheus alert templates in ConfigMaps) is fine.
 */
const HELM_LINE = /^[ \t]*(?:-[ \t]+)?\{\{-?[ \t]*(?:if|else|end|range|with|define|template|include|toYaml|\.|\$|-)/m;
const HELM_VALUE = /:[ \t]+\{\{[^\n]*\}\}[ \t]*$/m;

export function looksLikeHelmTemplate(text: string): boolean {
  if (!text.includes('{{')) return false;
  return HELM_LINE.test(text) || HELM_VALUE.test(text);
}

/**
 * Input bytes as manifest text, or why they are not: binary, invalid UTF-8, or an unrendered
 * Helm template (reported at its first directive).
 */
export function manifestText(bytes: Uint8Array, file: string): { ok: true; text: string } | { ok: false; error: InputError } {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return { ok: false, error: { file, message: decoded.message } };
  if (looksLikeHelmTemplate(decoded.text)) {
    return { ok: false, error: { file, line: helmLine(decoded.text), column: 1, message: 'unrendered Helm template ({{ }}): render it first with `helm template` and scan the output' } };
  }
  return decoded;
}

export function helmLine(text: string): number {
  const m = HELM_LINE.exec(text) ?? HELM_VALUE.exec(text);
  return m ? 1 + countNewlines(text, 0, m.index) : 1;
}

/** Line breaks in text[from, to) (indexOf is memchr-fast; a char loop is not). */
export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 1-based line and column (in UTF-16 code units, as the YAML library counts) of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line: 1 + countNewlines(text, 0, lineStart), column: offset - lineStart + 1 };
}
