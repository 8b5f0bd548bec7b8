/** sysctls (baseline): spec.securityContext.sysctls[*].name must be in the safe set of the policy version. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { arr, obj, str } from '../util.js';
import type { PodView } from '../view.js';

export const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
export const SYSCTLS_ADDED: Readonly<Record<number, readonly string[]>> = {
  27: ['net.ipv4.ip_local_reserved_ports'],
  29: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  32: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'],
  37: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'],
};

const allowedByMinor = new Map<number, ReadonlySet<string>>();

/** The safe sysctls of policy version v1.<minor> (built once per version: scan checks ask per pod). */
export function allowedSysctls(minor: number): ReadonlySet<string> {
  let cached = allowedByMinor.get(minor);
  if (!cached) {
    const s = new Set(SYSCTLS_1_0);
    for (const [since, names] of Object.entries(SYSCTLS_ADDED)) if (minor >= Number(since)) for (const n of names) s.add(n);
    allowedByMinor.set(minor, (cached = s));
  }
  return cached;
}

function sysctlsCheck(allowed: ReadonlySet<string>) {
  return (v: PodView): PssResult | null => {
    const list = v.podSC ? arr(v.podSC.sysctls) : undefined;
    if (!list) return null;
    let names: string[] | undefined;
    let paths: PssPath[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = obj(list[i]);
      const name = s ? str(s.name) : '';
      if (allowed.has(name)) continue;
      (names ??= []).push(name);
      (paths ??= []).push(['spec', 'securityContext', 'sysctls', i, 'name']);
    }
    if (!names) return null;
    return forbidden('sysctls', 'forbidden sysctls', names.join(', '), paths as PssPath[]);
  };
}

export const sysctls: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  versions: [0, 27, 29, 32, 37].map((minVersion) => ({ minVersion, check: sysctlsCheck(allowedSysctls(minVersion)) })),
};
