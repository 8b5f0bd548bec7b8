/**
 * `-o markdown`: a summary for a pull-request comment. Grouped by severity (critical and high
 * open, the rest folded), each finding linked to its line when --repo-url gives the repository's
 * base. GitHub refuses comments over 65,536 characters, so the report stops adding findings
 * before that and says how many it left out (never silently: a cut report must not look clean).
 */
import { SEVERITIES, type Finding, type Severity } from '../engine/types.js';
import { findingLocation, lineUrl, repoPath } from './links.js';
import type { ReportInput, StreamInput } from './model.js';
import { compareWorstFirst, overview } from './overview.js';
import type { ComplianceReport, ControlResult } from './compliance/evaluate.js';

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const ICON: Record<Severity, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };
/** Severities listed open; the others are folded in <details>. */
const OPEN: ReadonlySet<Severity> = new Set(['critical', 'high']);

/** Table-cell text: one line, Markdown and HTML specials escaped. */
export function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

function objectName(f: Finding): string {
  return `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
}

function counts(bySeverity: Record<Severity, number>): string {
  const parts = [...SEVERITIES].reverse().filter((s) => bySeverity[s] > 0).map((s) => `${bySeverity[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Every row has at least its 16 characters of table syntax (`| \`` … `\` | ` … ` | ` … ` | ` … ` |\n`),
 * so no more than limit / 16 rows fit in a comment: the report needs only that many of the worst.
 */
const MIN_ROW = 16;

/** The comment on findings held in memory or read back from disk (walked twice, never held). */
export function markdownReport(r: ReportInput | StreamInput, limit = GITHUB_COMMENT_LIMIT): string {
  const ov = overview(r.findings, r.inventory);
  const worst = firstSorted(unsuppressed(r.findings), compareWorstFirst, Math.ceil(limit / MIN_ROW));
  const head: string[] = [];
  const total = ov.findings;
  head.push(`## kubeharden: ${total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'} (${counts(ov.bySeverity)})`}${r.errors.length ? ` — ⚠️ ${r.errors.length} input error${r.errors.length === 1 ? '' : 's'}` : ''}`);
  head.push('');
  const facts = [`score **${ov.score}**/100 over ${ov.objects} object${ov.objects === 1 ? '' : 's'}`];
  if (ov.suppressed) facts.push(`${ov.suppressed} suppressed`);
  if (r.baseline) facts.push(`baseline \`${cell(r.baseline.file)}\`: ${r.baseline.new} new, ${r.baseline.unchanged} unchanged (not shown), ${r.baseline.fixed} fixed`);
  facts.push(`fails on ${r.failOn === 'none' ? 'nothing' : `${r.failOn} and above`}`);
  head.push(`${facts.join(' · ')}`);
  head.push('');
  if (total > 0) {
    head.push('| severity | findings | | top checks | findings |', '|---|---:|---|---|---:|');
    const sev = [...SEVERITIES].reverse();
    const top = ov.topChecks.slice(0, 5);
    for (let i = 0; i < Math.max(sev.length, top.length); i++) {
      const s = sev[i];
      const t = top[i];
      head.push(`| ${s ? `${ICON[s]} ${s}` : ''} | ${s ? ov.bySeverity[s] : ''} | | ${t ? `\`${t.check}\` ${cell(t.title)}` : ''} | ${t ? t.count : ''} |`);
    }
    head.push('');
  }
  if (r.compliance) head.push(...complianceTable(r.compliance), '');
  const errors: string[] = [];
  if (r.errors.length) {
    errors.push(`### ⚠️ Input errors (${r.errors.length})`, '', 'These inputs were not scanned: fix them, or the report is incomplete.', '');
    for (const e of r.errors.slice(0, 50)) errors.push(`- \`${cell(repoPath(e.file))}${e.line ? `:${e.line}` : ''}\` ${cell(e.message)}`);
    if (r.errors.length > 50) errors.push(`- … and ${r.errors.length - 50} more`);
    errors.push('');
  }

  const footer = (left: number) =>
    left > 0 ? `\n> ✂️ **${left} more finding${left === 1 ? '' : 's'} not shown**: a pull-request comment holds at most ${limit.toLocaleString('en-US')} characters. The full report: \`kubeharden ${r.command ?? 'scan'} -o html\` or \`-o json\`.\n` : '';
  // Room kept for the longest possible footer and the closing of an open <details>.
  const reserve = footer(total).length + 40;
  let out = [...head, ...errors].join('\n');
  let i = 0;
  let open: Severity | undefined;
  const close = () => (open && !OPEN.has(open) ? '\n</details>\n' : '');
  for (const f of worst) {
    let piece = '';
    if (f.severity !== open) {
      piece += close();
      open = f.severity;
      const n = ov.bySeverity[f.severity];
      const title = `${ICON[f.severity]} ${f.severity[0].toUpperCase()}${f.severity.slice(1)} (${n})`;
      piece += OPEN.has(f.severity) ? `\n### ${title}\n\n` : `\n<details><summary><b>${title}</b></summary>\n\n`;
      piece += '| check | object | location | finding |\n|---|---|---|---|\n';
    }
    const where = f.line ? `${repoPath(f.file)}:${f.line}` : findingLocation(f);
    const url = lineUrl(r.repoUrl, f.file, f.line);
    piece += `| \`${f.check}\` | ${cell(objectName(f))}${f.container ? ` (${cell(f.container)})` : ''} | ${url ? `[${cell(where)}](${url})` : `\`${cell(where)}\``} | ${cell(f.message)} |\n`;
    if (out.length + piece.length + reserve > limit) break;
    out += piece;
    i++;
  }
  out += close();
  out += footer(total - i);
  if (total === 0 && !r.errors.length) out += '\n✅ Nothing to report.\n';
  out += `\n<sub>kubeharden ${r.toolVersion}</sub>\n`;
  return out;
}

const STATUS: Record<ControlResult['status'], string> = { pass: '✅ pass', fail: '❌ fail', 'no-scope': '➖ nothing in scope', 'not-assessed': '⚠️ not assessed', manual: '📝 manual' };

function complianceTable(c: ComplianceReport): string[] {
  const s = c.summary;
  const out = [
    `### ${cell(c.title)} ${cell(c.version)}: ${s.pass}/${s.pass + s.fail} assessed controls pass${s.score === null ? '' : ` (${s.score}%)`}`,
    '',
    `${s.manual} not assessable by kubeharden (verify by hand), ${s.notAssessed} not assessed (checks not run), ${s.noScope} with nothing in scope.`,
    '',
    '| control | status | objects passing | findings |',
    '|---|---|---:|---:|',
  ];
  for (const x of c.controls) out.push(`| ${cell(x.id)} ${cell(x.title)} | ${STATUS[x.status]} | ${x.passPercent === null ? '' : `${x.passPercent}% of ${x.objectsInScope}`} | ${x.findings || ''} |`);
  return out;
}

export const markdownReporter = (r: ReportInput | StreamInput): string[] => [markdownReport(r)];

function* unsuppressed(findings: Iterable<Finding>): Generator<Finding> {
  for (const f of findings) if (!f.suppressed) yield f;
}

/**
 * The first `k` items in the order of a stable sort by `compare`, holding at most 2k: the kept
 * ones are sorted and cut to k whenever they reach 2k. An item among the first k overall is
 * never cut (fewer than k kept ones come before it), and items added later come later among
 * equals, so the sort stays stable.
 */
export function firstSorted<T>(items: Iterable<T>, compare: (a: T, b: T) => number, k: number): T[] {
  let kept: T[] = [];
  for (const item of items) {
    kept.push(item);
    if (kept.length >= 2 * k) kept = kept.sort(compare).slice(0, k);
  }
  return kept.sort(compare).slice(0, k);
}
