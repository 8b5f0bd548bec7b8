/**
 * hostProbesAndHostLifecycle (baseline, v1.34+): probes (liveness, readiness, startup) and
 * lifecycle handlers (postStart, preStop) must not set httpGet.host or tcpSocket.host.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { joinQuote, obj, pluralize, sortedUnique, str, type Obj } from '../util.js';
import { containerPath, nameOf, type PodView } from '../view.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

/** Appends the non-empty hosts of a probe or handler; returns how many it found. */
function hostsOf(handler: Obj | undefined, hosts: string[], paths: PssPath[], base: () => Array<string | number>): number {
  if (!handler) return 0;
  let found = 0;
  for (const action of ACTIONS) {
    const a = obj(handler[action]);
    if (!a) continue;
    const host = str(a.host);
    if (host === '') continue;
    hosts.push(host);
    paths.push([...base(), action, 'host']);
    found++;
  }
  return found;
}

function hasHost(handler: Obj | undefined): boolean {
  if (!handler) return false;
  const h = obj(handler.httpGet);
  if (h && str(h.host) !== '') return true;
  const t = obj(handler.tcpSocket);
  return t !== undefined && str(t.host) !== '';
}

function check(v: PodView): PssResult | null {
  // Fast pass: most pods have no host anywhere.
  let any = false;
  for (let i = 0; i < v.n && !any; i++) {
    const c = v.c[i];
    if (hasHost(obj(c.livenessProbe)) || hasHost(obj(c.readinessProbe)) || hasHost(obj(c.startupProbe))) any = true;
    const lc = obj(c.lifecycle);
    if (lc && (hasHost(obj(lc.postStart)) || hasHost(obj(lc.preStop)))) any = true;
  }
  if (!any) return null;

  const badContainers: string[] = [];
  const hosts: string[] = [];
  const paths: PssPath[] = [];
  for (let i = 0; i < v.n; i++) {
    const c = v.c[i];
    let found = 0;
    for (const p of PROBES) found += hostsOf(obj(c[p]), hosts, paths, () => containerPath(v, i, p));
    const lc = obj(c.lifecycle);
    if (lc) for (const h of HANDLERS) found += hostsOf(obj(lc[h]), hosts, paths, () => containerPath(v, i, 'lifecycle', h));
    if (found > 0) badContainers.push(nameOf(v, i));
  }
  const containers = sortedUnique(badContainers);
  const hostList = sortedUnique(hosts);
  return forbidden(
    'hostProbesAndHostLifecycle',
    'probe or lifecycle host',
    `${pluralize('container', 'containers', containers.length)} ${joinQuote(containers)} ${pluralize('uses', 'use', containers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hostList.length)} ${joinQuote(hostList)}`,
    paths,
  );
}

export const hostProbesAndHostLifecycle: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minVersion: 34, check }],
};
