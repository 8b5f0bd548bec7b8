/**
 * What each workload exposes, judged from its policies' rules rather than from the pods that
 * exist today (a rule admitting `namespaceSelector: {}` exposes the workload to namespaces
 * created tomorrow):
 * - ingress from other namespaces, from any pod of the cluster, from the internet (public
 *   addresses admitted by an ipBlock, or by a rule without peers);
 * - egress to the internet, to the cloud metadata endpoint (169.254.169.254), to the API server;
 * - where egress is isolated: DNS (UDP and TCP 53 to kube-dns, or NodeLocal DNSCache);
 * - per namespace: how many workloads each direction isolates, and its default-deny policies.
 */
import { objectFromJson } from '../load/plain-object.js';
import type { Endpoint, PodClass, Reachability } from './engine.js';
import { IpSet, PRIVATE_RANGES, PUBLIC_INTERNET, coversPublicInternet, parseAddressOrCidr, type Address } from './ip.js';
import { addressPieces } from './pieces.js';
import { PortSet } from './ports.js';
import { allowsAll, rulesOf, type Direction, type NetPolicy, type Rule } from './policy.js';
import type { Requirement, Selector } from './selector.js';
import { computeMatrix, type MatrixNode } from './matrix.js';
import { NAMESPACE_NAME_LABEL, type PodEndpoint, type World } from './world.js';

export const METADATA_ADDRESS: Address = { family: 4, value: (169n << 24n) | (254n << 16n) | (169n << 8n) | 254n };
export const NODELOCAL_DNS_ADDRESS: Address = { family: 4, value: (169n << 24n) | (254n << 16n) | (20n << 8n) | 10n };

/** One kind of exposure: the ports, and the rules that give it (empty when the side is not isolated). */
export interface Reach {
  ports: PortSet;
  via: Rule[];
  /** In words: "namespaces team=a (existing: a1, a2)", "0.0.0.0/0". */
  detail: string[];
}

export interface ApiServerReach {
  answer: 'yes' | 'maybe' | 'no';
  ports: PortSet;
  detail: string;
}

export type DnsStatus = 'open' | 'ok' | 'udp-only' | 'tcp-only' | 'missing';

export interface WorkloadExposure {
  node: MatrixNode;
  ingressIsolatedBy: NetPolicy[];
  egressIsolatedBy: NetPolicy[];
  fromOtherNamespaces?: Reach;
  fromAnyPod?: Reach;
  fromInternet?: Reach & { wideOpen: boolean };
  toInternet?: Reach & { wideOpen: boolean };
  toMetadata?: Reach;
  toApiServer: ApiServerReach;
  dns: { status: DnsStatus; detail: string };
  /** Policies of other engines that may change all of this. */
  foreign: string[];
}

export interface NamespaceCoverage {
  namespace: string;
  workloads: number;
  ingressIsolated: number;
  egressIsolated: number;
  defaultDeny: { ingress?: NetPolicy; egress?: NetPolicy };
  /** The Namespace object is not in the input: only its name label is known. */
  labelsUnknown: boolean;
}

export interface ExposureReport {
  workloads: WorkloadExposure[];
  namespaces: NamespaceCoverage[];
  hostNetwork: PodEndpoint[];
}

export interface ExposureOptions {
  namespaces?: ReadonlySet<string>;
  /** API server addresses and ports (live: the `kubernetes` Service's endpoints). */
  apiServer?: { addresses: Address[]; ports: number[] };
}

/**
 * A policy that selects every pod of its namespace for the direction and whose rules (together
 * with the other select-all policies) allow nothing unconditionally: a default deny.
 */
export function defaultDenies(policies: readonly NetPolicy[], d: Direction): NetPolicy | undefined {
  const all = policies.filter((p) => p.podSelector.empty && p.types.has(d));
  if (all.some((p) => rulesOf(p, d).some(allowsAll))) return undefined; // an allow-all rule undoes it
  return all[0];
}

/** Requirements on one key are satisfiable by some present value other than `avoid`, or by the key's absence. */
function keyOutcomes(reqs: readonly Requirement[], avoid?: string): { present: boolean; absent: boolean } {
  let values: Set<string> | undefined;
  const excluded = new Set<string>(avoid === undefined ? [] : [avoid]);
  let mustBePresent = false;
  let mustBeAbsent = false;
  for (const r of reqs) {
    if (r.op === 'In') {
      values = values ? new Set([...values].filter((v) => r.values.has(v))) : new Set(r.values);
      mustBePresent = true;
    } else if (r.op === 'NotIn') for (const v of r.values) excluded.add(v);
    else if (r.op === 'Exists') mustBePresent = true;
    else mustBeAbsent = true;
  }
  const present = !mustBeAbsent && (values === undefined || [...values].some((v) => !excluded.has(v)));
  return { present, absent: !mustBePresent };
}

/** Can this namespace selector match some namespace (existing or not) other than `own`? */
export function canMatchOtherNamespace(sel: Selector, own: string): boolean {
  if (sel.invalid) return false;
  const byKey = new Map<string, Requirement[]>();
  for (const r of sel.requirements) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const [key, reqs] of byKey) {
    const o = keyOutcomes(reqs, key === NAMESPACE_NAME_LABEL ? own : undefined);
    // Every namespace carries its name label: it can never be absent.
    if (key === NAMESPACE_NAME_LABEL ? !o.present : !o.present && !o.absent) return false;
  }
  return true;
}

function namespaceNames(world: World): string[] {
  return [...new Set([...world.namespaces.keys(), ...world.pods.map((p) => p.namespace), ...world.policies.map((p) => p.namespace)])].sort();
}

function classesOf(node: MatrixNode): PodClass[] {
  return node.endpoints.filter((e): e is Extract<Endpoint, { kind: 'pod' }> => e.kind === 'pod').map((e) => e.cls);
}

function addReach(r: Reach | undefined, ports: PortSet, rule: Rule | undefined, detail: string): Reach {
  const out = r ?? { ports: PortSet.NONE, via: [], detail: [] };
  out.ports = out.ports.union(ports);
  if (rule && !out.via.includes(rule)) out.via.push(rule);
  if (!out.detail.includes(detail)) out.detail.push(detail);
  return out;
}

function ingressExposure(engine: Reachability, cls: PodClass, e: Partial<WorkloadExposure>, world: World): void {
  const isolating = engine.isolating(cls, 'Ingress');
  const self: Endpoint = { kind: 'pod', cls };
  if (isolating.length === 0) {
    e.fromOtherNamespaces = addReach(e.fromOtherNamespaces, PortSet.ALL, undefined, 'not isolated for ingress');
    e.fromAnyPod = addReach(e.fromAnyPod, PortSet.ALL, undefined, 'not isolated for ingress');
    e.fromInternet = { ...addReach(e.fromInternet, PortSet.ALL, undefined, 'not isolated for ingress'), wideOpen: true };
    return;
  }
  let publicSet = IpSet.EMPTY;
  for (const p of isolating) {
    for (const rule of p.ingress) {
      const ports = engine.rulePorts(rule, self);
      if (ports.isEmpty) continue;
      if (rule.peers === undefined) {
        e.fromOtherNamespaces = addReach(e.fromOtherNamespaces, ports, rule, 'any source');
        e.fromAnyPod = addReach(e.fromAnyPod, ports, rule, 'any source');
        e.fromInternet = { ...addReach(e.fromInternet, ports, rule, 'any source'), wideOpen: true };
        publicSet = PUBLIC_INTERNET;
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          const pub = peer.set.intersect(PUBLIC_INTERNET);
          if (pub.empty) continue;
          publicSet = publicSet.union(pub);
          e.fromInternet = { ...addReach(e.fromInternet, ports, rule, peer.cidr.text + (peer.except.length ? ` except ${peer.except.map((x) => x.text).join(', ')}` : '')), wideOpen: false };
          continue;
        }
        if (!peer.namespaceSelector) continue; // the policy's own namespace
        if (peer.namespaceSelector.empty) {
          e.fromOtherNamespaces = addReach(e.fromOtherNamespaces, ports, rule, peer.podSelector ? `pods ${peer.podSelector.text} of every namespace` : 'every namespace');
          if (!peer.podSelector) e.fromAnyPod = addReach(e.fromAnyPod, ports, rule, 'every pod of every namespace');
          continue;
        }
        if (!canMatchOtherNamespace(peer.namespaceSelector, cls.namespace)) continue;
        const existing = namespaceNames(world).filter((n) => n !== cls.namespace && peer.namespaceSelector!.matches(world.namespace(n).labels));
        e.fromOtherNamespaces = addReach(
          e.fromOtherNamespaces,
          ports,
          rule,
          `${peer.podSelector ? `pods ${peer.podSelector.text} of ` : ''}namespaces ${peer.namespaceSelector.text} (in the input: ${existing.length ? existing.join(', ') : 'none'})`,
        );
      }
    }
  }
  if (e.fromInternet) e.fromInternet.wideOpen = e.fromInternet.wideOpen || coversPublicInternet(publicSet);
}

/** Ports allowed to every piece of `set` (intersection) and to some piece (union). */
function egressToSet(engine: Reachability, cls: PodClass, set: IpSet): { some: PortSet; all: PortSet; via: Rule[] } {
  let some = PortSet.NONE;
  let all: PortSet | undefined;
  const via: Rule[] = [];
  for (const piece of addressPieces(engine.world, set)) {
    const side = engine.side('Egress', { kind: 'pod', cls }, { kind: 'ip', addr: piece.addr });
    some = some.union(side.ports);
    all = all === undefined ? side.ports : all.intersect(side.ports);
    for (const m of side.matches) if (!via.includes(m.rule)) via.push(m.rule);
  }
  return { some, all: all ?? PortSet.NONE, via };
}

function egressExposure(engine: Reachability, cls: PodClass, e: Partial<WorkloadExposure>, opts: ExposureOptions): void {
  const self: Endpoint = { kind: 'pod', cls };
  const internet = egressToSet(engine, cls, PUBLIC_INTERNET);
  if (!internet.some.isEmpty) {
    // Wide open: every public address is reachable (on the ports every piece allows).
    const wideOpen = (e.toInternet?.wideOpen ?? true) && !internet.all.isEmpty;
    e.toInternet = { ports: (e.toInternet?.ports ?? PortSet.NONE).union(internet.some), via: [...new Set([...(e.toInternet?.via ?? []), ...internet.via])], detail: [], wideOpen };
  }
  const meta = engine.side('Egress', self, { kind: 'ip', addr: METADATA_ADDRESS });
  if (!meta.ports.isEmpty) e.toMetadata = addReach(e.toMetadata, meta.ports, meta.matches[0]?.rule, '169.254.169.254');

  const api = opts.apiServer;
  let answer: ApiServerReach;
  if (api && api.addresses.length) {
    let allowed = PortSet.NONE;
    for (const a of api.addresses) allowed = allowed.union(engine.side('Egress', self, { kind: 'ip', addr: a }).ports);
    const wanted = api.ports.reduce((s, p) => s.union(PortSet.port('TCP', p)), PortSet.NONE);
    const ok = allowed.intersect(wanted);
    answer = { answer: ok.isEmpty ? 'no' : 'yes', ports: ok, detail: `API server at ${api.addresses.length} address(es), TCP ${api.ports.join(', ')}` };
  } else {
    const wanted = PortSet.port('TCP', 443).union(PortSet.port('TCP', 6443));
    const anywhere = egressToSet(engine, cls, IpSet.ALL);
    const priv = egressToSet(engine, cls, PRIVATE_RANGES);
    if (!anywhere.all.intersect(wanted).isEmpty) answer = { answer: 'yes', ports: anywhere.all.intersect(wanted), detail: 'egress to every address is allowed on TCP 443/6443' };
    else if (!anywhere.some.intersect(wanted).isEmpty)
      answer = { answer: 'maybe', ports: anywhere.some.intersect(wanted), detail: `ipBlock rules allow TCP 443/6443 to some addresses${priv.some.intersect(wanted).isEmpty ? '' : ' in private ranges'}; the API server's address is not known offline (--api-server)` };
    else answer = { answer: 'no', ports: PortSet.NONE, detail: 'no rule allows TCP 443 or 6443 to addresses outside the cluster' };
  }
  e.toApiServer = !e.toApiServer || rank(answer.answer) > rank(e.toApiServer.answer) ? answer : e.toApiServer;

  if (engine.isolating(cls, 'Egress').length === 0) {
    e.dns = { status: 'open', detail: 'egress not isolated' };
    return;
  }
  const dnsPods = kubeDnsPods(engine.world);
  let dns = PortSet.NONE;
  for (const p of dnsPods) {
    const c = engine.classOf(p) ?? engine.adHocClass(p);
    dns = dns.union(engine.allowed(self, { kind: 'pod', cls: c }));
  }
  const local = engine.side('Egress', self, { kind: 'ip', addr: NODELOCAL_DNS_ADDRESS }).ports;
  const udp = dns.has('UDP', 53) || local.has('UDP', 53);
  const tcp = dns.has('TCP', 53) || local.has('TCP', 53);
  const where = dns.has('UDP', 53) || dns.has('TCP', 53) ? 'to kube-dns' : 'to NodeLocal DNSCache 169.254.20.10';
  const status: DnsStatus = udp && tcp ? 'ok' : udp ? 'udp-only' : tcp ? 'tcp-only' : 'missing';
  const detail =
    status === 'ok' ? `UDP and TCP 53 ${where}` : status === 'udp-only' ? `UDP 53 ${where}, but not TCP 53 (large responses and DNSSEC need TCP)` : status === 'tcp-only' ? `TCP 53 ${where}, but not UDP 53` : 'egress is isolated and no rule allows UDP/TCP 53 to kube-dns (kube-system, k8s-app=kube-dns) or NodeLocal DNSCache: name resolution fails';
  if (!e.dns || rank2(status) < rank2(e.dns.status)) e.dns = { status, detail };
}

function rank(a: ApiServerReach['answer']): number {
  return a === 'yes' ? 2 : a === 'maybe' ? 1 : 0;
}

/** Worst first: a workload with several classes reports its worst DNS status. */
function rank2(s: DnsStatus): number {
  return ['missing', 'udp-only', 'tcp-only', 'ok', 'open'].indexOf(s);
}

/** kube-dns pods of the input, or the standard one (CoreDNS in kube-system) when the input has none. */
export function kubeDnsPods(world: World): PodEndpoint[] {
  const found = world.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
  if (found.length) return found;
  const ns = 'kube-system';
  const coredns = objectFromJson({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: ns } }, '(standard kube-dns)');
  return [
    {
      namespace: ns,
      labels: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
      workload: { kind: 'Deployment', name: 'coredns', namespace: ns, object: coredns },
      source: coredns,
      hostNetwork: false,
    },
  ];
}

export function computeExposure(engine: Reachability, opts: ExposureOptions = {}): ExposureReport {
  const world = engine.world;
  const nodes = computeMatrix(engine, { ...(opts.namespaces ? { namespaces: opts.namespaces } : {}), externals: [] }).nodes;
  const workloads: WorkloadExposure[] = nodes.map((node) => {
    const e: Partial<WorkloadExposure> = { node };
    const classes = classesOf(node);
    const ingressBy = new Set<NetPolicy>();
    const egressBy = new Set<NetPolicy>();
    for (const cls of classes) {
      for (const p of engine.isolating(cls, 'Ingress')) ingressBy.add(p);
      for (const p of engine.isolating(cls, 'Egress')) egressBy.add(p);
      ingressExposure(engine, cls, e, world);
      egressExposure(engine, cls, e, opts);
    }
    const foreign = world.foreignFor(node.namespace!).map((f) => `${f.object.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.object.name}`);
    return { ...(e as WorkloadExposure), node, ingressIsolatedBy: [...ingressBy], egressIsolatedBy: [...egressBy], foreign };
  });
  const byNs = new Map<string, WorkloadExposure[]>();
  for (const w of workloads) byNs.set(w.node.namespace!, [...(byNs.get(w.node.namespace!) ?? []), w]);
  const namespaces: NamespaceCoverage[] = [...byNs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, ws]) => {
      const policies = world.policiesByNamespace.get(ns) ?? [];
      const ingress = defaultDenies(policies, 'Ingress');
      const egress = defaultDenies(policies, 'Egress');
      return {
        namespace: ns,
        workloads: ws.length,
        ingressIsolated: ws.filter((w) => w.node.ingressIsolated).length,
        egressIsolated: ws.filter((w) => w.node.egressIsolated).length,
        defaultDeny: { ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) },
        labelsUnknown: !world.namespaces.get(ns)?.declared,
      };
    });
  const hostNetwork = opts.namespaces ? world.hostNetworkPods.filter((p) => opts.namespaces!.has(p.namespace)) : [...world.hostNetworkPods];
  return { workloads, namespaces, hostNetwork };
}

/** Parses --api-server ADDRESS[:PORT][,…] (IPv6 as [ADDRESS]:PORT; default port 443). */
export function parseApiServer(text: string): { addresses: Address[]; ports: number[] } | string {
  const addresses: Address[] = [];
  const ports = new Set<number>();
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    let host = part;
    let port = 443;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(part);
    if (bracketed) {
      host = bracketed[1];
      if (bracketed[2]) port = Number(bracketed[2]);
    } else if (part.split(':').length === 2) {
      [host] = part.split(':');
      port = Number(part.split(':')[1]);
    }
    const c = parseAddressOrCidr(host);
    if (!c || c.prefix !== (c.family === 4 ? 32 : 128) || !Number.isInteger(port) || port < 1 || port > 65535) return `--api-server "${part}": expected an IP address with an optional :PORT ([IPv6]:PORT)`;
    addresses.push({ family: c.family, value: c.base });
    ports.add(port);
  }
  if (addresses.length === 0) return '--api-server: no address given';
  return { addresses, ports: [...ports] };
}
