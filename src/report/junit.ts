/**
 * JUnit XML: one test suite per check, one test case per scanned object and check that
 * produced findings (failures), so CI systems show each problem as a failed test.
 */
import type { Reporter } from './model.js';

function esc(s: string): string {
  // XML 1.0 cannot carry most control characters, even escaped: drop them.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

export const junitReport: Reporter = (r) => {
  const active = r.findings.filter((f) => !f.suppressed);
  const byCheck = new Map<string, typeof active>();
  for (const f of active) {
    let l = byCheck.get(f.check);
    if (!l) byCheck.set(f.check, (l = []));
    l.push(f);
  }
  const suites: string[] = [];
  for (const [check, findings] of [...byCheck].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cases = findings.map((f) => {
      const name = `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}${f.container ? ` container ${f.container}` : ''}`;
      return (
        // Findings about live objects (audit) have no file position: the field path locates them.
        `    <testcase classname="${esc(check)}" name="${esc(name)}" file="${esc(f.file)}"${f.line ? ` line="${f.line}"` : ''}>\n` +
        `      <failure type="${esc(f.severity)}" message="${esc(f.message)}">${esc(`${f.line ? `${f.file}:${f.line}:${f.column}` : `${f.file} ${f.path}`} ${f.title}\n${f.message}\nfix: ${f.remediation}`)}</failure>\n` +
        `    </testcase>`
      );
    });
    suites.push(`  <testsuite name="${esc(check)}" tests="${findings.length}" failures="${findings.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (r.errors.length) {
    const cases = r.errors.map(
      (e) => `    <testcase classname="input" name="${esc(e.file)}"><error message="${esc(e.message)}">${esc(`${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''} ${e.message}`)}</error></testcase>`,
    );
    suites.push(`  <testsuite name="input-errors" tests="${r.errors.length}" failures="0" errors="${r.errors.length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (suites.length === 0) suites.push(`  <testsuite name="kubeharden" tests="1" failures="0" errors="0">\n    <testcase classname="kubeharden" name="scan"/>\n  </testsuite>`);
  const failures = active.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kubeharden" tests="${Math.max(1, failures + r.errors.length)}" failures="${failures}" errors="${r.errors.length}">\n${suites.join('\n')}\n</testsuites>\n`;
};
