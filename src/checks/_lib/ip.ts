/** Whether an address is reachable from the internet (not private, loopback, link-local or shared). */
// node:net is loaded on first use (process.getBuiltinModule): a scan that meets no address
// does not pay its start-up (~4 ms with the stream modules it pulls in).
const isIP = (ip: string): number => process.getBuiltinModule('node:net').isIP(ip);

function v4(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** RFC 1918, RFC 6598 (carrier-grade NAT), loopback, link-local, unspecified; IPv6 ULA, link-local, loopback. */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) {
    const [a, b] = v4(ip);
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (kind === 6) {
    const l = ip.toLowerCase();
    if (l === '::1' || l === '::') return true;
    if (l.startsWith('::ffff:')) return isPrivateAddress(l.slice(7));
    const first = parseInt(l.split(':')[0] || '0', 16);
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return true; // not an address (a hostname): nothing to say
}
