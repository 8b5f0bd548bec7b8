/**
 * Capability names as the container runtime applies them. containerd and CRI-O compare "ALL"
 * case-insensitively and upper-case every other name before prefixing CAP_, so `drop: [net_raw]`
 * does drop CAP_NET_RAW at runtime (while Pod Security Admission, comparing exact strings, does
 * not recognise it). A name already prefixed with CAP_ becomes CAP_CAP_… and is ignored there.
 */

/** The runtime's reading of a capability name (upper case). */
export function runtimeCap(name: string): string {
  return name.toUpperCase();
}

/** True when the drop list removes `cap` at runtime (the name itself or ALL, in any case). */
export function dropsAtRuntime(drop: readonly string[], cap: string): boolean {
  return drop.some((d) => {
    const u = runtimeCap(d);
    return u === 'ALL' || u === cap;
  });
}

/**
 * The capability an `add` entry may grant: upper case, and without a CAP_ prefix. Some runtimes
 * accept the prefixed spelling, so for adds kubeharden errs on the side of reporting it.
 */
export function grantedCap(name: string): string {
  const u = name.toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

/** Why a container ends up holding `cap` at runtime, or undefined when it does not. */
export type CapSource = 'privileged' | 'added' | 'added-all' | 'default';

/**
 * Whether the container holds `cap` when it starts. containerd and CRI-O apply the lists in this
 * order: add ALL, drop ALL, add the named ones, drop the named ones; a privileged container gets
 * every capability whatever the lists say. `default` means the runtime's default set decides
 * (containerd's includes NET_RAW; CRI-O's has not since 1.18).
 */
export function holdsCap(caps: { add: readonly string[]; drop: readonly string[] }, cap: string, privileged: boolean): CapSource | undefined {
  if (privileged) return 'privileged';
  const drops = caps.drop.map(runtimeCap);
  const adds = caps.add.map(runtimeCap);
  if (drops.includes(cap)) return undefined;
  if (adds.includes(cap)) return 'added';
  if (drops.includes('ALL')) return undefined;
  if (adds.includes('ALL')) return 'added-all';
  return 'default';
}

/** A list entry as Go would hold it (a string field; anything else reads as ""). */
export function capString(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
