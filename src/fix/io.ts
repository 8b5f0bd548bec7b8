/**
 * Files for `fix`, `generate` and `harden`: reading the user's manifests as text (refusing
 * unrendered Helm templates), writing them back atomically with the same byte-order mark and
 * mode, and unified diffs that `git apply` / `patch -p1` accept.
 */
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CONFIG_NAMES } from '../engine/config-file.js';
import { expandInputs, statErrorText } from '../load/files.js';
import { decodeText, helmLine, looksLikeHelmTemplate } from '../load/text.js';
import type { InputError } from '../load/types.js';
import { MASK, maskSecrets } from './mask.js';

export interface SourceFile {
  /** The path as the user named it (or as found walking a directory); '<stdin>' for stdin. */
  file: string;
  text: string;
  /** The file started with a UTF-8 byte-order mark (kept when writing). */
  bom: boolean;
}

export interface HelmInput {
  file: string;
  line?: number;
}

export interface ReadResult {
  sources: SourceFile[];
  errors: InputError[];
  /** Unrendered Helm templates (and chart directories): fix refuses to edit them. */
  helm: HelmInput[];
  /** Links not followed, files reached twice (read once). */
  warnings: string[];
}

function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Reads manifests as text (no Kustomize rendering: fix edits the files themselves). */
export function readSources(paths: string[], opts: { exclude?: string[]; stdinText?: () => string } = {}): ReadResult {
  const { items, errors, warnings } = expandInputs(paths, { exclude: opts.exclude, kustomize: false, skipNames: CONFIG_NAMES });
  const sources: SourceFile[] = [];
  const helm: HelmInput[] = [];
  const out: InputError[] = [];
  for (const e of errors) {
    if (/Helm chart/.test(e.message)) helm.push({ file: e.file });
    else out.push(e);
  }
  for (const item of items) {
    if (item.type === 'kustomize') continue;
    let bytes: Uint8Array;
    const file = item.type === 'stdin' ? '<stdin>' : item.path;
    try {
      bytes = item.type === 'stdin' ? Buffer.from(opts.stdinText?.() ?? readFileSync(0, 'utf8')) : readFileSync(item.path);
    } catch (e) {
      out.push({ file, message: statErrorText(e) });
      continue;
    }
    const decoded = decodeText(bytes);
    if (!decoded.ok) {
      // Directories hold other files too; only complain about what the user named.
      if (!(item.type === 'file' && item.walked)) out.push({ file, message: decoded.message });
      continue;
    }
    if (looksLikeHelmTemplate(decoded.text)) {
      helm.push({ file, line: helmLine(decoded.text) });
      continue;
    }
    sources.push({ file, text: decoded.text, bom: hasBom(bytes) });
  }
  return { sources, errors: out, helm, warnings };
}

export function helmRefusal(helm: readonly HelmInput[]): string {
  const list = helm.map((h) => `  ${h.file}${h.line ? `:${h.line}` : ''}`).join('\n');
  return (
    `refusing to edit unrendered Helm templates:\n${list}\n` +
    'kubeharden edits rendered manifests only: a template\'s {{ }} directives decide what the YAML becomes, so no edit of it can be checked.\n' +
    'Render the chart and fix the output (helm template NAME CHART | kubeharden fix -), then carry the changes into the chart\'s values or templates;\n' +
    'or leave the templates out with --exclude \'**/templates/**\'.'
  );
}

/** Writes `text` to `file` atomically (temp file + rename), keeping its mode and byte-order mark. */
export function writeSource(file: string, text: string, bom: boolean): void {
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const tmp = join(dirname(file), `.${basename(file)}.kubeharden-${process.pid}.tmp`);
  writeFileSync(tmp, (bom ? '\ufeff' : '') + text);
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/**
 * A unified diff of one file, with `a/` and `b/` prefixes for relative paths (git apply,
 * patch -p1) and none for absolute ones. Empty when nothing changed. Secret values are masked
 * (see mask.ts): `masked` tells whether the diff shows a masked line, which `git apply` cannot
 * match against the file.
 */
export function maskedDiff(file: string, before: string, after: string, context = 3): { diff: string; masked: boolean } {
  if (before === after) return { diff: '', masked: false };
  const b = maskSecrets(before, file);
  const a = maskSecrets(after, file);
  const diff = unifiedDiff(file, b, a, context);
  const masked = (b !== before || a !== after) && diff.split('\n').some((l) => /^[ +-]/.test(l) && !/^(?:---|\+\+\+) /.test(l) && l.includes(`: ${MASK}`));
  return { diff, masked };
}

/** A unified diff of the texts as they are (callers that print to a terminal use maskedDiff). */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = isAbsolute(file) ? file : `a/${file}`;
  const b = isAbsolute(file) ? file : `b/${file}`;
  const patch = createTwoFilesPatch(a, b, before, after, undefined, undefined, { context });
  // jsdiff starts with a line of '=' (and sometimes 'Index:'); git and patch need neither.
  return patch.replace(/^(?:Index: .*\n)?=+\n/, '');
}
