/**
 * hostProbesAndHostLifecycle (baseline, v1.34+): probes (liveness, readiness, startup) and
 * lifecycle handlers (postStart, preStop) must not set httpGet.host or tcpSocket.host.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { asMap, goString, type JsonMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { perContainerList, PSA_ORDER } from '../../k8s/cel.js';
import { containersPhrase, failure, joinQuoteCel, namesWhere, pluralizeCel } from '../cel.js';

/** Container fields holding a probe. */
/** The hosts of a container's probes and lifecycle handlers, in order. */
function hostsCel(c: { v: string }): Cel {
  const handlers = [...PROBE_FIELDS.map((f) => `${c.v}.?${f}`), ...LIFECYCLE_HANDLERS.map((h) => `${c.v}.?lifecycle.?${h}`)];
  return `[${handlers.flatMap((h) => HOST_ACTIONS.map((a) => `${h}.?${a}.?host.orValue('')`)).join(', ')}].filter(x, x != '')`;
}

function cel(p: PodCel): Cel {
  const names = namesWhere(p, (c) => `${hostsCel(c)}.size() > 0`);
  const hosts = perContainerList(p, (c) => hostsCel(c), PSA_ORDER);
  return bind(names, 'n', bind(hosts, 'h', failure('n.size() > 0', 'probe or lifecycle host', `${containersPhrase('n')} + ' ' + ${pluralizeCel('uses', 'use', 'n.size()')} + ' ' + ${pluralizeCel('probe or lifecycle host', 'probe or lifecycle hosts', 'h.size()')} + ' ' + ${joinQuoteCel('h')}`)));
}

export const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
/** Handlers under a container's `lifecycle`. */
export const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
/** The actions of a probe or handler that connect to a host. */
export const HOST_ACTIONS = ['httpGet', 'tcpSocket'] as const;

/** The host an action of a probe or handler connects to, as Go holds it ("": the pod's IP, allowed). */
export function actionHost(handler: JsonMap, action: (typeof HOST_ACTIONS)[number]): string {
  return goString(asMap(handler[action])?.host);
}

/** Appends the non-empty hosts of a probe or handler; returns how many it found. */
function hostsOf(handler: JsonMap | undefined, hosts: string[], paths: PssPath[], base: () => Array<string | number>): number {
  if (!handler) return 0;
  let found = 0;
  for (const action of HOST_ACTIONS) {
    const host = actionHost(handler, action);
    if (host === '') continue;
    hosts.push(host);
    paths.push([...base(), action, 'host']);
    found++;
  }
  return found;
}

function hasHost(handler: JsonMap | undefined): boolean {
  return handler !== undefined && (actionHost(handler, 'httpGet') !== '' || actionHost(handler, 'tcpSocket') !== '');
}

function check(v: PodView): PssResult | null {
  // Fast pass: most pods have no host anywhere.
  let any = false;
  for (let i = 0; i < v.count && !any; i++) {
    const c = v.containers[i];
    if (hasHost(asMap(c.livenessProbe)) || hasHost(asMap(c.readinessProbe)) || hasHost(asMap(c.startupProbe))) any = true;
    const lc = asMap(c.lifecycle);
    if (lc && (hasHost(asMap(lc.postStart)) || hasHost(asMap(lc.preStop)))) any = true;
  }
  if (!any) return null;

  const badContainers: string[] = [];
  const hosts: string[] = [];
  const paths: PssPath[] = [];
  for (let i = 0; i < v.count; i++) {
    const c = v.containers[i];
    let found = 0;
    for (const p of PROBE_FIELDS) found += hostsOf(asMap(c[p]), hosts, paths, () => containerPath(v, i, p));
    const lc = asMap(c.lifecycle);
    if (lc) for (const h of LIFECYCLE_HANDLERS) found += hostsOf(asMap(lc[h]), hosts, paths, () => containerPath(v, i, 'lifecycle', h));
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
  versions: [{ minVersion: 34, check, cel }],
};
