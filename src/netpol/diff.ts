/**
 * What changes when policies (or workloads) change: the connections added and removed between
 * two reachability matrices, matched by workload identity (namespace, kind, name) and external
 * endpoint name. A workload present on one side only brings all its connections with it.
 */
import { PortSet } from './ports.js';
import type { Matrix, MatrixNode } from './matrix.js';

export interface ConnectionChange {
  src: string;
  dst: string;
  added: PortSet;
  removed: PortSet;
  /** Ports allowed before and after. */
  before: PortSet;
  after: PortSet;
}

export interface MatrixDiff {
  changes: ConnectionChange[];
  /** Workloads only in the new or only in the old input. */
  addedNodes: string[];
  removedNodes: string[];
}

function index(m: Matrix): Map<string, number> {
  return new Map(m.nodes.map((n, i) => [n.key, i]));
}

function cellPorts(m: Matrix, i: number | undefined, j: number | undefined): PortSet {
  if (i === undefined || j === undefined) return PortSet.NONE;
  return m.cells[i][j]?.ports ?? PortSet.NONE;
}

export function diffMatrices(oldM: Matrix, newM: Matrix): MatrixDiff {
  const oi = index(oldM);
  const ni = index(newM);
  const labels = new Map<string, MatrixNode>();
  for (const n of [...oldM.nodes, ...newM.nodes]) labels.set(n.key, n);
  const keys = [...labels.keys()];
  const changes: ConnectionChange[] = [];
  for (const s of keys) {
    for (const d of keys) {
      const before = cellPorts(oldM, oi.get(s), oi.get(d));
      const after = cellPorts(newM, ni.get(s), ni.get(d));
      if (before.equals(after)) continue;
      changes.push({ src: labels.get(s)!.label, dst: labels.get(d)!.label, added: after.minus(before), removed: before.minus(after), before, after });
    }
  }
  changes.sort((a, b) => a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst));
  return {
    changes,
    addedNodes: newM.nodes.filter((n) => !oi.has(n.key)).map((n) => n.label),
    removedNodes: oldM.nodes.filter((n) => !ni.has(n.key)).map((n) => n.label),
  };
}
