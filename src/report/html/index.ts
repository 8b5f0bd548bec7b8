/** `-o html` for scan results (and any command whose results are scan Findings, e.g. audit). */
import type { Check, Finding } from '../../engine/types.js';
import { mapWalkable, spoolSorted } from '../finding-spool.js';
import type { ReportInput, StreamInput } from '../model.js';
import { compareWorstFirst } from '../overview.js';
import type { HtmlCheckInfo, HtmlFinding, HtmlReportModel } from './model.js';
import { htmlPieces } from './page.js';

export { renderHtml } from './page.js';
export type { HtmlCheckInfo, HtmlFinding, HtmlReportModel } from './model.js';

export function checkInfo(c: Check): HtmlCheckInfo {
  const m = c.meta;
  return { id: m.id, title: m.title, severity: m.severity, category: m.category, why: m.attack, fix: m.remediation, references: m.references };
}

export function htmlFinding(f: Finding): HtmlFinding {
  return {
    check: f.check,
    severity: f.severity,
    title: f.title,
    message: f.message,
    category: f.category,
    file: f.file,
    // Findings about objects read from a cluster have no file position (line 0): the path locates them.
    ...(f.line ? { line: f.line, column: f.column } : {}),
    object: f.object,
    ...(f.container ? { container: f.container } : {}),
    path: f.path,
    ...(f.suppressed ? { suppressed: { by: f.suppressed.by, reason: f.suppressed.reason } } : {}),
  };
}

/** The page's model of a scan or audit report, but its findings. */
function pageOf(r: ReportInput | StreamInput): Omit<HtmlReportModel, 'findings'> {
  return {
    title: `kubeharden ${r.command ?? 'scan'}`,
    subject: r.title ?? (r.command === 'audit' ? 'cluster' : 'manifests'),
    toolVersion: r.toolVersion,
    failOn: r.failOn,
    checks: r.checks.map(checkInfo),
    errors: r.errors,
    warnings: r.warnings,
    ...(r.inventory ? { inventory: r.inventory } : {}),
    ...(r.baseline ? { baseline: r.baseline } : {}),
    ...(r.compliance ? { compliance: r.compliance } : {}),
    ...(r.repoUrl ? { repoUrl: r.repoUrl } : {}),
  };
}

/** The page of findings held in memory, in pieces. */
export function htmlReport(r: ReportInput): Iterable<string> {
  return htmlPieces(pageOf(r), [...r.findings].sort(compareWorstFirst).map(htmlFinding));
}

/**
 * The page of findings read back from disk: put worst first in a second temporary file, which
 * the page walks twice (byte-identical to htmlReport of the same findings).
 */
export function* htmlReportStream(r: StreamInput): Generator<string> {
  const ordered = spoolSorted(r.findings, compareWorstFirst);
  try {
    yield* htmlPieces(pageOf(r), mapWalkable(ordered, htmlFinding));
  } finally {
    ordered.close();
  }
}
