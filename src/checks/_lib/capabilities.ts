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
