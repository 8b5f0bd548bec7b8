/**
 * Sets of (protocol, port) pairs: what a NetworkPolicy rule allows, resolved to numbers. Per
 * protocol a sorted list of disjoint inclusive ranges over 1–65535; sets are immutable and the
 * two extremes (nothing, everything) are shared instances, the common case by far.
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

type Range = readonly [number, number];
type ByProtocol = Readonly<Record<Protocol, readonly Range[]>>;

const FULL: readonly Range[] = [[MIN_PORT, MAX_PORT]];
const NONE: readonly Range[] = [];

export class PortSet {
  static readonly NONE = new PortSet({ TCP: NONE, UDP: NONE, SCTP: NONE });
  static readonly ALL = new PortSet({ TCP: FULL, UDP: FULL, SCTP: FULL });

  private constructor(readonly ranges: ByProtocol) {}

  /** Every port of one protocol. */
  static protocol(p: Protocol): PortSet {
    return PortSet.range(p, MIN_PORT, MAX_PORT);
  }

  static range(p: Protocol, from: number, to: number): PortSet {
    if (from > to) return PortSet.NONE;
    return new PortSet({ ...PortSet.NONE.ranges, [p]: [[from, to]] });
  }

  static port(p: Protocol, port: number): PortSet {
    return PortSet.range(p, port, port);
  }

  get isEmpty(): boolean {
    return this === PortSet.NONE || PROTOCOLS.every((p) => this.ranges[p].length === 0);
  }

  get isAll(): boolean {
    return this === PortSet.ALL || PROTOCOLS.every((p) => isFull(this.ranges[p]));
  }

  has(p: Protocol, port: number): boolean {
    for (const [lo, hi] of this.ranges[p]) if (port >= lo && port <= hi) return true;
    return false;
  }

  union(o: PortSet): PortSet {
    if (this === PortSet.ALL || o === PortSet.NONE) return this;
    if (o === PortSet.ALL || this === PortSet.NONE) return o;
    return PortSet.from((p) => normalize([...this.ranges[p], ...o.ranges[p]]));
  }

  intersect(o: PortSet): PortSet {
    if (this === PortSet.ALL || o === PortSet.NONE) return o;
    if (o === PortSet.ALL || this === PortSet.NONE) return this;
    return PortSet.from((p) => intersectRanges(this.ranges[p], o.ranges[p]));
  }

  minus(o: PortSet): PortSet {
    if (o === PortSet.NONE || this === PortSet.NONE) return this;
    if (o === PortSet.ALL) return PortSet.NONE;
    return PortSet.from((p) => subtractRanges(this.ranges[p], o.ranges[p]));
  }

  equals(o: PortSet): boolean {
    if (this === o) return true;
    return PROTOCOLS.every((p) => sameRanges(this.ranges[p], o.ranges[p]));
  }

  /** "all ports", "TCP 80, 443, 8000-8100; UDP 53", "none". */
  toString(): string {
    if (this.isAll) return 'all ports';
    if (this.isEmpty) return 'none';
    return PROTOCOLS.filter((p) => this.ranges[p].length > 0)
      .map((p) => `${p} ${isFull(this.ranges[p]) ? 'all' : this.ranges[p].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`)
      .join('; ');
  }

  /** JSON form: {"TCP": ["80", "8000-8100"], ...} with only the protocols present; all ports → "all". */
  toJSON(): Record<string, string[]> | 'all' {
    if (this.isAll) return 'all';
    const out: Record<string, string[]> = {};
    for (const p of PROTOCOLS) if (this.ranges[p].length) out[p] = this.ranges[p].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`));
    return out;
  }

  private static from(f: (p: Protocol) => readonly Range[]): PortSet {
    const r = { TCP: f('TCP'), UDP: f('UDP'), SCTP: f('SCTP') };
    if (PROTOCOLS.every((p) => r[p].length === 0)) return PortSet.NONE;
    if (PROTOCOLS.every((p) => isFull(r[p]))) return PortSet.ALL;
    return new PortSet(r);
  }
}

function isFull(r: readonly Range[]): boolean {
  return r.length === 1 && r[0][0] === MIN_PORT && r[0][1] === MAX_PORT;
}

function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
  return a.length === b.length && a.every((r, i) => r[0] === b[i][0] && r[1] === b[i][1]);
}

function normalize(ranges: Range[]): Range[] {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (a.length === 0 || b.length === 0) return NONE;
  if (isFull(a)) return b;
  if (isFull(b)) return a;
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (b.length === 0) return a;
  const out: Range[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = bhi + 1;
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function isProtocol(s: unknown): s is Protocol {
  return s === 'TCP' || s === 'UDP' || s === 'SCTP';
}
