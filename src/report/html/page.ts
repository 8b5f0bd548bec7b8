/**
 * The HTML report: one self-contained file (inline CSS, inline SVG, inline script, no fetches:
 * the Content-Security-Policy forbids any). Without JavaScript it shows the summary, charts,
 * compliance, the worst findings (STATIC_ROWS of them) and every check's explanation; the script
 * adds filters, search and pagination over all findings, which are embedded as compact JSON.
 *
 * Size: about 200 bytes per finding plus the static part (≤ ~350 KB); docs/reports.md has the
 * measured bound.
 */
import { SEVERITIES, severityRank, type Severity } from '../../engine/types.js';
import { compareWorstFirst, overview, type Overview } from '../overview.js';
import { severityByNamespaceChart, topChecksChart } from './charts.js';
import { CLIENT_JS } from './client.js';
import { esc, scriptJson } from './escape.js';
import type { HtmlFinding, HtmlReportModel } from './model.js';
import type { Walkable } from '../finding-spool.js';
import { CSS } from './style.js';
import { findingLocation, lineUrl } from '../links.js';
import type { ComplianceReport } from '../compliance/evaluate.js';

/** Findings rendered as HTML rows in the file (readable without JavaScript). */
export const STATIC_ROWS = 200;
/** Findings per page when the script runs. */
export const PAGE_SIZE = 50;

const SEV_INDEX: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function pl(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function objectText(f: HtmlFinding): string {
  return `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}${f.container ? ` (${f.container})` : ''}`;
}


/**
 * The findings as compact JSON: strings interned, one array per finding. A first walk numbers
 * the strings and checks (`row` of each finding, in the order of the rows), so the tables can be
 * written before the rows, which a second walk writes piece by piece: no walk holds the findings.
 */
class DataEncoder {
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly checkIndex: Map<string, number>;
  private readonly checks: unknown[][];

  constructor(checks: HtmlReportModel['checks']) {
    this.checkIndex = new Map(checks.map((c, i) => [c.id, i]));
    this.checks = checks.map((c) => [c.id, c.title, SEV_INDEX[c.severity], c.category, c.why, c.fix, c.references.map((r) => [r.title, r.url])]);
  }

  private s(v: string | undefined): number {
    if (v === undefined || v === '') return -1;
    let i = this.ids.get(v);
    if (i === undefined) {
      this.ids.set(v, (i = this.strings.length));
      this.strings.push(v);
    }
    return i;
  }

  /** A finding's row (numbering what it names that is new). */
  row(f: HtmlFinding): unknown[] {
    let ci = this.checkIndex.get(f.check);
    if (ci === undefined) {
      // A finding of a check the model does not describe still shows, with its own title.
      ci = this.checks.length;
      this.checkIndex.set(f.check, ci);
      this.checks.push([f.check, f.title, SEV_INDEX[f.severity], f.category, '', '', []]);
    }
    const row: unknown[] = [ci, SEV_INDEX[f.severity], f.message, this.s(f.file), f.line ?? 0, f.column ?? 0, this.s(f.object.kind), this.s(f.object.namespace), this.s(f.object.name), this.s(f.container), this.s(f.path)];
    if (f.suppressed || f.detail?.length) row.push(f.suppressed ? this.s(f.suppressed.by) : -1, f.suppressed?.reason ?? '');
    if (f.detail?.length) row.push(f.detail);
    return row;
  }

  /** The script's JSON, `{s, c, f, repo, pageSize}`, in pieces: every finding was `row`ed once before, in this order. */
  *json(ordered: Iterable<HtmlFinding>, repoUrl: string | undefined): Generator<string> {
    yield scriptJson({ s: this.strings, c: this.checks }).slice(0, -1) + ',"f":[';
    let piece: string[] = [];
    let first = true;
    for (const f of ordered) {
      piece.push((first ? '' : ',') + scriptJson(this.row(f)));
      first = false;
      if (piece.length === 64) {
        yield piece.join('');
        piece = [];
      }
    }
    yield piece.join('') + ']' + scriptJson({ repo: repoUrl ?? null, pageSize: PAGE_SIZE }).replace(/^\{/, ',');
  }
}

function severityCards(ov: Overview): string {
  const cards = [`<div class="card"><span class="n">${ov.score}</span><span class="l">score / 100</span></div>`];
  cards.push(`<div class="card"><span class="n">${ov.findings.toLocaleString('en-US')}</span><span class="l">findings</span></div>`);
  for (const s of [...SEVERITIES].reverse()) cards.push(`<div class="card"><span class="n">${ov.bySeverity[s].toLocaleString('en-US')}</span><span class="badge b-${s}">${s}</span></div>`);
  cards.push(`<div class="card"><span class="n">${ov.objects.toLocaleString('en-US')}</span><span class="l">objects</span></div>`);
  if (ov.suppressed) cards.push(`<div class="card"><span class="n">${ov.suppressed.toLocaleString('en-US')}</span><span class="l">suppressed</span></div>`);
  return `<div class="cards">${cards.join('')}</div>`;
}

function sevCells(c: Record<Severity, number>): string {
  return [...SEVERITIES].reverse().map((s) => `<td class="num">${c[s] || ''}</td>`).join('');
}
const SEV_HEAD = [...SEVERITIES].reverse().map((s) => `<th class="num" scope="col">${s}</th>`).join('');

function namespaceTable(ov: Overview, max = 40): string {
  const rows = ov.namespaces.slice(0, max).map((n) => `<tr><th scope="row">${esc(n.namespace)}</th><td class="num">${n.score}</td><td class="num">${n.objects}</td>${sevCells(n.bySeverity)}</tr>`);
  const more = ov.namespaces.length > max ? `<p class="note">${pl(ov.namespaces.length - max, 'more namespace')} (better scores) not listed.</p>` : '';
  return `<table><caption class="note">Worst score first</caption><thead><tr><th scope="col">namespace</th><th class="num" scope="col">score</th><th class="num" scope="col">objects</th>${SEV_HEAD}</tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function worstObjectsTable(ov: Overview, max = 15): string {
  if (!ov.worstObjects.length) return '<p>No object has a finding.</p>';
  const rows = ov.worstObjects.slice(0, max).map((o) => `<tr><th scope="row">${esc(`${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`)}</th><td class="num">${o.score}</td>${sevCells(o.bySeverity)}</tr>`);
  return `<table><thead><tr><th scope="col">workload or object</th><th class="num" scope="col">score</th>${SEV_HEAD}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function categoryTable(ov: Overview): string {
  const rows = ov.byCategory.map((c) => `<tr><th scope="row">${esc(c.category)}</th><td class="num">${c.count}</td></tr>`);
  return `<table><thead><tr><th scope="col">category</th><th class="num" scope="col">findings</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function topChecksTable(ov: Overview, max = 10): string {
  const rows = ov.topChecks.slice(0, max).map((c) => `<tr><th scope="row"><a href="#check-${esc(c.check)}">${esc(c.check)}</a></th><td>${esc(c.title)}</td><td><span class="badge b-${c.severity}">${c.severity}</span></td><td class="num">${c.count}</td></tr>`);
  return `<table><thead><tr><th scope="col">check</th><th scope="col">title</th><th scope="col">severity</th><th class="num" scope="col">findings</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function complianceSection(c: ComplianceReport): string {
  const s = c.summary;
  const rows = c.controls.map(
    (x) =>
      `<tr><th scope="row">${esc(x.id)}</th><td>${esc(x.title)}${x.reason ? `<br><span class="note">${esc(x.reason)}</span>` : ''}</td><td class="status st-${x.status}">${esc(x.status === 'no-scope' ? 'nothing in scope' : x.status === 'not-assessed' ? 'not assessed' : x.status === 'manual' ? 'manual (not assessable)' : x.status.toUpperCase())}</td><td class="num">${x.passPercent === null ? '' : `${x.passPercent}%`}</td><td class="num">${x.objectsInScope || ''}</td><td class="num">${x.findings || ''}</td><td>${x.checks.map((id) => `<a href="#check-${esc(id)}">${esc(id)}</a>`).join(' ')}</td></tr>`,
  );
  return `<section aria-labelledby="h-compliance"><h2 id="h-compliance">Compliance: ${esc(c.title)} ${esc(c.version)}</h2>
<p>${s.pass} of ${s.pass + s.fail} assessed controls pass (score ${s.score === null ? 'n/a' : `${s.score}%`}); ${s.noScope} with nothing in scope, ${s.notAssessed} not assessed (their checks did not run), ${s.manual} not assessable by kubeharden (verify by hand). <a href="${esc(c.reference.url)}">${esc(c.reference.title)}</a></p>
<table><thead><tr><th scope="col">control</th><th scope="col">title</th><th scope="col">status</th><th class="num" scope="col">objects passing</th><th class="num" scope="col">in scope</th><th class="num" scope="col">findings</th><th scope="col">checks</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function staticRows(list: readonly HtmlFinding[], repoUrl: string | undefined): string {
  return list
    .slice(0, STATIC_ROWS)
    .map((f) => {
      const loc = findingLocation(f);
      const url = f.file && f.line ? lineUrl(repoUrl, f.file, f.line) : undefined;
      return `<tr class="finding sev-${f.severity}"><td></td><td><span class="badge b-${f.severity}">${f.severity}</span></td><td><a href="#check-${esc(f.check)}" title="${esc(f.title)}">${esc(f.check)}</a></td><td>${esc(objectText(f))}</td><td class="loc">${url ? `<a href="${esc(url)}">${esc(loc)}</a>` : esc(loc)}</td><td>${esc(f.message)}${f.suppressed ? ` <span class="note">(suppressed by ${esc(f.suppressed.by)}: ${esc(f.suppressed.reason)})</span>` : ''}</td></tr>`;
    })
    .join('');
}

/** A list of `total` findings, of which `list` (the first rows) is written as HTML. */
function listBlock(key: string, list: readonly HtmlFinding[], total: number, repoUrl: string | undefined, caption: string): string {
  const more = total > STATIC_ROWS ? `<p class="static-note note">The ${pl(STATIC_ROWS, 'worst finding')} of ${total.toLocaleString('en-US')} are listed here; with JavaScript the page filters, searches and pages through all of them (every finding is also in <code>-o json</code>).</p>` : '';
  return `<div id="list-${key}">${more}<div class="pager" hidden><button type="button" class="prev">Previous page</button><span class="page"></span><button type="button" class="next">Next page</button><span class="count note" role="status" aria-live="polite"></span></div>
<table><caption class="note">${esc(caption)}</caption><thead><tr><th scope="col"><span class="note">more</span></th><th scope="col">severity</th><th scope="col">check</th><th scope="col">object</th><th scope="col">location</th><th scope="col">finding</th></tr></thead><tbody>${staticRows(list, repoUrl) || '<tr><td colspan="6" class="empty">None.</td></tr>'}</tbody></table></div>`;
}

function filtersForm(): string {
  const sev = [...SEVERITIES]
    .reverse()
    .map((s) => `<label><input type="checkbox" id="f-sev-${s}" checked> <span class="badge b-${s}">${s}</span></label>`)
    .join('');
  return `<form id="filters" hidden role="search" aria-label="Filter findings">
<fieldset class="sev"><legend>Severity</legend>${sev}</fieldset>
<div><label class="l" for="f-check">Check</label><select id="f-check"><option value="">all checks</option></select></div>
<div><label class="l" for="f-ns">Namespace</label><select id="f-ns"><option value="">all namespaces</option></select></div>
<div><label class="l" for="f-file">Location contains</label><input type="text" id="f-file" list="f-files" placeholder="file or field path"><datalist id="f-files"></datalist></div>
<div><label class="l" for="f-q">Search</label><input type="search" id="f-q" placeholder="id, object, message…"></div>
<div><button type="button" id="f-reset">Reset filters</button></div>
</form>`;
}

function checksGlossary(m: Pick<HtmlReportModel, 'checks'>, used: ReadonlySet<string>): string {
  const docs = m.checks
    .filter((c) => used.has(c.id))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id))
    .map(
      (c) => `<div class="check-doc" id="check-${esc(c.id)}"><h3>${esc(c.id)}: ${esc(c.title)} <span class="badge b-${c.severity}">${c.severity}</span></h3>
<dl><dt>Why</dt><dd>${esc(c.why)}</dd><dt>Fix</dt><dd>${esc(c.fix)}</dd>${c.references.length ? `<dt>References</dt><dd><ul>${c.references.map((r) => `<li><a href="${esc(r.url)}" rel="noreferrer">${esc(r.title)}</a></li>`).join('')}</ul></dd>` : ''}</dl></div>`,
    );
  return docs.join('');
}

/** The page of findings in any order (sorted here, in memory). */
export function renderHtml(m: HtmlReportModel): string {
  return [...htmlPieces(m, [...m.findings].sort(compareWorstFirst))].join('');
}

/**
 * The page in pieces, from findings already worst first that it walks twice and never holds (a
 * spool read back, or an array): the figures, the numbering of the data's strings and the first
 * rows of each list, then the data.
 */
export function* htmlPieces(m: Omit<HtmlReportModel, 'findings'>, ordered: Walkable<HtmlFinding>): Generator<string> {
  const data = new DataEncoder(m.checks);
  const used = new Set<string>();
  // The first rows of each list, worst first: the first of the walk.
  const open: HtmlFinding[] = [];
  const suppressed: HtmlFinding[] = [];
  const ov = overview(
    visit(ordered, (f) => {
      used.add(f.check);
      data.row(f);
      const list = f.suppressed ? suppressed : open;
      if (list.length < STATIC_ROWS) list.push(f);
    }),
    m.inventory,
  );
  const title = `${m.title}: ${pl(ov.findings, 'finding')}`;
  const errors = m.errors.length
    ? `<section class="errors" aria-labelledby="h-errors"><h2 id="h-errors">Input errors: ${m.errors.length}</h2><p>These inputs could not be read or evaluated: the report is incomplete until they are fixed.</p><ul>${m.errors
        .slice(0, 500)
        .map((e) => `<li><code>${esc(`${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}`)}</code> ${esc(e.message)}</li>`)
        .join('')}</ul>${m.errors.length > 500 ? `<p>… ${pl(m.errors.length - 500, 'more error')} (see -o json).</p>` : ''}</section>`
    : '';
  const warnings = m.warnings.length ? `<details class="section"><summary>Warnings (${m.warnings.length})</summary><ul>${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></details>` : '';
  const baseline = m.baseline
    ? `<p><strong>Baseline</strong> <code>${esc(m.baseline.file)}</code>: ${pl(m.baseline.new, 'new finding')} shown; ${pl(m.baseline.unchanged, 'finding')} already in the baseline not shown; ${m.baseline.fixed.toLocaleString('en-US')} fixed since.</p>`
    : '';
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="kubeharden ${esc(m.toolVersion)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="subject">${esc(m.subject)}</p></header>
<main>
${errors}
<section aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>
${severityCards(ov)}
${baseline}
<p class="note">Score: each object starts at 100 and loses 40 per critical, 20 per high, 8 per medium and 3 per low finding (floored at 0); namespace and overall scores are the mean over their objects, clean ones included. Fails on ${m.failOn === 'none' ? 'nothing' : `${esc(m.failOn)} and above`}.</p>
<div class="grid">
<div><h3>Findings by severity, per namespace</h3>${severityByNamespaceChart(ov.namespaces)}</div>
<div><h3>Checks with most findings</h3>${topChecksChart(ov.topChecks)}</div>
</div>
<div class="grid">
<div><h3>Namespaces</h3>${namespaceTable(ov)}</div>
<div><h3>Worst workloads and objects</h3>${worstObjectsTable(ov)}<h3>By category</h3>${categoryTable(ov)}<h3>Top checks</h3>${topChecksTable(ov)}</div>
</div>
</section>
${m.compliance ? complianceSection(m.compliance) : ''}
<section aria-labelledby="h-findings"><h2 id="h-findings">Findings, worst first</h2>
${filtersForm()}
${listBlock('main', open, ov.findings, m.repoUrl, 'Unsuppressed findings, worst first')}
</section>
<details class="section" id="suppressed"><summary>Suppressed findings (${ov.suppressed.toLocaleString('en-US')})</summary>
${listBlock('suppressed', suppressed, ov.suppressed, m.repoUrl, 'Findings suppressed by annotation or configuration, with the reason given')}
</details>
${warnings}
<section aria-labelledby="h-checks"><h2 id="h-checks">Checks in this report</h2>${checksGlossary(m, used) || '<p>None.</p>'}</section>
</main>
<footer>kubeharden ${esc(m.toolVersion)} · this file loads nothing from the network</footer>
<script type="application/json" id="kh-data">`;
  yield* data.json(ordered, m.repoUrl);
  yield `</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** A walk of `items` that calls `see` on each. */
function* visit<T>(items: Iterable<T>, see: (item: T) => void): Generator<T> {
  for (const item of items) {
    see(item);
    yield item;
  }
}
