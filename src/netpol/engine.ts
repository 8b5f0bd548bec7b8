/**
 * The reachability engine: which connections the NetworkPolicies of a World allow.
 *
 * A connection from SRC to DST on a port needs SRC's egress side AND DST's ingress side:
 * - a side is open when no policy that selects the pod has that direction in its policyTypes
 *   (or the endpoint is outside the cluster, or a hostNetwork pod: NetworkPolicy does not
 *   govern it);
 * - otherwise the pod is isolated for that direction and the connection is allowed only by the
 *   union of the rules of those policies (policies are additive; none can deny what another
 *   allows): a rule allows it when one of its peers matches the other end and one of its ports
 *   matches the port;
 * - named ports resolve against the DESTINATION pod's container ports (name and protocol), for
 *   egress rules as for ingress rules;
 * - ipBlock peers match addresses outside the cluster. Whether they also match pod IPs depends on
 *   the CNI (Calico yes, Cilium no): by default the engine does not apply them to pods and
 *   reports the ipBlock rules that could, instead of guessing; `podIpBlocks: 'apply'` applies
 *   them to pods whose IP is known (live pods).
 * Replies of an allowed connection are allowed implicitly; nothing here models them.
 *
 * Pods are grouped into classes by (namespace, labels, container ports[, IP]): every pod of a
 * class has the same verdicts, so cost grows with classes, not pods. Per class, the selecting
 * policies are found once; per (policy set, peer) the allowed ports are computed once.
 */
import type { Labels } from '../k8s/labels.js';
import type { Address } from './ip.js';
import { PortSet, type Protocol } from './ports.js';
import { type Direction, type IpBlockPeer, type NetPolicy, type Peer, type Rule, rulesOf } from './policy.js';
import type { ContainerPort, PodEndpoint, World } from './world.js';

export interface EngineOptions {
  /** Apply ipBlock peers to pods with a known IP (CNI-dependent). Default 'ignore'. */
  podIpBlocks?: 'ignore' | 'apply';
}

export interface PodClass {
  id: number;
  namespace: string;
  nsLabels: Labels;
  labels: Labels;
  ports: readonly ContainerPort[];
  /** The container ports as a key: classes with equal keys resolve named ports alike. */
  portsKey: string;
  ip?: Address;
  members: PodEndpoint[];
}

/** One end of a connection. */
export type Endpoint =
  | { kind: 'pod'; cls: PodClass }
  /** An address outside the cluster (or any address NetworkPolicy sees as such). */
  | { kind: 'ip'; addr: Address }
  /** A hostNetwork pod: its traffic carries the node's address, which is not known here. */
  | { kind: 'node'; pod: PodEndpoint };

/** Why a side allows what it allows. */
export interface SideVerdict {
  direction: Direction;
  /** The endpoint whose policies decide this side (SRC for egress, DST for ingress). */
  subject: Endpoint;
  /** 'external': not a pod; 'host-network': outside NetworkPolicy; 'open': not isolated; 'isolated'. */
  status: 'external' | 'host-network' | 'open' | 'isolated';
  /** Policies selecting the subject (any direction). */
  selecting: readonly NetPolicy[];
  /** Policies selecting the subject that have this direction. */
  isolating: readonly NetPolicy[];
  /** Rules whose peers match the other end, with the ports they allow to it. */
  matches: Array<{ rule: Rule; peer?: Peer; ports: PortSet }>;
  /** The ports this side allows to/from the other end. */
  ports: PortSet;
  /** ipBlock peers that may also match the other end's pod IP, depending on the CNI. */
  cniDependent: Array<{ rule: Rule; peer: IpBlockPeer }>;
}

function labelsKey(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}\u0001${l[k]}`)
    .join('\u0002');
}

function portsKey(ports: readonly ContainerPort[]): string {
  return ports
    .map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`)
    .sort()
    .join(',');
}

export class Reachability {
  readonly classes: PodClass[] = [];
  readonly options: Required<EngineOptions>;
  readonly #classByPod = new Map<PodEndpoint, PodClass>();
  readonly #selecting = new Map<PodClass, NetPolicy[]>();
  readonly #isolating = new Map<PodClass, { Ingress: NetPolicy[]; Egress: NetPolicy[] }>();
  /** Side profiles: interned by key; per class its [egress, ingress] profile; per profile its row over classes. */
  readonly #profileIds = new Map<string, number>();
  readonly #profileSubjects: Array<{ cls: PodClass; direction: Direction }> = [];
  readonly #classProfiles: Array<[number, number] | undefined> = [];
  readonly #rows: Array<PortSet[] | undefined> = [];
  readonly #peerClassCache = new Map<Peer, readonly PodClass[]>();
  #byNamespace: Map<string, PodClass[]> | undefined;

  constructor(
    readonly world: World,
    options: EngineOptions = {},
  ) {
    this.options = { podIpBlocks: options.podIpBlocks ?? 'ignore' };
    const byKey = new Map<string, PodClass>();
    for (const pod of world.pods) {
      const ip = this.options.podIpBlocks === 'apply' ? pod.ip : undefined;
      const pk = portsKey(pod.ports);
      const key = `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${pk}\u0000${ip ? `${ip.family}:${ip.value}` : ''}`;
      let cls = byKey.get(key);
      if (!cls) {
        cls = { id: this.classes.length, namespace: pod.namespace, nsLabels: world.namespace(pod.namespace).labels, labels: pod.labels, ports: pod.ports, portsKey: pk, ...(ip ? { ip } : {}), members: [] };
        byKey.set(key, cls);
        this.classes.push(cls);
      }
      cls.members.push(pod);
      this.#classByPod.set(pod, cls);
    }
  }

  classOf(pod: PodEndpoint): PodClass | undefined {
    return this.#classByPod.get(pod);
  }

  /** A class for a pod that is not part of the world (a hypothetical pod, e.g. kube-dns). */
  adHocClass(pod: PodEndpoint): PodClass {
    return { id: -1, namespace: pod.namespace, nsLabels: this.world.namespace(pod.namespace).labels, labels: pod.labels, ports: pod.ports, portsKey: portsKey(pod.ports), members: [pod] };
  }

  /** Policies of the class's namespace whose podSelector selects it (any direction). */
  selecting(cls: PodClass): NetPolicy[] {
    let s = this.#selecting.get(cls);
    if (!s) {
      s = (this.world.policiesByNamespace.get(cls.namespace) ?? []).filter((p) => p.podSelector.matches(cls.labels));
      if (cls.id >= 0) this.#selecting.set(cls, s);
    }
    return s;
  }

  /** Selecting policies with this direction in their policyTypes: the pod is isolated for it when any. */
  isolating(cls: PodClass, d: Direction): NetPolicy[] {
    let i = this.#isolating.get(cls);
    if (!i) {
      const sel = this.selecting(cls);
      i = { Ingress: sel.filter((p) => p.types.has('Ingress')), Egress: sel.filter((p) => p.types.has('Egress')) };
      if (cls.id >= 0) this.#isolating.set(cls, i);
    }
    return i[d];
  }

  /** Does `peer` of a rule of `policy` match endpoint `e`? */
  peerMatches(peer: Peer, policy: NetPolicy, e: Endpoint): boolean {
    if (peer.kind === 'ipBlock') {
      if (e.kind === 'ip') return peer.set.has(e.addr);
      if (e.kind === 'pod' && this.options.podIpBlocks === 'apply' && e.cls.ip) return peer.set.has(e.cls.ip);
      return false;
    }
    if (e.kind !== 'pod') return false;
    const nsOk = peer.namespaceSelector ? peer.namespaceSelector.matches(e.cls.nsLabels) : e.cls.namespace === policy.namespace;
    return nsOk && (peer.podSelector === undefined || peer.podSelector.matches(e.cls.labels));
  }

  /** The ports a rule allows to destination `dst`: numeric ports, plus named ports resolved against dst's container ports. */
  rulePorts(rule: Rule, dst: Endpoint): PortSet {
    if (rule.namedPorts.length === 0 || dst.kind !== 'pod') return rule.numericPorts;
    let ports = rule.numericPorts;
    for (const n of rule.namedPorts) {
      for (const cp of dst.cls.ports) if (cp.name === n.name && cp.protocol === n.protocol) ports = ports.union(PortSet.port(n.protocol, cp.port));
    }
    return ports;
  }

  /**
   * One side of a connection, explained. Egress: `subject` is SRC, `other` DST. Ingress:
   * `subject` is DST, `other` SRC.
   */
  side(direction: Direction, subject: Endpoint, other: Endpoint): SideVerdict {
    const base = { direction, subject, selecting: [] as NetPolicy[], isolating: [] as NetPolicy[], matches: [], cniDependent: [] };
    if (subject.kind === 'ip') return { ...base, status: 'external', ports: PortSet.ALL };
    if (subject.kind === 'node') return { ...base, status: 'host-network', ports: PortSet.ALL };
    const selecting = this.selecting(subject.cls);
    const isolating = this.isolating(subject.cls, direction);
    if (isolating.length === 0) return { ...base, selecting, isolating, status: 'open', ports: PortSet.ALL };
    const dst = direction === 'Egress' ? other : subject;
    const matches: SideVerdict['matches'] = [];
    const cniDependent: SideVerdict['cniDependent'] = [];
    let ports = PortSet.NONE;
    for (const p of isolating) {
      for (const rule of rulesOf(p, direction)) {
        const rp = this.rulePorts(rule, dst);
        if (rule.peers === undefined) {
          matches.push({ rule, ports: rp });
          ports = ports.union(rp);
          continue;
        }
        for (const peer of rule.peers) {
          if (this.peerMatches(peer, p, other)) {
            matches.push({ rule, peer, ports: rp });
            ports = ports.union(rp);
            break;
          }
          if (peer.kind === 'ipBlock' && this.#ipUnknownOrUnapplied(other) && !rp.isEmpty) cniDependent.push({ rule, peer });
        }
      }
    }
    return { ...base, selecting, isolating, status: 'isolated', matches, ports, cniDependent };
  }

  /**
   * The ports one side allows (no explanation). Between pods of the world it reads one row of
   * the side table: classes with the same isolating policies (and, for ingress, the same container
   * ports, which named ports resolve against) share a profile, and a profile's row holds the
   * ports for every other class, computed in one pass over its rules.
   */
  sidePorts(direction: Direction, subject: PodClass, other: Endpoint): PortSet {
    if (this.isolating(subject, direction).length === 0) return PortSet.ALL;
    if (other.kind !== 'pod' || subject.id < 0 || other.cls.id < 0) return this.side(direction, { kind: 'pod', cls: subject }, other).ports;
    return this.#row(this.#profile(subject, direction))[other.cls.id];
  }

  /** Interned (direction, isolating policies[, container ports]) of a class. */
  #profile(cls: PodClass, direction: Direction): number {
    const slot = direction === 'Egress' ? 0 : 1;
    let ids = this.#classProfiles[cls.id];
    if (!ids) this.#classProfiles[cls.id] = ids = [-1, -1];
    if (ids[slot] >= 0) return ids[slot];
    // Egress rules resolve named ports against the other end (the destination); ingress rules
    // against the subject itself: its ports are part of an ingress profile.
    const key = `${direction[0]}${this.isolating(cls, direction).map((p) => this.#policyId(p)).join(',')}${direction === 'Ingress' ? `|${cls.portsKey}` : ''}`;
    let id = this.#profileIds.get(key);
    if (id === undefined) {
      id = this.#profileSubjects.length;
      this.#profileIds.set(key, id);
      this.#profileSubjects.push({ cls, direction });
    }
    ids[slot] = id;
    return id;
  }

  #row(profile: number): PortSet[] {
    const cached = this.#rows[profile];
    if (cached) return cached;
    const { cls: subject, direction } = this.#profileSubjects[profile];
    const row = new Array<PortSet>(this.classes.length).fill(PortSet.NONE);
    const self: Endpoint = { kind: 'pod', cls: subject };
    for (const p of this.isolating(subject, direction)) {
      for (const rule of rulesOf(p, direction)) {
        const matched = rule.peers === undefined ? this.classes : this.#ruleClasses(rule, p);
        const fixed = direction === 'Ingress' ? this.rulePorts(rule, self) : rule.namedPorts.length === 0 ? rule.numericPorts : undefined;
        for (const c of matched) row[c.id] = row[c.id].union(fixed ?? this.rulePorts(rule, { kind: 'pod', cls: c }));
      }
    }
    this.#rows[profile] = row;
    return row;
  }

  /** The classes some peer of the rule matches, each once. */
  #ruleClasses(rule: Rule, policy: NetPolicy): readonly PodClass[] {
    const peers = rule.peers ?? [];
    if (peers.length === 1) return this.#peerClasses(peers[0], policy);
    const seen = new Set<PodClass>();
    for (const peer of peers) for (const c of this.#peerClasses(peer, policy)) seen.add(c);
    return [...seen];
  }

  /** The classes a peer matches (computed once per peer: namespaces first, then pods). */
  #peerClasses(peer: Peer, policy: NetPolicy): readonly PodClass[] {
    let out = this.#peerClassCache.get(peer);
    if (out) return out;
    if (peer.kind === 'ipBlock') {
      out = this.options.podIpBlocks === 'apply' ? this.classes.filter((c) => c.ip && peer.set.has(c.ip)) : [];
    } else {
      if (!this.#byNamespace) {
        this.#byNamespace = new Map();
        for (const c of this.classes) this.#byNamespace.set(c.namespace, [...(this.#byNamespace.get(c.namespace) ?? []), c]);
      }
      const namespaces = peer.namespaceSelector ? [...this.#byNamespace.keys()].filter((ns) => peer.namespaceSelector!.matches(this.world.namespace(ns).labels)) : [policy.namespace];
      out = namespaces.flatMap((ns) => this.#byNamespace!.get(ns) ?? []).filter((c) => peer.podSelector === undefined || peer.podSelector.matches(c.labels));
    }
    this.#peerClassCache.set(peer, out);
    return out;
  }

  /** Ports allowed from `src` to `dst` (both sides). */
  allowed(src: Endpoint, dst: Endpoint): PortSet {
    const egress = src.kind === 'pod' ? this.sidePorts('Egress', src.cls, dst) : PortSet.ALL;
    if (egress.isEmpty) return egress;
    const ingress = dst.kind === 'pod' ? this.sidePorts('Ingress', dst.cls, src) : PortSet.ALL;
    return egress.intersect(ingress);
  }

  /** Both sides of one connection, explained. */
  explain(src: Endpoint, dst: Endpoint): { egress: SideVerdict; ingress: SideVerdict; ports: PortSet } {
    const egress = this.side('Egress', src, dst);
    const ingress = this.side('Ingress', dst, src);
    return { egress, ingress, ports: egress.ports.intersect(ingress.ports) };
  }

  /** An ipBlock could match `e` only depending on the CNI or on an address not known here. */
  #ipUnknownOrUnapplied(e: Endpoint): boolean {
    if (e.kind === 'ip') return false;
    return !(e.kind === 'pod' && this.options.podIpBlocks === 'apply' && e.cls.ip);
  }

  readonly #policyIds = new Map<NetPolicy, number>();
  #policyId(p: NetPolicy): number {
    let id = this.#policyIds.get(p);
    if (id === undefined) this.#policyIds.set(p, (id = this.#policyIds.size));
    return id;
  }
}

/** Does the port set allow this one port? */
export function allowsPort(ports: PortSet, protocol: Protocol, port: number): boolean {
  return ports.has(protocol, port);
}
