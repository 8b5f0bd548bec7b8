/**
 * JUnit XML: one test suite per check, one test case per scanned object and check that
 * produced findings (failures), so CI systems show each problem as a failed test.
 */
import type { Finding } from '../engine/types.js';
import { FindingBuckets } from './finding-spool.js';
import type { ReportInput, Reporter, StreamInput } from './model.js';

function esc(s: string): string {
  // XML 1.0 cannot carry most control characters, even escaped: drop them.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

type Case = Pick<Finding, 'check' | 'object' | 'container' | 'file' | 'line' | 'column' | 'severity' | 'message' | 'path' | 'title' | 'remediation'>;

function testCase(check: string, f: Case): string {
  const name = `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}${f.container ? ` container ${f.container}` : ''}`;
  return (
    // Findings about live objects (audit) have no file position: the field path locates them.
    `    <testcase classname="${esc(check)}" name="${esc(name)}" file="${esc(f.file)}"${f.line ? ` line="${f.line}"` : ''}>\n` +
    `      <failure type="${esc(f.severity)}" message="${esc(f.message)}">${esc(`${f.line ? `${f.file}:${f.line}:${f.column}` : `${f.file} ${f.path}`} ${f.title}\n${f.message}\nfix: ${f.remediation}`)}</failure>\n` +
    `    </testcase>`
  );
}

/** One suite per check (sorted by id) of its unsuppressed findings in their order, then input errors. */
interface Suites {
  checks: string[];
  count(check: string): number;
  findings(check: string): Iterable<Case>;
}

function* junitPieces(r: Omit<ReportInput, 'findings'>, suites: Suites, failures: number): Generator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kubeharden" tests="${Math.max(1, failures + r.errors.length)}" failures="${failures}" errors="${r.errors.length}">\n`;
  let first = true;
  const sep = () => {
    const s = first ? '' : '\n';
    first = false;
    return s;
  };
  for (const check of suites.checks) {
    const n = suites.count(check);
    yield `${sep()}  <testsuite name="${esc(check)}" tests="${n}" failures="${n}" errors="0">\n`;
    let firstCase = true;
    for (const f of suites.findings(check)) {
      yield `${firstCase ? '' : '\n'}${testCase(check, f)}`;
      firstCase = false;
    }
    yield '\n  </testsuite>';
  }
  if (r.errors.length) {
    const cases = r.errors.map(
      (e) => `    <testcase classname="input" name="${esc(e.file)}"><error message="${esc(e.message)}">${esc(`${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''} ${e.message}`)}</error></testcase>`,
    );
    yield `${sep()}  <testsuite name="input-errors" tests="${r.errors.length}" failures="0" errors="${r.errors.length}">\n${cases.join('\n')}\n  </testsuite>`;
  }
  if (first) yield `  <testsuite name="kubeharden" tests="1" failures="0" errors="0">\n    <testcase classname="kubeharden" name="scan"/>\n  </testsuite>`;
  yield '\n</testsuites>\n';
}

const byId = (a: string, b: string) => (a < b ? -1 : 1);

export const junitReport: Reporter = (r) => {
  const active = r.findings.filter((f) => !f.suppressed);
  const byCheck = new Map<string, Finding[]>();
  for (const f of active) {
    let l = byCheck.get(f.check);
    if (!l) byCheck.set(f.check, (l = []));
    l.push(f);
  }
  const suites: Suites = { checks: [...byCheck.keys()].sort(byId), count: (c) => byCheck.get(c)?.length ?? 0, findings: (c) => byCheck.get(c) ?? [] };
  return [...junitPieces(r, suites, active.length)].join('');
};

/** The JUnit report of findings read back from disk (byte-identical to junitReport's): one bucket per check. */
export function* junitReportStream(r: StreamInput): Generator<string> {
  const buckets = new FindingBuckets();
  try {
    let failures = 0;
    for (const f of r.findings) {
      if (f.suppressed) continue;
      failures++;
      buckets.add(f.check, [f]);
    }
    const suites: Suites = {
      checks: buckets.keys(byId),
      count: (c) => buckets.findings(c),
      findings: function* (c) {
        for (const [f] of buckets.read(c)) yield f;
      },
    };
    yield* junitPieces(r, suites, failures);
  } finally {
    buckets.close();
  }
}
