/**
 * The matrix as a graph (Graphviz dot, Mermaid): namespaces are clusters, workloads are nodes
 * coloured by isolation (green: both directions, amber: one, red: none), edges are allowed
 * connections labelled with their ports. A destination every source reaches on every port (or a
 * source that reaches every destination) gets one edge from "any source" (to "anywhere") instead
 * of N edges: those nodes are the open ones, and the rest of the picture stays readable.
 */
import type { Matrix, MatrixNode } from '../matrix.js';

export type Isolation = 'both' | 'one' | 'none' | 'external';

export function isolationOf(n: MatrixNode): Isolation {
  if (n.kind === 'external') return 'external';
  return n.ingressIsolated && n.egressIsolated ? 'both' : n.ingressIsolated || n.egressIsolated ? 'one' : 'none';
}

export const COLORS: Record<Isolation, string> = { both: '#c8e6c9', one: '#ffe0b2', none: '#ffcdd2', external: '#e0e0e0' };

export interface GraphEdge {
  src: number;
  dst: number;
  label: string;
  all: boolean;
}

export interface Graph {
  edges: GraphEdge[];
  /** Nodes every source reaches on every port. */
  openTo: Set<number>;
  /** Nodes that reach every destination on every port. */
  openFrom: Set<number>;
}

export function graphOf(m: Matrix): Graph {
  const n = m.nodes.length;
  const full = (i: number, j: number) => {
    const c = m.cells[i][j];
    return !!c && c.ports.isAll && !c.partial;
  };
  const candidates = (i: number, j: number) => !(m.nodes[i].kind === 'external' && m.nodes[j].kind === 'external');
  const openTo = new Set<number>();
  const openFrom = new Set<number>();
  const idx = [...Array(n).keys()];
  for (let j = 0; j < n; j++) if (n > 2 && idx.every((i) => !candidates(i, j) || full(i, j))) openTo.add(j);
  for (let i = 0; i < n; i++) if (n > 2 && idx.every((j) => !candidates(i, j) || full(i, j))) openFrom.add(i);
  const edges: GraphEdge[] = [];
  for (let i = 0; i < n; i++) {
    if (openFrom.has(i)) continue;
    for (let j = 0; j < n; j++) {
      if (openTo.has(j)) continue;
      const c = m.cells[i][j];
      if (!c) continue;
      edges.push({ src: i, dst: j, label: `${c.ports.isAll ? 'all ports' : c.ports.toString()}${c.partial ? ' (some)' : ''}`, all: c.ports.isAll });
    }
  }
  return { edges, openTo, openFrom };
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function matrixDot(m: Matrix): string {
  const g = graphOf(m);
  const lines = ['digraph netpol {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  const byNs = new Map<string, number[]>();
  m.nodes.forEach((x, i) => {
    if (x.kind === 'workload') byNs.set(x.namespace!, [...(byNs.get(x.namespace!) ?? []), i]);
  });
  const nodeLine = (i: number) => {
    const x = m.nodes[i];
    const label = x.kind === 'external' ? x.label : `${x.workload!.name}\\n${x.workload!.kind}`;
    return `${dotString(x.id)} [label="${label.replace(/"/g, '\\"')}", fillcolor="${COLORS[isolationOf(x)]}"${x.kind === 'external' ? ', shape=ellipse' : ''}${g.openTo.has(i) || g.openFrom.has(i) ? ', penwidth=2, color="#c62828"' : ''}];`;
  };
  let c = 0;
  for (const [ns, ids] of byNs) {
    lines.push(`  subgraph cluster_${c++} {`, `    label=${dotString(`namespace ${ns}`)};`, '    style="rounded"; color="#9e9e9e";');
    for (const i of ids) lines.push(`    ${nodeLine(i)}`);
    lines.push('  }');
  }
  m.nodes.forEach((x, i) => x.kind === 'external' && lines.push(`  ${nodeLine(i)}`));
  if (g.openTo.size) lines.push('  "any source" [shape=plaintext, style="", fontcolor="#c62828"];');
  if (g.openFrom.size) lines.push('  "anywhere" [shape=plaintext, style="", fontcolor="#c62828"];');
  for (const j of g.openTo) lines.push(`  "any source" -> ${dotString(m.nodes[j].id)} [label="all ports", color="#c62828"];`);
  for (const i of g.openFrom) lines.push(`  ${dotString(m.nodes[i].id)} -> "anywhere" [label="all ports", color="#c62828"];`);
  for (const e of g.edges) lines.push(`  ${dotString(m.nodes[e.src].id)} -> ${dotString(m.nodes[e.dst].id)} [label=${dotString(e.label)}${e.all ? ', color="#c62828"' : ''}];`);
  lines.push('}');
  return lines.join('\n');
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function matrixMermaid(m: Matrix): string {
  const g = graphOf(m);
  const lines = ['flowchart LR'];
  const byNs = new Map<string, number[]>();
  m.nodes.forEach((x, i) => {
    if (x.kind === 'workload') byNs.set(x.namespace!, [...(byNs.get(x.namespace!) ?? []), i]);
  });
  const node = (i: number) => {
    const x = m.nodes[i];
    const label = x.kind === 'external' ? x.label : `${x.workload!.name}<br/>${x.workload!.kind}`;
    return `n${i}${x.kind === 'external' ? `(["${mermaidText(label)}"])` : `["${mermaidText(label)}"]`}:::${isolationOf(x)}`;
  };
  let c = 0;
  for (const [ns, ids] of byNs) {
    lines.push(`  subgraph ns${c++}["namespace ${mermaidText(ns)}"]`);
    for (const i of ids) lines.push(`    ${node(i)}`);
    lines.push('  end');
  }
  m.nodes.forEach((x, i) => x.kind === 'external' && lines.push(`  ${node(i)}`));
  if (g.openTo.size) lines.push('  anysrc(["any source"]):::warn');
  if (g.openFrom.size) lines.push('  anywhere(["anywhere"]):::warn');
  for (const j of g.openTo) lines.push(`  anysrc -->|"all ports"| n${j}`);
  for (const i of g.openFrom) lines.push(`  n${i} -->|"all ports"| anywhere`);
  for (const e of g.edges) lines.push(`  n${e.src} -->|"${mermaidText(e.label)}"| n${e.dst}`);
  for (const [k, v] of Object.entries(COLORS)) lines.push(`  classDef ${k} fill:${v},stroke:#616161`);
  lines.push('  classDef warn fill:#ffffff,stroke:#c62828,color:#c62828');
  return lines.join('\n');
}
