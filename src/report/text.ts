/**
 * Human report: findings grouped by file, then by object, then by line; colour on a TTY; a summary
 * table at the end (counts by severity, the ten checks with most findings). Errors and warnings are
 * not part of it: the CLI writes them to stderr, so a report piped to a file holds only the report.
 */
import { SEVERITIES, severityRank, type Finding, type Severity } from '../engine/types.js';
import { FindingBuckets } from './finding-spool.js';
import type { ReportInput, Reporter, StreamInput } from './model.js';

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

type Paint = (code: string, s: string) => string;

/** Unsuppressed findings counted by severity and by check (with the check's worst severity): the summary tables. */
interface ActiveTally {
  bySeverity: Map<Severity, number>;
  byCheck: Map<string, { n: number; severity: Severity }>;
}

function newTally(): ActiveTally {
  return { bySeverity: new Map(), byCheck: new Map() };
}

function count(t: ActiveTally, f: Finding): void {
  if (f.suppressed) return;
  t.bySeverity.set(f.severity, (t.bySeverity.get(f.severity) ?? 0) + 1);
  const e = t.byCheck.get(f.check);
  if (!e) t.byCheck.set(f.check, { n: 1, severity: f.severity });
  else {
    e.n++;
    if (severityRank(f.severity) > severityRank(e.severity)) e.severity = f.severity;
  }
}

/** Findings grouped by file, then object, in report order. */
type Grouped = Iterable<[file: string, objects: Iterable<[object: string, findings: readonly Finding[]]>]>;

/** The report's lines, each to be followed by a newline; the tally is read once the groups are written. */
function* textLines(r: Omit<ReportInput, 'findings'>, files: Grouped, tally: ActiveTally): Generator<string> {
  const c: Paint = (code, s) => (r.color ? code + s + RESET : s);
  // The remediation is printed the first time a check appears: enough to act, not a wall of text.
  const explained = new Set<string>();
  for (const [file, objects] of files) {
    yield c(BOLD, file);
    for (const [object, findings] of objects) {
      yield `  ${object}`;
      for (const f of findings) {
        const sev = c(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
        const sup = f.suppressed ? c(DIM, ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]`) : '';
        // Findings about live objects (audit) have no file position: the field path locates them.
        yield `    ${f.line ? `${f.line}:${f.column}` : f.path}  ${sev} ${f.check}  ${f.message}${sup}`;
        if (!explained.has(f.check)) {
          explained.add(f.check);
          yield c(DIM, `          fix: ${f.remediation}`);
        }
      }
    }
    yield '';
  }
  yield* summaryTables(tally, c);
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
  yield `${plural(s.objects, 'object')} scanned: ${plural(s.findings, 'finding')}${counts.length ? ` (${counts.join(', ')})` : ''}${notes.length ? `, ${notes.join(', ')}` : ''}`;
}

export const textReport: Reporter = (r) => {
  const tally = newTally();
  for (const f of r.findings) count(tally, f);
  const shown = r.findings.filter((f) => r.showSuppressed || !f.suppressed);
  return [...textLines(r, groupFindings(shown), tally)].join('\n') + '\n';
};

/**
 * The text report of findings read back from disk, byte-identical to textReport's. A scan's
 * findings come sorted by file (compareFindings), so each file's are grouped as textReport
 * groups them, holding one file's findings at a time. An audit's have no file positions and come
 * object by object: see auditTextStream.
 */
export function* textReportStream(r: StreamInput): Generator<string> {
  if (r.command === 'audit') {
    yield* auditTextStream(r);
    return;
  }
  const tally = newTally();
  const byFile: Grouped = {
    *[Symbol.iterator]() {
      const done = new Set<string>();
      let file: Finding[] = [];
      for (const f of r.findings) {
        count(tally, f);
        if (!(r.showSuppressed || !f.suppressed)) continue;
        if (file.length && f.file !== file[0].file) {
          yield* groupFindings(file);
          done.add(file[0].file);
          file = [];
        }
        if (done.has(f.file)) throw new Error(`internal: the findings of ${f.file} do not come together`);
        file.push(f);
      }
      if (file.length) yield* groupFindings(file);
    },
  };
  for (const line of textLines(r, byFile, tally)) yield `${line}\n`;
}

/**
 * The text report of an audit's findings read back from disk: without file positions, object by
 * object, which is the audit's order: an object's findings are then ordered by check, and objects
 * by their first check (groupFindings with every line 0), a stable sort done in FindingBuckets.
 */
function* auditTextStream(r: StreamInput): Generator<string> {
  const tally = newTally();
  const buckets = new FindingBuckets();
  try {
    const fileIndex = new Map<string, number>();
    const seen = new Set<string>();
    let group: Finding[] = [];
    let groupKey = '';
    const put = () => {
      if (!group.length) return;
      if (seen.has(groupKey)) throw new Error(`internal: the findings of ${groupKey} do not come together`);
      seen.add(groupKey);
      group.sort(byCheck);
      buckets.add(`${String(fileIndex.get(group[0].file)).padStart(10, '0')}\u0000${group[0].check}`, group);
      group = [];
    };
    for (const f of r.findings) {
      count(tally, f);
      if (!(r.showSuppressed || !f.suppressed)) continue;
      if (f.line || f.column) throw new Error(`internal: the streamed text report takes findings without positions (${f.file}:${f.line}:${f.column})`);
      if (!fileIndex.has(f.file)) fileIndex.set(f.file, fileIndex.size);
      const key = `${f.file}\u0000${objectName(f.object)}`;
      if (key !== groupKey) {
        put();
        groupKey = key;
      }
      group.push(f);
    }
    put();
    const files = [...fileIndex.keys()];
    const keys = buckets.keys((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const grouped: Grouped = {
      *[Symbol.iterator]() {
        for (let i = 0; i < files.length; i++) {
          const prefix = `${String(i).padStart(10, '0')}\u0000`;
          const mine = keys.filter((k) => k.startsWith(prefix));
          yield [
            files[i],
            {
              *[Symbol.iterator]() {
                for (const k of mine) for (const g of buckets.read(k)) yield [objectName(g[0].object), g] as [string, Finding[]];
              },
            },
          ];
        }
      },
    };
    for (const line of textLines(r, grouped, tally)) yield `${line}\n`;
  } finally {
    buckets.close();
  }
}

const byCheck = (a: Finding, b: Finding) => (a.check < b.check ? -1 : a.check > b.check ? 1 : 0);

/** Counts by severity and the checks with most findings (unsuppressed), as two small tables. */
function summaryTables(t: ActiveTally, c: Paint): string[] {
  const { bySeverity, byCheck } = t;
  if (bySeverity.size === 0) return [];
  const sevRows = [['SEVERITY', 'FINDINGS'], ...SEVERITIES.slice().reverse().filter((s) => bySeverity.has(s)).map((s) => [s, String(bySeverity.get(s))])];
  const checks = [...byCheck].sort(([a, x], [b, y]) => y.n - x.n || severityRank(y.severity) - severityRank(x.severity) || (a < b ? -1 : 1));
  const title = checks.length > TOP_CHECKS ? `CHECK (top ${TOP_CHECKS} of ${checks.length})` : 'CHECK';
  const checkRows = [[title, 'SEVERITY', 'FINDINGS'], ...checks.slice(0, TOP_CHECKS).map(([id, e]) => [id, e.severity, String(e.n)])];
  const paint = (lines: string[]) => lines.map((l, i) => (i === 0 ? c(BOLD, l) : l));
  return [...paint(table(sevRows, new Set([1]))), '', ...paint(table(checkRows, new Set([2]))), ''];
}
