/** Text, JSON and CSV forms of the netpol answers (can-reach, matrix, exposure, diff). */
import type { Endpoint, SideVerdict } from '../engine.js';
import { addressText, peerText, podText } from '../describe.js';
import type { NetPolicy, Rule } from '../policy.js';
import { policyName, whereIn } from '../policy.js';
import type { CanReachAnswer } from '../query.js';
import type { Matrix } from '../matrix.js';
import type { ExposureReport, Reach } from '../exposure.js';
import type { MatrixDiff } from '../diff.js';
import type { PortSet } from '../ports.js';
import { sideLines } from './explain.js';

// ---- shared -----------------------------------------------------------------------------------

function policyJson(p: NetPolicy): Record<string, unknown> {
  return { namespace: p.namespace, name: p.name, source: whereIn(p) };
}

function ruleJson(r: Rule): Record<string, unknown> {
  return { policy: policyName(r.policy), direction: r.direction, rule: r.index, source: whereIn(r.policy, r.path) };
}

function endpointJson(e: Endpoint): Record<string, unknown> {
  if (e.kind === 'ip') return { kind: 'address', address: addressText(e.addr) };
  if (e.kind === 'node') return { kind: 'hostNetwork', pod: podText(e.pod) };
  return { kind: 'pods', namespace: e.cls.namespace, labels: e.cls.labels, workloads: [...new Set(e.cls.members.map((m) => `${m.workload.namespace}/${m.workload.kind}/${m.workload.name}`))] };
}

function sideJson(s: SideVerdict): Record<string, unknown> {
  return {
    direction: s.direction,
    status: s.status,
    ...(s.status === 'isolated' ? { isolatedBy: s.isolating.map(policyJson) } : {}),
    ...(s.status === 'open' && s.selecting.length ? { selectedBy: s.selecting.map(policyJson) } : {}),
    allowedBy: s.matches.filter((m) => !m.ports.isEmpty).map((m) => ({ ...ruleJson(m.rule), ...(m.peer ? { peer: m.peer.index } : {}), ports: m.ports.toJSON() })),
    ports: s.ports.toJSON(),
    ...(s.cniDependent.length ? { cniDependent: s.cniDependent.map((c) => ({ ...ruleJson(c.rule), peer: c.peer.index, ipBlock: peerText(c.peer, c.rule.policy) })) } : {}),
  };
}

/** Aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

// ---- can-reach --------------------------------------------------------------------------------

/** "shop/web (Deployment)", "0.0.0.0/0", "monitoring/agent (hostNetwork pod)". */
function labelOf(label: string, e: Endpoint): string {
  if (e.kind === 'pod') {
    const kinds = [...new Set(e.cls.members.filter((m) => label === `${m.namespace}/${m.podName ?? m.workload.name}`).map((m) => m.workload.kind))];
    return kinds.length === 1 ? `${label} (${kinds[0]})` : label;
  }
  if (e.kind === 'node') return `${label} (hostNetwork pod)`;
  return label;
}

export function canReachText(a: CanReachAnswer, explain: boolean): string {
  if (!explain) return a.answer;
  const lines = [`${a.answer}: ${a.src.description} → ${a.dst.description}${a.port ? ` on ${a.port.protocol} ${a.port.port}` : ''}`];
  for (const p of a.pairs) {
    lines.push('');
    const portWords = p.port ? ` on ${p.port.protocol} ${p.port.port}${p.port.via ? ` (${p.port.via})` : ''}` : '';
    lines.push(`${p.src} → ${p.dst}${portWords}: ${p.allowed ? 'allowed' : 'denied'}${!p.port && p.allowed ? ` (${p.ports.toString()})` : ''}`);
    if (p.note) {
      lines.push(`  ${p.note}`);
      continue;
    }
    const asked = p.port ? { protocol: p.port.protocol, port: p.port.port } : undefined;
    const srcText = labelOf(p.src, p.srcEndpoint);
    const dstText = labelOf(p.dst, p.dstEndpoint);
    for (const l of sideLines(p.egress, srcText, dstText, asked)) lines.push(`  ${l}`);
    for (const l of sideLines(p.ingress, dstText, srcText, asked)) lines.push(`  ${l}`);
    if (!p.port && !p.allowed && !p.egress.ports.isEmpty && !p.ingress.ports.isEmpty)
      lines.push(`  the sides allow no port in common (egress: ${p.egress.ports.toString()}; ingress: ${p.ingress.ports.toString()})`);
  }
  return lines.join('\n');
}

export function canReachJson(a: CanReachAnswer): Record<string, unknown> {
  return {
    answer: a.answer,
    allowed: a.answer !== 'no',
    src: { argument: a.src.text, description: a.src.description },
    dst: { argument: a.dst.text, description: a.dst.description },
    ...(a.port ? { port: { protocol: a.port.protocol, port: a.port.port } } : {}),
    pairs: a.pairs.map((p) => ({
      src: p.src,
      dst: p.dst,
      srcEndpoint: endpointJson(p.srcEndpoint),
      dstEndpoint: endpointJson(p.dstEndpoint),
      allowed: p.allowed,
      ...(p.port ? { port: p.port } : {}),
      ...(p.note ? { note: p.note } : {}),
      ports: p.ports.toJSON(),
      egress: sideJson(p.egress),
      ingress: sideJson(p.ingress),
    })),
  };
}

// ---- matrix -----------------------------------------------------------------------------------

const ALL = '#';
const SOME = '+';
const NONE = '.';

function cellMark(m: Matrix, i: number, j: number): string {
  const c = m.cells[i][j];
  if (!c) return NONE;
  return c.ports.isAll && !c.partial ? ALL : SOME;
}

export function matrixText(m: Matrix): string {
  const n = m.nodes.length;
  if (n === 0) return 'No workloads in the input.';
  const num = (i: number) => String(i + 1);
  const w = String(n).length;
  const labelW = Math.max(...m.nodes.map((x, i) => `${num(i)} ${x.label}`.length));
  const lines: string[] = [];
  lines.push(`Reachability (row: source, column: destination): ${ALL} all ports, ${SOME} some ports or some pods/addresses, ${NONE} none`);
  // Column numbers, vertically when they have several digits.
  for (let d = 0; d < w; d++) lines.push(`${''.padEnd(labelW)}  ${m.nodes.map((_, j) => num(j).padStart(w)[d]).join(' ')}`);
  m.nodes.forEach((x, i) => {
    const iso = x.kind === 'external' ? '' : ` [${x.ingressIsolated ? 'in' : '--'}|${x.egressIsolated ? 'eg' : '--'}]`;
    lines.push(`${`${num(i)} ${x.label}`.padEnd(labelW)}  ${m.nodes.map((_, j) => (m.nodes[i].kind === 'external' && m.nodes[j].kind === 'external' ? ' ' : cellMark(m, i, j))).join(' ')}${iso}`);
  });
  lines.push('[in|eg]: isolated for ingress | egress by some NetworkPolicy (-- not isolated: everything allowed)');
  const specific: string[] = [];
  m.nodes.forEach((s, i) =>
    m.nodes.forEach((d, j) => {
      const c = m.cells[i][j];
      if (c && (!c.ports.isAll || c.partial)) specific.push(`  ${s.label} → ${d.label}: ${c.ports.toString()}${c.partial ? ' (not for every pod/address)' : ''}`);
    }),
  );
  if (specific.length) lines.push('', 'Allowed on some ports only:', ...specific);
  const ext = m.nodes.filter((x) => x.external);
  if (ext.length) lines.push('', 'External endpoints:', ...ext.map((x) => `  ${x.label}: ${x.external!.description}`));
  if (m.hostNetwork.length) lines.push('', `Outside NetworkPolicy (hostNetwork): ${m.hostNetwork.map(podText).join(', ')}`);
  return lines.join('\n');
}

export function matrixJson(m: Matrix): Record<string, unknown> {
  return {
    nodes: m.nodes.map((x) => ({
      id: x.id,
      kind: x.kind,
      ...(x.workload ? { namespace: x.workload.namespace, workloadKind: x.workload.kind, name: x.workload.name, ingressIsolated: x.ingressIsolated, egressIsolated: x.egressIsolated } : {}),
      ...(x.external ? { addresses: x.external.set.toCidrs(), description: x.external.description } : {}),
    })),
    connections: m.nodes.flatMap((s, i) =>
      m.nodes.flatMap((d, j) => {
        const c = m.cells[i][j];
        return c ? [{ src: s.id, dst: d.id, ports: c.ports.toJSON(), ...(c.partial ? { partial: true } : {}) }] : [];
      }),
    ),
    hostNetwork: m.hostNetwork.map(podText),
  };
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function matrixCsv(m: Matrix): string {
  const rows = ['src,dst,ports,partial'];
  m.nodes.forEach((s, i) =>
    m.nodes.forEach((d, j) => {
      const c = m.cells[i][j];
      if (c) rows.push([s.id, d.id, c.ports.toString(), c.partial ? 'yes' : 'no'].map(csvField).join(','));
    }),
  );
  return rows.join('\n');
}

// ---- exposure ---------------------------------------------------------------------------------

function reachCell(r: Reach | undefined): string {
  return r ? r.ports.toString() : 'no';
}

export function exposureText(r: ExposureReport): string {
  if (r.workloads.length === 0) return 'No workloads in the input.';
  const rows: string[][] = [['WORKLOAD', 'INGRESS', 'FROM OTHER NS', 'FROM ANY POD', 'FROM INTERNET', 'EGRESS', 'TO INTERNET', 'TO METADATA', 'TO API SERVER', 'DNS']];
  for (const w of r.workloads) {
    rows.push([
      w.node.label,
      w.ingressIsolatedBy.length ? 'isolated' : 'OPEN',
      reachCell(w.fromOtherNamespaces),
      reachCell(w.fromAnyPod),
      w.fromInternet ? `${w.fromInternet.ports.toString()}${w.fromInternet.wideOpen ? '' : ' (some addresses)'}` : 'no',
      w.egressIsolatedBy.length ? 'isolated' : 'OPEN',
      w.toInternet ? `${w.toInternet.ports.toString()}${w.toInternet.wideOpen ? '' : ' (some addresses)'}` : 'no',
      reachCell(w.toMetadata),
      w.toApiServer.answer,
      w.dns.status,
    ]);
  }
  const lines = [table(rows), ''];
  const ns: string[][] = [['NAMESPACE', 'WORKLOADS', 'INGRESS ISOLATED', 'EGRESS ISOLATED', 'DEFAULT-DENY']];
  const pct = (a: number, b: number) => `${a}/${b} (${b ? Math.round((100 * a) / b) : 0}%)`;
  for (const c of r.namespaces) {
    const dd = [c.defaultDeny.ingress ? `ingress (${c.defaultDeny.ingress.name})` : '', c.defaultDeny.egress ? `egress (${c.defaultDeny.egress.name})` : ''].filter(Boolean).join(', ');
    ns.push([c.namespace + (c.labelsUnknown ? ' *' : ''), String(c.workloads), pct(c.ingressIsolated, c.workloads), pct(c.egressIsolated, c.workloads), dd || 'none']);
  }
  lines.push(table(ns));
  if (r.namespaces.some((c) => c.labelsUnknown)) lines.push('* the Namespace object is not in the input: only its kubernetes.io/metadata.name label is known to namespace selectors');
  const details: string[] = [];
  for (const w of r.workloads) {
    const d: string[] = [];
    const add = (what: string, x: Reach | undefined) => {
      if (x && x.via.length) d.push(`  ${what}: ${x.ports.toString()} — ${x.detail.join('; ')} (${x.via.map((v) => `${policyName(v.policy)} ${v.direction.toLowerCase()} rule ${v.index}, ${whereIn(v.policy, v.path)}`).join('; ')})`);
    };
    add('from other namespaces', w.fromOtherNamespaces);
    add('from any pod', w.fromAnyPod);
    add('from the internet', w.fromInternet);
    add('to the internet', w.toInternet && { ...w.toInternet, detail: ['public addresses'] });
    add('to 169.254.169.254', w.toMetadata);
    if (w.toApiServer.answer !== 'no' && w.egressIsolatedBy.length) d.push(`  to the API server: ${w.toApiServer.answer} — ${w.toApiServer.detail}`);
    if (w.dns.status !== 'ok' && w.dns.status !== 'open') d.push(`  DNS: ${w.dns.detail}`);
    if (w.foreign.length) d.push(`  not evaluated by kubeharden, may change the above: ${w.foreign.join(', ')}`);
    if (d.length) details.push(`${w.node.label}:`, ...d);
  }
  if (details.length) lines.push('', ...details);
  if (r.hostNetwork.length) lines.push('', `Outside NetworkPolicy (hostNetwork, reachable as their node): ${r.hostNetwork.map(podText).join(', ')}`);
  return lines.join('\n');
}

function reachJson(x: (Reach & { wideOpen?: boolean }) | undefined): unknown {
  if (!x) return null;
  return { ports: x.ports.toJSON(), ...(x.wideOpen !== undefined ? { wideOpen: x.wideOpen } : {}), detail: x.detail, via: x.via.map(ruleJson) };
}

export function exposureJson(r: ExposureReport): Record<string, unknown> {
  return {
    workloads: r.workloads.map((w) => ({
      workload: w.node.id,
      namespace: w.node.namespace,
      kind: w.node.workload?.kind,
      name: w.node.workload?.name,
      ingress: {
        isolatedBy: w.ingressIsolatedBy.map(policyJson),
        fromOtherNamespaces: reachJson(w.fromOtherNamespaces),
        fromAnyPod: reachJson(w.fromAnyPod),
        fromInternet: reachJson(w.fromInternet),
      },
      egress: {
        isolatedBy: w.egressIsolatedBy.map(policyJson),
        toInternet: reachJson(w.toInternet),
        toMetadata: reachJson(w.toMetadata),
        toApiServer: { answer: w.toApiServer.answer, ports: w.toApiServer.ports.toJSON(), detail: w.toApiServer.detail },
        dns: w.dns,
      },
      ...(w.foreign.length ? { notEvaluated: w.foreign } : {}),
    })),
    namespaces: r.namespaces.map((c) => ({
      namespace: c.namespace,
      workloads: c.workloads,
      ingressIsolated: c.ingressIsolated,
      egressIsolated: c.egressIsolated,
      ingressCoverage: c.workloads ? c.ingressIsolated / c.workloads : 0,
      egressCoverage: c.workloads ? c.egressIsolated / c.workloads : 0,
      defaultDeny: { ingress: c.defaultDeny.ingress ? policyJson(c.defaultDeny.ingress) : null, egress: c.defaultDeny.egress ? policyJson(c.defaultDeny.egress) : null },
      labelsKnown: !c.labelsUnknown,
    })),
    hostNetwork: r.hostNetwork.map(podText),
  };
}

// ---- diff -------------------------------------------------------------------------------------

export function diffText(d: MatrixDiff): string {
  const lines: string[] = [];
  for (const n of d.addedNodes) lines.push(`+ workload ${n}`);
  for (const n of d.removedNodes) lines.push(`- workload ${n}`);
  for (const c of d.changes) {
    if (!c.added.isEmpty) lines.push(`+ ${c.src} → ${c.dst}: ${c.added.toString()}`);
    if (!c.removed.isEmpty) lines.push(`- ${c.src} → ${c.dst}: ${c.removed.toString()}`);
  }
  if (lines.length === 0) return 'No connection added or removed.';
  const added = d.changes.filter((c) => !c.added.isEmpty).length;
  const removed = d.changes.filter((c) => !c.removed.isEmpty).length;
  lines.push('', `${added} connection(s) added or widened, ${removed} removed or narrowed`);
  return lines.join('\n');
}

export function diffJson(d: MatrixDiff): Record<string, unknown> {
  const ports = (p: PortSet) => (p.isEmpty ? null : p.toJSON());
  return {
    addedWorkloads: d.addedNodes,
    removedWorkloads: d.removedNodes,
    changes: d.changes.map((c) => ({ src: c.src, dst: c.dst, added: ports(c.added), removed: ports(c.removed), before: ports(c.before), after: ports(c.after) })),
  };
}

