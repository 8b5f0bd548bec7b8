/**
 * Human report: findings grouped by file, then by object, then by line; colour on a TTY; a summary
 * table at the end (counts by severity, the ten checks with most findings). Errors and warnings are
 * not part of it: the CLI writes them to stderr, so a report piped to a file holds only the report.
 */
import { SEVERITIES, severityRank, type Finding, type Severity } from '../engine/types.js';
import type { Reporter } from './model.js';

const COLORS: Record<Severity, string> = { critical: '\x1b[1;35m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const TOP_CHECKS = 10;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Kind namespace/name, the same order in every table kubeharden prints. */
export function objectName(o: Finding['object']): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * Findings as file → object → findings by line. Objects come in the order of their first line in
 * the file: the findings of one object are never split by another's (Kustomize output points two
 * objects into the same base file, and sorting by line alone interleaved them).
 */
export function groupFindings(findings: readonly Finding[]): Map<string, Map<string, Finding[]>> {
  const byFile = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    let objects = byFile.get(f.file);
    if (!objects) byFile.set(f.file, (objects = new Map()));
    const key = objectName(f.object);
    let list = objects.get(key);
    if (!list) objects.set(key, (list = []));
    list.push(f);
  }
  const byLine = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0);
  for (const objects of byFile.values()) {
    for (const list of objects.values()) list.sort(byLine);
    const ordered = [...objects].sort(([, a], [, b]) => byLine(a[0], b[0]));
    objects.clear();
    for (const [k, v] of ordered) objects.set(k, v);
  }
  return byFile;
}

/** Rows padded into columns; the first row is the header. */
function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('   '));
}

export const textReport: Reporter = (r) => {
  const c = (code: string, s: string) => (r.color ? code + s + RESET : s);
  const out: string[] = [];
  const shown = r.findings.filter((f) => r.showSuppressed || !f.suppressed);
  // The remediation is printed the first time a check appears: enough to act, not a wall of text.
  const explained = new Set<string>();
  for (const [file, objects] of groupFindings(shown)) {
    out.push(c(BOLD, file));
    for (const [object, findings] of objects) {
      out.push(`  ${object}`);
      for (const f of findings) {
        const sev = c(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
        const sup = f.suppressed ? c(DIM, ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]`) : '';
        // Findings about live objects (audit) have no file position: the field path locates them.
        out.push(`    ${f.line ? `${f.line}:${f.column}` : f.path}  ${sev} ${f.check}  ${f.message}${sup}`);
        if (!explained.has(f.check)) {
          explained.add(f.check);
          out.push(c(DIM, `          fix: ${f.remediation}`));
        }
      }
    }
    out.push('');
  }
  out.push(...summaryTables(r.findings, c));
  const s = r.summary;
  const counts = SEVERITIES.slice()
    .reverse()
    .filter((sv) => s.bySeverity[sv] > 0)
    .map((sv) => c(COLORS[sv], `${s.bySeverity[sv]} ${sv}`));
  const notes = [
    s.suppressed ? `${s.suppressed} suppressed` : '',
    r.hiddenBelowMinSeverity ? `${r.hiddenBelowMinSeverity} below --min-severity ${r.minSeverity} not shown` : '',
    r.errors.length ? `${plural(r.errors.length, 'input error')} (on stderr): the scan is incomplete` : '',
  ].filter(Boolean);
  out.push(
    `${plural(s.objects, 'object')} scanned: ${plural(s.findings, 'finding')}${counts.length ? ` (${counts.join(', ')})` : ''}${notes.length ? `, ${notes.join(', ')}` : ''}`,
  );
  return out.join('\n') + '\n';
};

/** Counts by severity and the checks with most findings (unsuppressed), as two small tables. */
function summaryTables(findings: readonly Finding[], c: (code: string, s: string) => string): string[] {
  const active = findings.filter((f) => !f.suppressed);
  if (active.length === 0) return [];
  const bySeverity = new Map<Severity, number>();
  const byCheck = new Map<string, { n: number; severity: Severity }>();
  for (const f of active) {
    bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
    const e = byCheck.get(f.check);
    if (!e) byCheck.set(f.check, { n: 1, severity: f.severity });
    else {
      e.n++;
      if (severityRank(f.severity) > severityRank(e.severity)) e.severity = f.severity;
    }
  }
  const sevRows = [['SEVERITY', 'FINDINGS'], ...SEVERITIES.slice().reverse().filter((s) => bySeverity.has(s)).map((s) => [s, String(bySeverity.get(s))])];
  const checks = [...byCheck].sort(([a, x], [b, y]) => y.n - x.n || severityRank(y.severity) - severityRank(x.severity) || (a < b ? -1 : 1));
  const title = checks.length > TOP_CHECKS ? `CHECK (top ${TOP_CHECKS} of ${checks.length})` : 'CHECK';
  const checkRows = [[title, 'SEVERITY', 'FINDINGS'], ...checks.slice(0, TOP_CHECKS).map(([id, e]) => [id, e.severity, String(e.n)])];
  const paint = (lines: string[]) => lines.map((l, i) => (i === 0 ? c(BOLD, l) : l));
  return [...paint(table(sevRows, new Set([1]))), '', ...paint(table(checkRows, new Set([2]))), ''];
}
