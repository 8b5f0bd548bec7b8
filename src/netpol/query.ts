/**
 * `can-reach` questions: SRC and DST arguments resolved to endpoints, the port resolved, and the
 * answer for every (source, destination) pair with both sides explained.
 *
 * Arguments:
 *   NS/NAME            a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, …) or,
 *                      when no workload has the name, a Service (its selected pods; --port then
 *                      names a Service port and is translated to its targetPort)
 *   NS/KIND/NAME       the same, of one kind (deployment, sts, pod, svc, …)
 *   NS/SELECTOR        the pods of NS matching a label selector (app=web, tier in (a,b), !legacy)
 *   NS/*               every pod of NS
 *   IP or CIDR         addresses outside the cluster: 0.0.0.0/0 is the internet, 169.254.169.254
 *                      the cloud metadata endpoint
 * A CIDR is split into the pieces the policies' ipBlocks distinguish; the answer is "yes" when
 * every piece (and every pod pair) is allowed, "no" when none is, "partly" otherwise.
 */
import { asList, asMap, asString } from '../k8s/json.js';
import { type Endpoint, type Reachability, type SideVerdict } from './engine.js';
import { IpSet, parseAddressOrCidr } from './ip.js';
import { addressPieces } from './pieces.js';
import { PortSet, isProtocol, type Protocol } from './ports.js';
import { parseSelectorText, type Selector } from './selector.js';
import type { PodEndpoint, World } from './world.js';

export class QueryError extends Error {}

export interface ResolvedArg {
  text: string;
  /** What the argument denotes, in words. */
  description: string;
  endpoints: Array<{ endpoint: Endpoint; label: string }>;
  /**
   * The Service the argument named, or the Service of the same name that selects the named
   * workload's pods: its ports translate --port to a targetPort.
   */
  service?: { name: string; ports: ServicePort[]; named: boolean };
}

interface ServicePort {
  name?: string;
  port: number;
  protocol: Protocol;
  targetPort: number | string;
}

const KIND_ALIASES: Readonly<Record<string, string>> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController', rc: 'ReplicationController',
  job: 'Job', jobs: 'Job', cronjob: 'CronJob', cronjobs: 'CronJob', cj: 'CronJob',
  pod: 'Pod', pods: 'Pod', po: 'Pod', service: 'Service', services: 'Service', svc: 'Service',
};

const SELECTOR_CHARS = /[=!(), ]/;

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function didYouMean(wanted: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(wanted, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(wanted.length / 3)) ? ` (did you mean ${best}?)` : '';
}

function podEndpoints(engine: Reachability, pods: readonly PodEndpoint[]): ResolvedArg['endpoints'] {
  return pods.map((p) => {
    const label = `${p.namespace}/${p.podName ?? p.workload.name}`;
    if (p.hostNetwork) return { endpoint: { kind: 'node', pod: p } as Endpoint, label };
    return { endpoint: { kind: 'pod', cls: engine.classOf(p)! } as Endpoint, label };
  });
}

/** The pods a workload or selector argument denotes (hostNetwork pods included). */
function allPods(world: World): PodEndpoint[] {
  return [...world.pods, ...world.hostNetworkPods];
}

function serviceOf(world: World, ns: string, name: string, services: ServiceLookup): { pods: PodEndpoint[]; ports: ServicePort[] } | undefined {
  const svc = services(ns, name);
  if (!svc) return undefined;
  const spec = asMap(svc.spec) ?? {};
  const sel = asMap(spec.selector);
  const ports: ServicePort[] = [];
  for (const p of asList(spec.ports)) {
    const m = asMap(p);
    if (!m || typeof m.port !== 'number') continue;
    const protocol = isProtocol(m.protocol) ? m.protocol : 'TCP';
    const target = m.targetPort ?? m.port;
    ports.push({ ...(asString(m.name) ? { name: asString(m.name) } : {}), port: m.port, protocol, targetPort: typeof target === 'number' || typeof target === 'string' ? target : m.port });
  }
  if (!sel || Object.keys(sel).length === 0) return { pods: [], ports };
  const pods = allPods(world).filter((p) => p.namespace === ns && Object.entries(sel).every(([k, v]) => p.labels[k] === String(v)));
  return { pods, ports };
}

export type ServiceLookup = (namespace: string, name: string) => Record<string, unknown> | undefined;

export function resolveArg(text: string, world: World, engine: Reachability, services: ServiceLookup): ResolvedArg {
  const cidr = parseAddressOrCidr(text);
  if (cidr) {
    const set = IpSet.of(cidr);
    const atoms = addressPieces(world, set);
    const description = text === '0.0.0.0/0' || text === '::/0' ? `${text} (the internet: any address)` : text === '169.254.169.254' ? '169.254.169.254 (the cloud metadata endpoint)' : text;
    return {
      text,
      description,
      endpoints: atoms.map((a) => ({ endpoint: { kind: 'ip', addr: a.addr } as Endpoint, label: a.set.equals(set) ? text : a.set.toString() })),
    };
  }
  const slash = text.indexOf('/');
  if (slash <= 0) throw new QueryError(`"${text}": expected NAMESPACE/WORKLOAD, NAMESPACE/KIND/NAME, NAMESPACE/SELECTOR, NAMESPACE/* or an IP address/CIDR`);
  const ns = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  const inNs = allPods(world).filter((p) => p.namespace === ns);
  const namespaces = new Set([...allPods(world).map((p) => p.namespace), ...world.namespaces.keys()]);
  if (rest === '*') {
    if (inNs.length === 0) throw new QueryError(`"${text}": no pod in namespace "${ns}" in the input${didYouMean(ns, namespaces)}`);
    return { text, description: `every pod of namespace ${ns}`, endpoints: podEndpoints(engine, inNs) };
  }
  let kind: string | undefined;
  let name = rest;
  const second = rest.indexOf('/');
  if (second > 0 && !SELECTOR_CHARS.test(rest)) {
    const k = rest.slice(0, second).toLowerCase();
    kind = KIND_ALIASES[k];
    if (!kind) throw new QueryError(`"${text}": unknown kind "${rest.slice(0, second)}"${didYouMean(k, Object.keys(KIND_ALIASES))}`);
    name = rest.slice(second + 1);
  }
  if (!kind && SELECTOR_CHARS.test(rest)) {
    let sel: Selector;
    try {
      sel = parseSelectorText(rest);
    } catch (e) {
      throw new QueryError(`"${text}": ${(e as Error).message}`);
    }
    const pods = inNs.filter((p) => sel.matches(p.labels));
    if (pods.length === 0) throw new QueryError(`"${text}": no pod in namespace "${ns}" matches ${sel.text}${inNs.length === 0 ? ` (the input has no pod in "${ns}")` : ''}`);
    return { text, description: `pods ${sel.text} of namespace ${ns}`, endpoints: podEndpoints(engine, pods) };
  }
  if (kind !== 'Service') {
    const pods = inNs.filter((p) => p.workload.name === name && (!kind || p.workload.kind === kind) || (p.podName === name && (!kind || kind === 'Pod')));
    if (pods.length > 0) {
      const kinds = [...new Set(pods.map((p) => p.workload.kind))];
      if (kinds.length > 1) throw new QueryError(`"${text}" names ${kinds.join(' and ')}: say which, e.g. ${ns}/${kinds[0].toLowerCase()}/${name}`);
      const companion = serviceOf(world, ns, name, services);
      return {
        text,
        description: `${kinds[0]} ${ns}/${name}`,
        endpoints: podEndpoints(engine, pods),
        ...(companion && companion.pods.some((p) => pods.includes(p)) ? { service: { name, ports: companion.ports, named: false } } : {}),
      };
    }
  }
  const svc = !kind || kind === 'Service' ? serviceOf(world, ns, name, services) : undefined;
  if (svc) {
    if (svc.pods.length === 0) throw new QueryError(`"${text}": Service ${ns}/${name} selects no pod in the input`);
    return { text, description: `Service ${ns}/${name}`, endpoints: podEndpoints(engine, svc.pods), service: { name, ports: svc.ports, named: true } };
  }
  const names = new Set(inNs.map((p) => p.workload.name));
  if (!namespaces.has(ns)) throw new QueryError(`"${text}": no namespace "${ns}" in the input${didYouMean(ns, namespaces)}`);
  throw new QueryError(`"${text}": no ${kind ?? 'workload or Service'} named "${name}" in namespace "${ns}"${didYouMean(name, names)}`);
}

export interface PortArg {
  text: string;
  protocol: Protocol;
  port: number | string;
}

export function parsePortArg(text: string): PortArg {
  const m = /^([a-z0-9-]+)(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
  if (!m) throw new QueryError(`--port "${text}": expected PORT[/PROTOCOL], e.g. 8080, 53/UDP or http`);
  const protocol = (m[2]?.toUpperCase() ?? 'TCP') as Protocol;
  if (/^\d+$/.test(m[1])) {
    const n = Number(m[1]);
    if (n < 1 || n > 65535) throw new QueryError(`--port "${text}": port must be between 1 and 65535`);
    return { text, protocol, port: n };
  }
  return { text, protocol, port: m[1].toLowerCase() };
}

export interface PairAnswer {
  src: string;
  dst: string;
  srcEndpoint: Endpoint;
  dstEndpoint: Endpoint;
  egress: SideVerdict;
  ingress: SideVerdict;
  /** Ports allowed in both sides. */
  ports: PortSet;
  /** The concrete port asked about (after named-port / Service translation), if any. */
  port?: { protocol: Protocol; port: number; via?: string };
  allowed: boolean;
  /** Why a port could not be resolved for this pair. */
  note?: string;
}

export interface CanReachAnswer {
  answer: 'yes' | 'no' | 'partly';
  src: ResolvedArg;
  dst: ResolvedArg;
  port?: PortArg;
  pairs: PairAnswer[];
}

/** A container port of the destination by number or name (and protocol). */
function containerPort(port: number | string, protocol: Protocol, dst: Endpoint): { port: number; via?: string } | undefined {
  if (typeof port === 'number') return dst.kind !== 'pod' || dst.cls.ports.some((p) => p.port === port && p.protocol === protocol) ? { port } : undefined;
  if (dst.kind !== 'pod') return undefined;
  const cp = dst.cls.ports.find((p) => p.name === port && p.protocol === protocol);
  return cp && { port: cp.port, via: `named port ${port} → ${cp.port}` };
}

/** A Service port by number or name, translated to the destination's port. */
function throughService(port: number | string, protocol: Protocol, dst: Endpoint, service: NonNullable<ResolvedArg['service']>): { port: number; via?: string } | string | undefined {
  const sp = service.ports.find((p) => p.protocol === protocol && (p.port === port || (p.name !== undefined && p.name === port)));
  if (!sp) return undefined;
  const via = `Service ${service.name} port ${sp.port} → targetPort ${sp.targetPort}`;
  if (typeof sp.targetPort === 'number') return { port: sp.targetPort, via };
  const cp = containerPort(sp.targetPort, protocol, dst);
  return cp ? { port: cp.port, via: `${via} → ${cp.port}` } : `${via}, which the destination pod does not have`;
}

/**
 * The concrete destination port of a pair. A name or number is a container port of DST, or a
 * port of the Service DST names (tried first when DST named the Service, second when it named a
 * workload with a Service of the same name).
 */
function concretePort(port: PortArg, dst: Endpoint, service: ResolvedArg['service']): { protocol: Protocol; port: number; via?: string } | string {
  const direct = () => containerPort(port.port, port.protocol, dst);
  const viaService = () => (service ? throughService(port.port, port.protocol, dst, service) : undefined);
  const found = service?.named ? (viaService() ?? direct()) : (direct() ?? viaService());
  if (typeof found === 'string') return found;
  if (found) return { protocol: port.protocol, ...found };
  if (typeof port.port === 'number') return { protocol: port.protocol, port: port.port };
  if (dst.kind !== 'pod') return `a named port ("${port.port}") needs a destination pod`;
  return `the destination has no ${port.protocol} container port${service ? ` or Service port` : ''} named "${port.port}"`;
}

export function canReach(engine: Reachability, src: ResolvedArg, dst: ResolvedArg, port: PortArg | undefined): CanReachAnswer {
  const pairs: PairAnswer[] = [];
  for (const s of src.endpoints) {
    for (const d of dst.endpoints) {
      const { egress, ingress, ports } = engine.explain(s.endpoint, d.endpoint);
      const pair: PairAnswer = { src: s.label, dst: d.label, srcEndpoint: s.endpoint, dstEndpoint: d.endpoint, egress, ingress, ports, allowed: false };
      if (port) {
        const c = concretePort(port, d.endpoint, dst.service);
        if (typeof c === 'string') pair.note = c;
        else {
          pair.port = c;
          pair.allowed = ports.has(c.protocol, c.port);
        }
      } else if (dst.service?.named) {
        // Without --port, a Service destination means its target ports.
        let targets = PortSet.NONE;
        for (const sp of dst.service.ports) {
          const c = concretePort({ text: '', protocol: sp.protocol, port: sp.port }, d.endpoint, dst.service);
          if (typeof c !== 'string') targets = targets.union(PortSet.port(c.protocol, c.port));
        }
        pair.ports = ports.intersect(targets);
        pair.allowed = !pair.ports.isEmpty;
      } else pair.allowed = !ports.isEmpty;
      pairs.push(pair);
    }
  }
  const yes = pairs.filter((p) => p.allowed).length;
  return { answer: yes === pairs.length ? 'yes' : yes === 0 ? 'no' : 'partly', src, dst, ...(port ? { port } : {}), pairs };
}
