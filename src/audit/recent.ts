/**
 * Bounded memory of the requests already counted, for de-duplicating audit events by auditID and
 * stage. Two generations of `capacity` entries: when the current one fills up it becomes the
 * previous one and the oldest generation is dropped, so memory stays bounded whatever the log
 * size while every key seen in the last `capacity` requests is remembered. Keys are 53-bit
 * hashes of the auditID (two FNV-1a hashes), not the strings: 5× less memory, and a collision
 * among a million live keys has a probability of about 1e-4.
 */
export class RecentRequests {
  #current = new Map<number, number>();
  #previous = new Map<number, number>();

  constructor(private readonly capacity = 1 << 18) {}

  /** The stage mask recorded for the auditID (0 when unknown). */
  get(id: string): number {
    const k = hash53(id);
    return this.#current.get(k) ?? this.#previous.get(k) ?? 0;
  }

  /** Adds stage bits to the auditID's mask. */
  add(id: string, bits: number): void {
    const k = hash53(id);
    const cur = this.#current.get(k);
    if (cur !== undefined) {
      this.#current.set(k, cur | bits);
      return;
    }
    const prev = this.#previous.get(k) ?? 0;
    if (this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(k, prev | bits);
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}

export function hash53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
