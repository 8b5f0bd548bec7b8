/** sysctls (baseline): spec.securityContext.sysctls[*].name must be in the safe set of the policy version. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import type { PodView } from '../view.js';
import { asList, asMap, goString } from '../../k8s/json.js';
import { LATEST_MINOR } from '../version.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { strList } from '../../k8s/cel.js';
import { failure } from '../cel.js';

function sysctlsCel(allowed: ReadonlySet<string>) {
  return (p: PodCel): Cel => {
    const names = `${p.spec}.?securityContext.?sysctls.orValue([]).map(s, !(s.name in ${strList(allowed)}), s.name)`;
    return bind(names, 'n', failure('n.size() > 0', 'forbidden sysctls', "n.join(', ')"));
  };
}

export const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
export const SYSCTLS_ADDED: Readonly<Record<number, readonly string[]>> = {
  27: ['net.ipv4.ip_local_reserved_ports'],
  29: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  32: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'],
  37: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'],
};

/** The safe set of every policy version v1.0 … v1.LATEST_MINOR, by minor. */
const SAFE_BY_MINOR: ReadonlyArray<ReadonlySet<string>> = Array.from({ length: LATEST_MINOR + 1 }, (_, minor) => {
  const s = new Set(SYSCTLS_1_0);
  for (const [since, names] of Object.entries(SYSCTLS_ADDED)) if (minor >= Number(since)) for (const n of names) s.add(n);
  return s;
});

/** The safe sysctls of policy version v1.<minor> (versions newer than the newest known are the newest). */
export function allowedSysctls(minor: number): ReadonlySet<string> {
  return SAFE_BY_MINOR[Math.min(minor, LATEST_MINOR)];
}

function sysctlsCheck(allowed: ReadonlySet<string>) {
  return (v: PodView): PssResult | null => {
    const list = asList(v.podSecurityContext?.sysctls);
    let names: string[] | undefined;
    let paths: PssPath[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = asMap(list[i]);
      const name = s ? goString(s.name) : '';
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
  versions: [0, 27, 29, 32, 37].map((minVersion) => ({ minVersion, check: sysctlsCheck(allowedSysctls(minVersion)), cel: sysctlsCel(allowedSysctls(minVersion)) })),
};
