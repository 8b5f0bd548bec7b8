/**
 * Output of `rbac blast-radius`: a text tree, JSON, and the graph of what the workload reaches
 * (workload → ServiceAccount → identities it becomes, Secrets, node, cloud) as Graphviz dot,
 * Mermaid, or a self-contained HTML page (inline SVG laid out here, inline CSS and a few lines of
 * script for highlighting: no network, no external file).
 */
import type { BlastRadius } from '../rbac/blast/radius.js';
import { describe } from '../rbac/blast/radius.js';
import { formatRulesTable } from '../rbac/rules-list.js';

export function blastJson(r: BlastRadius): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

function tree(lines: string[], items: Array<{ text: string; children?: string[] }>, indent: string): void {
  items.forEach((it, i) => {
    const last = i === items.length - 1;
    lines.push(`${indent}${last ? '└─ ' : '├─ '}${it.text}`);
    const sub = `${indent}${last ? '   ' : '│  '}`;
    (it.children ?? []).forEach((c, j) => lines.push(`${sub}${j === (it.children ?? []).length - 1 ? '└─ ' : '├─ '}${c}`));
  });
}

export function blastText(r: BlastRadius): string {
  const lines: string[] = [];
  const w = r.workload;
  lines.push(`${r.severity.toUpperCase()}  blast radius of ${w.kind} ${w.namespace}/${w.name}${w.source ? ` (${w.source})` : ''}${w.pods ? ` (${w.pods} pod(s))` : ''}`);
  lines.push(`   ${r.summary}`);
  const sa = r.serviceAccount;
  const t = sa.token;
  const items: Array<{ text: string; children?: string[] }> = [];
  items.push({
    text: `ServiceAccount ${sa.namespace}/${sa.name}${sa.exists ? '' : ' (not among the objects read)'}: token ${t.mounted ? `mounted at ${sa.tokenPath} (${t.why})` : `not mounted (${t.why})`}`,
    children: [
      ...t.projected.map((p) => `projected token ${p.path} in volume ${p.volume}: audience ${p.audience || 'the API server'}${p.expirationSeconds ? `, expires after ${p.expirationSeconds} s` : ''}`),
      ...t.legacySecrets.map((s) => `legacy token Secret ${s} mounted`),
    ],
  });
  if (!r.apiAccess) items.push({ text: 'no API token reaches the containers: the ServiceAccount\'s permissions are not the attacker\'s' });
  else {
    const perm: string[] = [];
    if (r.permissions.cluster.length) perm.push(`cluster-wide: ${r.permissions.cluster.length} rule(s)`);
    for (const n of r.permissions.namespaces) perm.push(`namespace ${n.namespace}: ${n.rules.length} rule(s)`);
    items.push({ text: `permissions (effective, aggregated)${perm.length ? '' : ': none beyond discovery'}`, children: [...perm, ...r.holdings.map((h) => `${h.severity.toUpperCase()} ${h.id} ${h.scope ? `in ${h.scope}` : 'cluster-wide'}${h.names ? ` (only ${h.names.join(', ')})` : ''}`)] });
  }
  items.push({
    text: `Secrets: ${r.secrets.mounted.length} mounted, ${r.secrets.readable.length} readable by name${r.secrets.allIn.length ? `, every Secret in ${r.secrets.allIn.map((a) => a.namespace).join(', ')}` : ''}`,
    children: [...r.secrets.mounted.map((s) => `mounted: ${s.name} (${s.how})`), ...r.secrets.readable.map((s) => `readable: ${s.namespace}/${s.name} (${s.verb})`)],
  });
  items.push({
    text: `can become ${r.become.length} identit${r.become.length === 1 ? 'y' : 'ies'}`,
    children: r.become.map((b) => `${describe(b.subject)} — chain of ${b.chain.length}: ${b.chain.map((c) => c.how).join(' → ')}${b.holdings.length ? `; holds ${b.holdings.slice(0, 3).map((h) => `${h.id} (${h.severity})`).join(', ')}` : ''}`),
  });
  items.push({ text: `node access: ${r.node.length ? r.node.length : 'none found'}`, children: r.node.map((n) => `${n.severity.toUpperCase()} ${n.what}: ${n.detail}`) });
  items.push({ text: `cloud credentials: ${r.cloud.length ? r.cloud.length : 'none found'}`, children: r.cloud.map((c) => `${c.what}: ${c.detail}`) });
  tree(lines, items, '');
  if (r.apiAccess && (r.permissions.cluster.length || r.permissions.namespaces.length)) {
    lines.push('', 'rules (like kubectl auth can-i --list):');
    if (r.permissions.cluster.length) lines.push('cluster-wide:', formatRulesTable(r.permissions.cluster).trimEnd());
    for (const n of r.permissions.namespaces) lines.push(`namespace ${n.namespace}:`, formatRulesTable(n.rules).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

// ---- the graph ---------------------------------------------------------------------------------

export interface GraphNode {
  id: string;
  label: string;
  kind: 'workload' | 'identity' | 'secret' | 'node' | 'cloud';
  severity?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export function blastGraph(r: BlastRadius): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Map<string, string>();
  const node = (key: string, label: string, kind: GraphNode['kind'], severity?: string): string => {
    let id = ids.get(key);
    if (id) return id;
    id = `n${ids.size}`;
    ids.set(key, id);
    nodes.push({ id, label, kind, ...(severity ? { severity } : {}) });
    return id;
  };
  const w = node('workload', `${r.workload.kind} ${r.workload.namespace}/${r.workload.name}`, 'workload', r.severity);
  const saLabel = describe({ kind: 'ServiceAccount', namespace: r.serviceAccount.namespace, name: r.serviceAccount.name });
  const sa = node(saLabel, saLabel, 'identity', r.holdings[0]?.severity);
  edges.push({ from: w, to: sa, label: r.apiAccess ? 'token' : 'no token mounted' });
  for (const b of r.become) {
    let from = sa;
    for (const step of b.chain) {
      const to = node(describe(step.to), describe(step.to), 'identity');
      if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, label: step.how.replace(/ \(.*\)$/, '') });
      from = to;
    }
    const n = nodes.find((x) => x.id === ids.get(describe(b.subject)));
    if (n && b.holdings[0]) n.severity = b.holdings[0].severity;
  }
  for (const s of r.secrets.allIn) edges.push({ from: sa, to: node(`secrets:${s.namespace}`, `every Secret in ${s.namespace}`, 'secret', 'high'), label: s.verbs.join('/') });
  for (const s of r.secrets.readable) if (!r.secrets.allIn.some((a) => a.namespace === s.namespace)) edges.push({ from: sa, to: node(`secret:${s.namespace}/${s.name}`, `Secret ${s.namespace}/${s.name}`, 'secret', 'high'), label: s.verb });
  for (const s of r.secrets.mounted) edges.push({ from: w, to: node(`secret:${r.workload.namespace}/${s.name}`, `Secret ${r.workload.namespace}/${s.name}`, 'secret', 'medium'), label: 'mounted' });
  for (const n of r.node) edges.push({ from: /nodes\/proxy|privileged pods/.test(n.what) ? sa : w, to: node('node', 'the node (root)', 'node', 'critical'), label: n.what });
  for (const c of r.cloud) edges.push({ from: w, to: node(`cloud:${c.what}`, c.what, 'cloud', 'high'), label: 'credentials' });
  return { nodes, edges };
}

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function blastDot(r: BlastRadius): string {
  const g = blastGraph(r);
  const color: Record<string, string> = { critical: '#7b1fa2', high: '#c62828', medium: '#ef6c00', low: '#0277bd', info: '#616161' };
  const shape: Record<GraphNode['kind'], string> = { workload: 'box3d', identity: 'ellipse', secret: 'note', node: 'box', cloud: 'component' };
  const lines = ['digraph blast_radius {', '  rankdir=LR;', '  node [fontname="sans-serif"];'];
  for (const n of g.nodes) lines.push(`  ${n.id} [label=${q(n.label)}, shape=${shape[n.kind]}${n.severity ? `, color=${q(color[n.severity] ?? '#616161')}` : ''}];`);
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to} [label=${q(e.label)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function blastMermaid(r: BlastRadius): string {
  const g = blastGraph(r);
  const m = (s: string): string => `"${s.replace(/"/g, '#quot;')}"`;
  const shape: Record<GraphNode['kind'], [string, string]> = { workload: ['[[', ']]'], identity: ['([', '])'], secret: ['[/', '/]'], node: ['{{', '}}'], cloud: ['[(', ')]'] };
  const lines = ['flowchart LR'];
  for (const n of g.nodes) lines.push(`  ${n.id}${shape[n.kind][0]}${m(n.label)}${shape[n.kind][1]}`);
  for (const e of g.edges) lines.push(`  ${e.from} -->|${m(e.label)}| ${e.to}`);
  return `${lines.join('\n')}\n`;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Layered layout: a node's column is its shortest distance from the workload; rows in order of
 * appearance. Box widths come from the label length (7.5 px per character at 13 px sans-serif is
 * generous); the page's script checks in the browser that every label fits its box and no boxes
 * overlap, and records the result on <body> (the e2e-style test reads it in headless Chromium).
 */
export function blastHtml(r: BlastRadius): string {
  const g = blastGraph(r);
  const depth = new Map<string, number>([[g.nodes[0].id, 0]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of g.edges) {
      const d = (depth.get(e.from) ?? Infinity) + 1;
      if (d < (depth.get(e.to) ?? Infinity)) {
        depth.set(e.to, d);
        changed = true;
      }
    }
  }
  const cols = new Map<number, string[]>();
  for (const n of g.nodes) {
    const d = depth.get(n.id) ?? 0;
    cols.set(d, [...(cols.get(d) ?? []), n.id]);
  }
  const widthOf = (label: string): number => Math.max(120, Math.ceil(label.length * 7.5) + 24);
  const colWidth = new Map<number, number>();
  for (const [d, ids] of cols) colWidth.set(d, Math.max(...ids.map((id) => widthOf((g.nodes.find((n) => n.id === id) as GraphNode).label))));
  const pos = new Map<string, { x: number; y: number; w: number }>();
  let x = 20;
  for (const d of [...cols.keys()].sort((a, b) => a - b)) {
    (cols.get(d) as string[]).forEach((id, i) => pos.set(id, { x, y: 20 + i * 70, w: widthOf((g.nodes.find((n) => n.id === id) as GraphNode).label) }));
    x += (colWidth.get(d) as number) + 140;
  }
  const H = 40;
  const width = x;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + H + 40;
  const svg: string[] = [];
  svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="blast radius graph">`);
  svg.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>');
  g.edges.forEach((e, i) => {
    const a = pos.get(e.from) as { x: number; y: number; w: number };
    const b = pos.get(e.to) as { x: number; y: number; w: number };
    const x1 = a.x + a.w;
    const y1 = a.y + H / 2;
    const x2 = b.x;
    const y2 = b.y + H / 2;
    const mx = (x1 + x2) / 2;
    svg.push(`<g class="edge" data-from="${e.from}" data-to="${e.to}"><path id="e${i}" d="M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}" fill="none" stroke="#555" marker-end="url(#arrow)"/><text class="elabel" x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${esc(e.label.length > 40 ? `${e.label.slice(0, 39)}…` : e.label)}</text></g>`);
  });
  for (const n of g.nodes) {
    const p = pos.get(n.id) as { x: number; y: number; w: number };
    svg.push(`<g class="node ${n.kind} sev-${n.severity ?? 'none'}" id="${n.id}" tabindex="0"><rect x="${p.x}" y="${p.y}" width="${p.w}" height="${H}" rx="8"/><text class="label" x="${p.x + 12}" y="${p.y + 25}">${esc(n.label)}</text></g>`);
  }
  svg.push('</svg>');
  const title = `Blast radius: ${r.workload.kind} ${r.workload.namespace}/${r.workload.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.4 sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px}
.summary{color:#444;margin:0 0 16px}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:bold;font-size:12px}
.sev.critical{background:#7b1fa2}.sev.high{background:#c62828}.sev.medium{background:#ef6c00}.sev.low{background:#0277bd}.sev.info{background:#616161}
.graph{overflow:auto;border:1px solid #ddd;border-radius:6px}
.node rect{fill:#fafafa;stroke:#888;stroke-width:1.5}
.node.workload rect{fill:#e3f2fd}.node.secret rect{fill:#fff8e1}.node.node rect{fill:#fce4ec}.node.cloud rect{fill:#e8f5e9}
.node.sev-critical rect{stroke:#7b1fa2;stroke-width:3}.node.sev-high rect{stroke:#c62828;stroke-width:2.5}.node.sev-medium rect{stroke:#ef6c00;stroke-width:2}
.label{font:13px sans-serif}.elabel{font:11px sans-serif;fill:#555}
.dim{opacity:.2}
ul{margin:4px 0 12px}
</style></head>
<body>
<h1>${esc(title)} <span class="sev ${r.severity}">${r.severity.toUpperCase()}</span></h1>
<p class="summary">${esc(r.summary)}</p>
<div class="graph">${svg.join('\n')}</div>
<h2>Can become</h2>
<ul>${r.become.map((b) => `<li>${esc(describe(b.subject))} — chain of ${b.chain.length}: ${esc(b.chain.map((c) => c.how).join(' → '))}</li>`).join('') || '<li>nothing</li>'}</ul>
<h2>Node access</h2>
<ul>${r.node.map((n) => `<li><span class="sev ${n.severity}">${n.severity}</span> ${esc(n.what)}: ${esc(n.detail)}</li>`).join('') || '<li>none found</li>'}</ul>
<h2>Cloud credentials</h2>
<ul>${r.cloud.map((c) => `<li>${esc(c.what)}: ${esc(c.detail)}</li>`).join('') || '<li>none found</li>'}</ul>
<script>
// Hover or focus a node: dim everything not on an edge that touches it.
(function () {
  var nodes = document.querySelectorAll('.node'), edges = document.querySelectorAll('.edge');
  function focus(id) {
    edges.forEach(function (e) { var on = !id || e.dataset.from === id || e.dataset.to === id; e.classList.toggle('dim', !on); });
    nodes.forEach(function (n) { var on = !id || n.id === id || Array.prototype.some.call(edges, function (e) { return (e.dataset.from === id && e.dataset.to === n.id) || (e.dataset.to === id && e.dataset.from === n.id); }); n.classList.toggle('dim', !on); });
  }
  nodes.forEach(function (n) { n.addEventListener('mouseenter', function () { focus(n.id); }); n.addEventListener('focus', function () { focus(n.id); }); n.addEventListener('mouseleave', function () { focus(''); }); });
  // Layout check in the real renderer: labels fit their boxes, boxes do not overlap.
  var boxes = Array.prototype.map.call(nodes, function (n) { return n.querySelector('rect').getBBox(); });
  var overflow = Array.prototype.filter.call(nodes, function (n) { return n.querySelector('text').getComputedTextLength() + 12 > n.querySelector('rect').getBBox().width; }).length;
  var overlaps = 0;
  for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) { var a = boxes[i], b = boxes[j]; if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps++; }
  document.body.dataset.nodes = String(nodes.length);
  document.body.dataset.overflow = String(overflow);
  document.body.dataset.overlaps = String(overlaps);
})();
</script>
</body></html>
`;
}
