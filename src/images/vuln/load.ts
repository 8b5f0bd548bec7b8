/**
 * Reads vulnerability reports: files, or directories of `*.json` files (recursively). Each file
 * is Trivy or Grype JSON, told apart by shape. A report that cannot be read or has the wrong
 * shape is an error with file, line and column, and is left out whole: the images it was about
 * then have no report, which the policy treats as a finding, never as clean.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { locateInDocument } from '../../load/locate.js';
import type { InputError } from '../../load/types.js';
import { parseGrype, looksLikeGrype } from './grype.js';
import { isObject, ReportShapeError, type VulnReport } from './report.js';
import { looksLikeTrivy, parseTrivy } from './trivy.js';

export interface LoadedReports {
  reports: VulnReport[];
  errors: InputError[];
  warnings: string[];
}

/** Reports larger than this are refused (a Trivy report of a large image is a few MB). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Line and column of a byte offset (1-based), as the rest of kubeharden reports positions. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** JSON.parse, with the position of a syntax error (V8 says "at position N", or the input ended). */
export function parseJsonLocated(text: string, file: string): { value: unknown } | { error: InputError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /at position (\d+)/.exec(msg);
    const offset = m ? Number(m[1]) : /end of JSON input/i.test(msg) ? text.length : undefined;
    const reason = msg.replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '');
    return { error: { file, ...(offset !== undefined ? positionAt(text, offset) : {}), message: `not valid JSON: ${reason}` } };
  }
}

/** The position of a JSON path in the text (built only when there is an error to place). */
function locate(text: string, path: ReadonlyArray<string | number>): { line: number; column: number } | undefined {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: false });
    const r = locateInDocument(doc, doc.contents, path, lineCounter);
    return { line: r.line, column: r.column };
  } catch {
    return undefined;
  }
}

/** Parses one report's text. */
export function parseReport(text: string, file: string): { report: VulnReport } | { error: InputError } {
  const parsed = parseJsonLocated(text, file);
  if ('error' in parsed) return parsed;
  const doc = parsed.value;
  try {
    if (!isObject(doc)) throw new ReportShapeError([], 'a vulnerability report is a JSON object (Trivy -f json or Grype -o json)');
    if (looksLikeTrivy(doc)) return { report: parseTrivy(doc, file) };
    if (looksLikeGrype(doc)) return { report: parseGrype(doc, file) };
    if (typeof doc['@context'] === 'string' && doc['@context'].includes('openvex')) {
      throw new ReportShapeError([], 'an OpenVEX document, not a vulnerability report: list it under vulnerabilities.vex with an expiry');
    }
    throw new ReportShapeError([], 'neither a Trivy report (SchemaVersion, Results) nor a Grype report (matches, source)');
  } catch (e) {
    if (!(e instanceof ReportShapeError)) throw e;
    const at = e.path.length ? locate(text, e.path) : { line: 1, column: 1 };
    return { error: { file, ...(at ?? {}), message: `invalid vulnerability report: ${e.message}` } };
  }
}

function reportFiles(path: string, errors: InputError[], top = true): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    errors.push({ file: path, message: `cannot read vulnerability reports: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return [];
  }
  if (!st.isDirectory()) return top || path.endsWith('.json') ? [path] : [];
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (e) {
    errors.push({ file: path, message: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return [];
  }
  return names.filter((n) => !n.startsWith('.')).flatMap((n) => reportFiles(join(path, n), errors, false));
}

/** Reads every report under the given files and directories. */
export function loadReports(paths: readonly string[]): LoadedReports {
  const out: LoadedReports = { reports: [], errors: [], warnings: [] };
  for (const p of paths) {
    const files = reportFiles(p, out.errors);
    if (files.length === 0 && !out.errors.some((e) => e.file === p)) out.warnings.push(`${p}: no vulnerability reports (*.json) found`);
    for (const file of files) {
      let text: string;
      try {
        if (statSync(file).size > MAX_REPORT_BYTES) {
          out.errors.push({ file, message: `report larger than ${MAX_REPORT_BYTES / 1048576} MiB: not read` });
          continue;
        }
        text = readFileSync(file, 'utf8');
      } catch (e) {
        out.errors.push({ file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        continue;
      }
      const r = parseReport(text, file);
      if ('error' in r) out.errors.push(r.error);
      else {
        if (r.report.digests.length === 0 && r.report.tags.length === 0) out.warnings.push(`${file}: the report names no image digest or tag, so it matches no image`);
        out.reports.push(r.report);
      }
    }
  }
  return out;
}
