/** Human report: grouped by file and object, colour on a TTY, counts by severity. */
import { SEVERITIES, type Finding, type Severity } from '../engine/types.js';
import type { Reporter } from './model.js';

const COLORS: Record<Severity, string> = { critical: '\x1b[1;35m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';

export const textReport: Reporter = (r) => {
  const c = (code: string, s: string) => (r.color ? code + s + RESET : s);
  const out: string[] = [];
  const shown = r.findings.filter((f) => r.showSuppressed || !f.suppressed);
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) {
    let l = byFile.get(f.file);
    if (!l) byFile.set(f.file, (l = []));
    l.push(f);
  }
  // The remediation is printed the first time a check appears: enough to act, not a wall of text.
  const explained = new Set<string>();
  for (const [file, findings] of byFile) {
    out.push(c(BOLD, file));
    let lastObject = '';
    for (const f of findings) {
      const obj = `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
      if (obj !== lastObject) {
        out.push(`  ${obj}`);
        lastObject = obj;
      }
      const sev = c(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
      const sup = f.suppressed ? c(DIM, ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]`) : '';
      // Findings about live objects (audit) have no file position: the field path locates them.
      out.push(`    ${f.line ? `${f.line}:${f.column}` : f.path}  ${sev} ${f.check}  ${f.message}${sup}`);
      if (!explained.has(f.check)) {
        explained.add(f.check);
        out.push(c(DIM, `          fix: ${f.remediation}`));
      }
    }
    out.push('');
  }
  for (const e of r.errors) out.push(c(COLORS.high, `error: ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`));
  for (const w of r.warnings) out.push(c(COLORS.medium, `warning: ${w}`));
  const s = r.summary;
  const counts = SEVERITIES.slice()
    .reverse()
    .filter((sv) => s.bySeverity[sv] > 0)
    .map((sv) => c(COLORS[sv], `${s.bySeverity[sv]} ${sv}`));
  out.push(
    `${s.objects} object${s.objects === 1 ? '' : 's'} scanned: ${s.findings} finding${s.findings === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}` +
      `${s.suppressed ? `, ${s.suppressed} suppressed` : ''}${r.errors.length ? `, ${r.errors.length} input error${r.errors.length === 1 ? '' : 's'}` : ''}`,
  );
  return out.join('\n') + '\n';
};
