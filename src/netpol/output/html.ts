/**
 * The reachability matrix as one self-contained HTML page (no scripts, fonts or anything else
 * fetched: it opens from a file, an artifact store or an e-mail alike). What a reader should
 * see at a glance is isolation:
 * - summary cards: workloads isolated in both directions (green), one (amber), none (red);
 * - default-deny coverage per namespace as bars;
 * - a graph: namespaces as columns, workloads coloured by isolation, allowed connections as
 *   arrows (red: all ports); workloads open to every source or reaching every destination carry
 *   a red badge instead of N arrows;
 * - the full matrix as a heat map (row: source, column: destination), ports in each cell's tooltip.
 */
import type { Matrix, MatrixNode } from '../matrix.js';
import { podText } from '../describe.js';
import { COLORS, graphOf, isolationOf, type Isolation } from './graph.js';

export interface HtmlOptions {
  title?: string;
  /** "kubeharden 0.1.0" */
  generator: string;
  /** What the matrix was computed from (files or cluster context). */
  source: string;
}

/** Beyond this many nodes the graph is left out (the matrix and tables stay). */
export const GRAPH_LIMIT = 250;
/** Beyond this many nodes the heat map is left out too. */
export const MATRIX_LIMIT = 600;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const ISOLATION_WORDS: Record<Isolation, string> = {
  both: 'isolated for ingress and egress',
  one: 'isolated in one direction only',
  none: 'not isolated: every connection allowed',
  external: 'outside the cluster',
};

function nodeTitle(n: MatrixNode): string {
  if (n.kind === 'external') return `${n.label}: ${n.external!.description}`;
  return `${n.label} (${n.workload!.kind}): ingress ${n.ingressIsolated ? 'isolated' : 'open'}, egress ${n.egressIsolated ? 'isolated' : 'open'}`;
}

function summary(m: Matrix): string {
  const w = m.nodes.filter((n) => n.kind === 'workload');
  const count = (i: Isolation) => w.filter((n) => isolationOf(n) === i).length;
  const connections = m.cells.reduce((s, row) => s + row.filter(Boolean).length, 0);
  const card = (cls: string, n: number, label: string) => `<div class="card ${cls}"><div class="num">${n}</div><div>${label}</div></div>`;
  return `<section class="cards">${card('', w.length, 'workloads')}${card('both', count('both'), 'isolated both ways')}${card('one', count('one'), 'isolated one way')}${card('none', count('none'), 'not isolated')}${card('', connections, 'allowed connections')}</section>`;
}

function coverage(m: Matrix): string {
  const byNs = new Map<string, MatrixNode[]>();
  for (const n of m.nodes) if (n.kind === 'workload') byNs.set(n.namespace!, [...(byNs.get(n.namespace!) ?? []), n]);
  const bar = (pct: number, label: string) =>
    `<div class="bar" title="${esc(label)}: ${pct}%"><div class="fill ${pct === 100 ? 'both' : pct === 0 ? 'none' : 'one'}" style="width:${pct}%"></div><span>${label} ${pct}%</span></div>`;
  const rows = [...byNs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, ns_nodes]) => {
      const pct = (f: (n: MatrixNode) => boolean) => Math.round((100 * ns_nodes.filter(f).length) / ns_nodes.length);
      return `<tr><th>${esc(ns)}</th><td>${ns_nodes.length}</td><td>${bar(pct((n) => n.ingressIsolated), 'ingress')}</td><td>${bar(pct((n) => n.egressIsolated), 'egress')}</td></tr>`;
    });
  return `<section><h2>Default-deny coverage by namespace</h2><table class="coverage"><tr><th>namespace</th><th>workloads</th><th>isolated for ingress</th><th>isolated for egress</th></tr>${rows.join('')}</table></section>`;
}

function graphSvg(m: Matrix): string {
  if (m.nodes.length > GRAPH_LIMIT) return `<section><h2>Graph</h2><p class="note">${m.nodes.length} endpoints: too many to draw (limit ${GRAPH_LIMIT}); narrow it with -n NAMESPACE. The matrix below has every pair.</p></section>`;
  const g = graphOf(m);
  const columns = new Map<string, number[]>();
  m.nodes.forEach((n, i) => {
    const col = n.kind === 'external' ? '\u0000outside the cluster' : n.namespace!;
    columns.set(col, [...(columns.get(col) ?? []), i]);
  });
  const W = 190;
  const H = 38;
  const GAP = 14;
  const COLGAP = 110;
  const TOP = 44;
  const pos = new Map<number, { x: number; y: number }>();
  const parts: string[] = [];
  let col = 0;
  let maxRows = 0;
  for (const [name, ids] of columns) {
    const x = 20 + col * (W + COLGAP);
    maxRows = Math.max(maxRows, ids.length);
    const label = name.startsWith('\u0000') ? name.slice(1) : `namespace ${name}`;
    parts.push(`<g class="ns"><rect x="${x - 10}" y="8" width="${W + 20}" height="${TOP - 4 + ids.length * (H + GAP)}" rx="10"/><text x="${x}" y="28" class="nslabel">${esc(label)}</text></g>`);
    ids.forEach((i, k) => pos.set(i, { x, y: TOP + k * (H + GAP) }));
    col++;
  }
  const width = 20 + col * (W + COLGAP);
  const height = TOP + maxRows * (H + GAP) + 20;
  const edges = g.edges.map((e) => {
    const a = pos.get(e.src)!;
    const b = pos.get(e.dst)!;
    let d: string;
    if (e.src === e.dst) d = `M${a.x + W} ${a.y + H / 2 - 8} c40 -18 40 34 0 16`;
    else if (a.x === b.x) {
      const x = a.x + W;
      const bend = 30 + Math.min(60, Math.abs(b.y - a.y) / 4);
      d = `M${x} ${a.y + H / 2} C${x + bend} ${a.y + H / 2} ${x + bend} ${b.y + H / 2} ${x} ${b.y + H / 2}`;
    } else if (a.x < b.x) d = `M${a.x + W} ${a.y + H / 2} C${a.x + W + COLGAP / 2} ${a.y + H / 2} ${b.x - COLGAP / 2} ${b.y + H / 2} ${b.x} ${b.y + H / 2}`;
    else d = `M${a.x} ${a.y + H / 2} C${a.x - COLGAP / 2} ${a.y + H / 2} ${b.x + W + COLGAP / 2} ${b.y + H / 2} ${b.x + W} ${b.y + H / 2}`;
    return `<path class="edge${e.all ? ' all' : ''}" d="${d}" marker-end="url(#${e.all ? 'arrow-all' : 'arrow'})"><title>${esc(`${m.nodes[e.src].label} → ${m.nodes[e.dst].label}: ${e.label}`)}</title></path>`;
  });
  const nodes = m.nodes.map((n, i) => {
    const p = pos.get(i)!;
    const iso = isolationOf(n);
    const name = n.kind === 'external' ? n.label : n.workload!.name;
    const sub = n.kind === 'external' ? 'external' : n.workload!.kind;
    const badges: string[] = [];
    if (n.kind === 'workload' && !n.ingressIsolated && !n.egressIsolated) badges.push('OPEN both ways');
    else if (n.kind === 'workload' && !n.ingressIsolated) badges.push('ingress open');
    else if (n.kind === 'workload' && !n.egressIsolated) badges.push('egress open');
    if (g.openTo.has(i) || g.openFrom.has(i)) badges.push(g.openTo.has(i) && g.openFrom.has(i) ? 'all ⇄ all' : g.openTo.has(i) ? 'all → it' : 'it → all');
    const badge = badges.length ? `<text x="${p.x + W - 6}" y="${p.y + 13}" class="badge">${esc(badges.join(' · '))}</text>` : '';
    return `<g class="node" data-id="${esc(n.id)}" data-isolation="${iso}"><title>${esc(nodeTitle(n))}</title><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="8" class="${iso}"/><text x="${p.x + 8}" y="${p.y + 16}" class="name">${esc(name.length > 24 ? `${name.slice(0, 23)}…` : name)}</text><text x="${p.x + 8}" y="${p.y + 31}" class="kind">${esc(sub)}</text>${badge}</g>`;
  });
  return `<section><h2>Graph</h2><p class="note">Arrows are allowed connections (red: every port). Red labels name the directions no policy isolates; "all → it" (or "it → all") replaces the arrows of a workload that every source reaches on every port (or that reaches every destination).</p><div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="reachability graph"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#5c6bc0"/></marker><marker id="arrow-all" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#c62828"/></marker></defs>${parts.join('')}${edges.join('')}${nodes.join('')}</svg></div></section>`;
}

function heatmap(m: Matrix): string {
  if (m.nodes.length > MATRIX_LIMIT) return `<section><h2>Matrix</h2><p class="note">${m.nodes.length} endpoints: too many for one table (limit ${MATRIX_LIMIT}); narrow it with -n NAMESPACE or use -o csv.</p></section>`;
  const head = m.nodes.map((n) => `<th class="col ${isolationOf(n)}" title="${esc(nodeTitle(n))}"><div>${esc(n.label)}</div></th>`).join('');
  const rows = m.nodes.map((s, i) => {
    const cells = m.nodes.map((d, j) => {
      if (s.kind === 'external' && d.kind === 'external') return '<td class="na"></td>';
      const c = m.cells[i][j];
      const cls = !c ? 'deny' : c.ports.isAll && !c.partial ? 'all' : 'some';
      const text = !c ? 'denied' : `${c.ports.toString()}${c.partial ? ' (not for every pod/address)' : ''}`;
      return `<td class="${cls}" title="${esc(`${s.label} → ${d.label}: ${text}`)}"></td>`;
    });
    return `<tr><th class="row ${isolationOf(s)}" title="${esc(nodeTitle(s))}">${esc(s.label)}</th>${cells.join('')}</tr>`;
  });
  return `<section><h2>Matrix</h2><p class="note">Row: source; column: destination. <span class="key all"></span> every port <span class="key some"></span> some ports (or some pods/addresses) <span class="key deny"></span> denied. Hover a cell for its ports.</p><div class="scroll"><table class="matrix"><tr><th></th>${head}</tr>${rows.join('')}</table></div></section>`;
}

function specificPorts(m: Matrix): string {
  const rows: string[] = [];
  m.nodes.forEach((s, i) =>
    m.nodes.forEach((d, j) => {
      const c = m.cells[i][j];
      if (c && (!c.ports.isAll || c.partial)) rows.push(`<tr><td>${esc(s.label)}</td><td>${esc(d.label)}</td><td>${esc(c.ports.toString())}${c.partial ? ' (not for every pod/address)' : ''}</td></tr>`);
    }),
  );
  if (!rows.length) return '';
  return `<section><h2>Connections allowed on some ports only</h2><table class="list"><tr><th>source</th><th>destination</th><th>ports</th></tr>${rows.join('')}</table></section>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cfd8dc;font-size:12px}
main{padding:8px 24px 32px}h2{font-size:16px;margin:24px 0 8px}.note{color:#616161;font-size:12px;margin:4px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}.card{background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:10px 16px;min-width:120px}
.card .num{font-size:26px;font-weight:600}.card.both{border-left:6px solid #43a047}.card.one{border-left:6px solid #fb8c00}.card.none{border-left:6px solid #e53935}
table{border-collapse:collapse;background:#fff}.coverage td,.coverage th,.list td,.list th{border:1px solid #e0e0e0;padding:4px 8px;text-align:left}
.bar{position:relative;width:220px;height:18px;background:#f5f5f5;border-radius:4px;overflow:hidden}.bar .fill{height:100%}.bar span{position:absolute;left:6px;top:0;font-size:11px;line-height:18px}
.fill.both{background:#81c784}.fill.one{background:#ffb74d}.fill.none{background:#e57373}
.scroll{overflow:auto;max-width:100%;border:1px solid #e0e0e0;background:#fff}
svg .ns rect{fill:#f5f5f5;stroke:#bdbdbd}svg .nslabel{font-size:12px;font-weight:600;fill:#424242}
svg .node rect{stroke:#616161;stroke-width:1}svg .node .name{font-size:12px;font-weight:600}svg .node .kind{font-size:10px;fill:#616161}
svg .badge{font-size:9px;fill:#c62828;font-weight:700;text-anchor:end}
svg rect.both{fill:${COLORS.both}}svg rect.one{fill:${COLORS.one}}svg rect.none{fill:${COLORS.none};stroke:#c62828;stroke-width:2}svg rect.external{fill:${COLORS.external}}
svg .edge{fill:none;stroke:#5c6bc0;stroke-width:1.3;opacity:.75}svg .edge.all{stroke:#c62828}svg .edge:hover{stroke-width:3;opacity:1}
.matrix{font-size:11px}.matrix td{width:14px;height:14px;border:1px solid #fff;padding:0}.matrix td.all{background:#e53935}.matrix td.some{background:#ffb74d}.matrix td.deny{background:#e8f5e9}.matrix td.na{background:#fafafa}
.matrix td:hover{outline:2px solid #263238}.matrix th.row{text-align:right;padding:0 6px;white-space:nowrap;font-weight:500}
.matrix th.col{height:140px;vertical-align:bottom;padding:0;white-space:nowrap}.matrix th.col div{writing-mode:vertical-rl;transform:rotate(180deg);padding:4px 0;font-weight:500}
th.both{box-shadow:inset 4px 0 #43a047}th.one{box-shadow:inset 4px 0 #fb8c00}th.none{box-shadow:inset 4px 0 #e53935}
.key{display:inline-block;width:12px;height:12px;vertical-align:middle;border:1px solid #bdbdbd;margin-left:8px}.key.all{background:#e53935}.key.some{background:#ffb74d}.key.deny{background:#e8f5e9}
`;

export function matrixHtml(m: Matrix, opts: HtmlOptions): string {
  const title = opts.title ?? 'NetworkPolicy reachability';
  const hostNet = m.hostNetwork.length
    ? `<section><h2>Outside NetworkPolicy</h2><p>hostNetwork pods (NetworkPolicy does not apply; others see them as their node): ${esc(m.hostNetwork.map(podText).join(', '))}</p></section>`
    : '';
  const legend = `<p class="note">${(['both', 'one', 'none', 'external'] as Isolation[]).map((i) => `<span class="key" style="background:${COLORS[i]}"></span> ${ISOLATION_WORDS[i]}`).join(' ')}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(opts.generator)} · ${esc(opts.source)}</p></header><main>
${summary(m)}${legend}${coverage(m)}${graphSvg(m)}${heatmap(m)}${specificPorts(m)}${hostNet}
</main></body></html>
`;
}
