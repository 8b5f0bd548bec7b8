/**
 * IP addresses, CIDRs and sets of address ranges (IPv4 and IPv6), for NetworkPolicy ipBlocks.
 *
 * Parsing follows the API server's legacy CIDR validation (`ParseCIDRSloppy`): IPv4 octets may
 * carry leading zeros (read as decimal), and bits set after the prefix length are accepted and
 * masked off (the API server warns about them; so do we). Addresses are bigints so IPv6 needs no
 * special case; sets are sorted lists of disjoint inclusive ranges, per family.
 */

export type Family = 4 | 6;

export interface Address {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** First address of the block (host bits masked off). */
  base: bigint;
  prefix: number;
  /** The text had bits set after the prefix length (e.g. 10.0.0.1/8). */
  hostBitsSet: boolean;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseAddress(s: string): Address | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseV6(s);
  if (v6 !== undefined) {
    // An IPv4-mapped IPv6 address is the IPv4 address (as Go's net.ParseIP reads it).
    if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
    return { family: 6, value: v6 };
  }
  return undefined;
}

/** Parses "a.b.c.d/n" or "x::y/n"; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  let family: Family;
  let value: bigint | undefined = parseV4(addrText);
  if (value !== undefined) family = 4;
  else {
    value = parseV6(addrText);
    family = 6;
  }
  if (value === undefined) return undefined;
  let prefix = Number(prefixText);
  // ::ffff:a.b.c.d/n (n >= 96) is the IPv4 block a.b.c.d/(n-96), as Go reads it.
  if (family === 6 && value >> 32n === 0xffffn && prefix >= 96) {
    family = 4;
    value &= 0xffffffffn;
    prefix -= 96;
  }
  if (prefix > BITS[family]) return undefined;
  const base = maskOff(value, prefix, family);
  return { family, base, prefix, hostBitsSet: base !== value, text };
}

function maskOff(value: bigint, prefix: number, family: Family): bigint {
  const hostBits = BigInt(BITS[family] - prefix);
  return (value >> hostBits) << hostBits;
}

/** Parses an address or a CIDR; a bare address is its own /32 or /128 block. */
export function parseAddressOrCidr(text: string): Cidr | undefined {
  if (text.includes('/')) return parseCidr(text);
  const a = parseAddress(text);
  return a && { family: a.family, base: a.value, prefix: BITS[a.family], hostBitsSet: false, text };
}

export function cidrLast(c: Cidr): bigint {
  return c.base + (1n << BigInt(BITS[c.family] - c.prefix)) - 1n;
}

/** True when `inner` is a strict subset of `outer` (the API server's rule for ipBlock.except). */
export function strictSubset(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.prefix > outer.prefix && maskOff(inner.base, outer.prefix, outer.family) === outer.base;
}

type Range = readonly [bigint, bigint];

/** An immutable set of addresses: disjoint, sorted, inclusive ranges per family. */
export class IpSet {
  static readonly EMPTY = new IpSet([], []);
  static readonly ALL = new IpSet([[0n, (1n << 32n) - 1n]], [[0n, (1n << 128n) - 1n]]);

  private constructor(
    readonly v4: readonly Range[],
    readonly v6: readonly Range[],
  ) {}

  static of(c: Cidr): IpSet {
    const r: Range[] = [[c.base, cidrLast(c)]];
    return c.family === 4 ? new IpSet(r, []) : new IpSet([], r);
  }

  static address(a: Address): IpSet {
    const r: Range[] = [[a.value, a.value]];
    return a.family === 4 ? new IpSet(r, []) : new IpSet([], r);
  }

  /** The addresses lo..hi of one family. */
  static range(family: Family, lo: bigint, hi: bigint): IpSet {
    const r: Range[] = lo <= hi ? [[lo, hi]] : [];
    return family === 4 ? new IpSet(r, []) : new IpSet([], r);
  }

  /** An ipBlock: cidr minus every except block. */
  static block(cidr: Cidr, except: readonly Cidr[]): IpSet {
    let s = IpSet.of(cidr);
    for (const e of except) s = s.minus(IpSet.of(e));
    return s;
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  has(a: Address): boolean {
    for (const [lo, hi] of a.family === 4 ? this.v4 : this.v6) if (a.value >= lo && a.value <= hi) return true;
    return false;
  }

  union(o: IpSet): IpSet {
    if (o.empty) return this;
    if (this.empty) return o;
    return new IpSet(normalize([...this.v4, ...o.v4]), normalize([...this.v6, ...o.v6]));
  }

  intersect(o: IpSet): IpSet {
    return new IpSet(intersectRanges(this.v4, o.v4), intersectRanges(this.v6, o.v6));
  }

  minus(o: IpSet): IpSet {
    if (o.empty || this.empty) return this;
    return new IpSet(subtractRanges(this.v4, o.v4), subtractRanges(this.v6, o.v6));
  }

  equals(o: IpSet): boolean {
    const same = (a: readonly Range[], b: readonly Range[]) => a.length === b.length && a.every((r, i) => r[0] === b[i][0] && r[1] === b[i][1]);
    return same(this.v4, o.v4) && same(this.v6, o.v6);
  }

  /** Contains every address of `o`. */
  covers(o: IpSet): boolean {
    return o.minus(this).empty;
  }

  /** The smallest list of CIDRs covering exactly this set. */
  toCidrs(): string[] {
    return [...rangesToCidrs(this.v4, 4), ...rangesToCidrs(this.v6, 6)];
  }

  toString(): string {
    return this.empty ? '(none)' : this.toCidrs().join(', ');
  }
}

function normalize(ranges: Range[]): Range[] {
  const sorted = ranges.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
    const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1n]);
      lo = bhi + 1n;
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

function formatAddress(v: bigint, family: Family): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 255n).toString()).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function formatCidr(base: bigint, prefix: number, family: Family): string {
  return `${formatAddress(base, family)}/${prefix}`;
}

function rangesToCidrs(ranges: readonly Range[], family: Family): string[] {
  const bits = BITS[family];
  const out: string[] = [];
  for (const [lo0, hi] of ranges) {
    let lo = lo0;
    while (lo <= hi) {
      // The largest aligned block starting at lo that stays within hi.
      let size = 0;
      while (size < bits && ((lo >> BigInt(size)) & 1n) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= hi) size++;
      out.push(formatCidr(lo, bits - size, family));
      lo += 1n << BigInt(size);
    }
  }
  return out;
}

/** Address space that is not the public internet (RFC 6890 special-purpose blocks that matter here). */
const NON_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3',
  '::/127', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

/** Public internet addresses: everything outside private, loopback, link-local, documentation and multicast blocks. */
export const PUBLIC_INTERNET: IpSet = NON_PUBLIC.reduce((s, c) => s.minus(IpSet.of(parseCidr(c)!)), IpSet.ALL);

/** Private ranges where API servers and nodes usually live (RFC 1918, and IPv6 unique-local). */
export const PRIVATE_RANGES: IpSet = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].reduce((s, c) => s.union(IpSet.of(parseCidr(c)!)), IpSet.EMPTY);

/**
 * Covers the whole public internet of one address family (0.0.0.0/0 minus private ranges is
 * "the internet" for an IPv4 cluster, even without a word about IPv6).
 */
export function coversPublicInternet(set: IpSet): boolean {
  const v4 = PUBLIC_INTERNET.intersect(IpSet.of(parseCidr('0.0.0.0/0')!));
  const v6 = PUBLIC_INTERNET.intersect(IpSet.of(parseCidr('::/0')!));
  return set.covers(v4) || set.covers(v6);
}
