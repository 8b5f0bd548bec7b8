/**
 * Address ranges split into the pieces the policies' ipBlocks distinguish: every address of a
 * piece is inside or outside each ipBlock (cidr minus except) alike, so one representative
 * address per piece gives the verdict for all of it.
 */
import { IpSet, type Address, type Family } from './ip.js';
import type { World } from './world.js';

export interface AddressPiece {
  /** The first address of the piece: its representative. */
  addr: Address;
  set: IpSet;
}

export function addressPieces(world: World, set: IpSet): AddressPiece[] {
  const out: AddressPiece[] = [];
  for (const family of [4, 6] as Family[]) {
    const range = family === 4 ? 'v4' : 'v6';
    for (const [lo, hi] of set[range]) {
      const cuts = new Set<bigint>([lo]);
      for (const p of world.policies)
        for (const r of [...p.ingress, ...p.egress])
          for (const peer of r.peers ?? [])
            if (peer.kind === 'ipBlock')
              for (const [a, b] of peer.set[range]) {
                if (a > lo && a <= hi) cuts.add(a);
                if (b + 1n > lo && b + 1n <= hi) cuts.add(b + 1n);
              }
      const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      sorted.forEach((start, i) => out.push({ addr: { family, value: start }, set: IpSet.range(family, start, i + 1 < sorted.length ? sorted[i + 1] - 1n : hi) }));
    }
  }
  return out;
}
