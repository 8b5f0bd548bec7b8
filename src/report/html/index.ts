/** `-o html` for scan results (and any command whose results are scan Findings, e.g. audit). */
import type { Check, Finding } from '../../engine/types.js';
import type { ReportInput } from '../model.js';
import type { HtmlCheckInfo, HtmlFinding } from './model.js';
import { renderHtml } from './page.js';

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
    line: f.line,
    column: f.column,
    object: f.object,
    ...(f.container ? { container: f.container } : {}),
    path: f.path,
    ...(f.suppressed ? { suppressed: { by: f.suppressed.by, reason: f.suppressed.reason } } : {}),
  };
}

export function htmlReport(r: ReportInput): string {
  return renderHtml({
    title: 'kubeharden scan',
    subject: r.title ?? 'manifests',
    toolVersion: r.toolVersion,
    failOn: r.failOn,
    findings: r.findings.map(htmlFinding),
    checks: r.checks.map(checkInfo),
    errors: r.errors,
    warnings: r.warnings,
    ...(r.inventory ? { inventory: r.inventory } : {}),
    ...(r.baseline ? { baseline: r.baseline } : {}),
    ...(r.compliance ? { compliance: r.compliance } : {}),
    ...(r.repoUrl ? { repoUrl: r.repoUrl } : {}),
  });
}
