/**
 * A NetworkPolicy (networking.k8s.io/v1) read into the form the reachability engine evaluates,
 * after the API server's defaulting and validation:
 * - `policyTypes` omitted or empty → [Ingress], plus Egress when `egress` has at least one rule
 *   (`SetDefaults_NetworkPolicy`): a policy that lists only egress rules isolates ingress too;
 * - a direction in policyTypes with no rules (`ingress: []` or absent) allows nothing; a rule
 *   `{}` allows everything; a rule without `from`/`to` (or with an empty list) allows every peer,
 *   without `ports` every port;
 * - a peer is an ipBlock, or a podSelector and/or namespaceSelector: both in one element means
 *   AND; a podSelector alone means the policy's own namespace; `namespaceSelector: {}` every
 *   namespace;
 * - a port is numeric (optionally a range up to `endPort`) or named (resolved later against the
 *   destination pod's container ports), with protocol TCP (default), UDP or SCTP.
 * What the API server would reject (endPort without a numeric port or below it, an `except`
 * outside its `cidr`, an ipBlock combined with selectors, bad selectors, unknown protocols or
 * policyTypes) is a problem of the policy: commands treat it as an input error.
 */
import type { LoadedObject, Path } from '../load/types.js';
import { ObjectIndex } from '../engine/object-index.js';
import { asList, asMap, isMap, type JsonMap } from '../k8s/json.js';
import { compileSelector, type Selector, type SelectorProblem } from './selector.js';
import { IpSet, parseCidr, strictSubset, type Cidr } from './ip.js';
import { MAX_PORT, MIN_PORT, PortSet, isProtocol, type Protocol } from './ports.js';

export type Direction = 'Ingress' | 'Egress';
export const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

export interface PodPeer {
  kind: 'pods';
  /** undefined: the policy's own namespace. */
  namespaceSelector?: Selector;
  /** undefined: every pod (of the selected namespaces). */
  podSelector?: Selector;
  index: number;
  path: Path;
}

export interface IpBlockPeer {
  kind: 'ipBlock';
  cidr: Cidr;
  except: Cidr[];
  /** cidr minus the except blocks. */
  set: IpSet;
  index: number;
  path: Path;
}

export type Peer = PodPeer | IpBlockPeer;

export interface PortRule {
  protocol: Protocol;
  /** undefined: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

export interface Rule {
  policy: NetPolicy;
  direction: Direction;
  index: number;
  path: Path;
  /** undefined: every peer (no `from`/`to`, or an empty list). */
  peers?: Peer[];
  /** undefined: every port (no `ports`, or an empty list). */
  ports?: PortRule[];
  /** The numeric part of `ports` (all of it when `ports` is undefined). */
  numericPorts: PortSet;
  /** Named ports of `ports`, resolved per destination pod. */
  namedPorts: ReadonlyArray<{ name: string; protocol: Protocol }>;
}

export interface NetPolicy {
  object: LoadedObject;
  name: string;
  namespace: string;
  podSelector: Selector;
  /** Effective policyTypes after API defaulting. */
  types: ReadonlySet<Direction>;
  ingress: Rule[];
  egress: Rule[];
  /** What the API server would reject; empty for a valid policy. */
  problems: SelectorProblem[];
  /** What the API server accepts with a warning (CIDRs with host bits set). */
  warnings: SelectorProblem[];
}

/** The core NetworkPolicy kind (networking.k8s.io, or the removed extensions/v1beta1). */
export function isCoreNetworkPolicy(o: { kind: string; apiVersion: string }): boolean {
  return o.kind === 'NetworkPolicy' && (o.apiVersion.startsWith('networking.k8s.io/') || o.apiVersion === 'extensions/v1beta1');
}

/** Effective policyTypes (API defaulting): declared values when any, else Ingress plus Egress when egress rules exist. */
export function effectivePolicyTypes(spec: JsonMap): Set<Direction> {
  const declared = asList(spec.policyTypes);
  const out = new Set<Direction>();
  if (declared.length > 0) {
    for (const t of declared) if (t === 'Ingress' || t === 'Egress') out.add(t);
    return out;
  }
  out.add('Ingress');
  if (asList(spec.egress).length > 0) out.add('Egress');
  return out;
}

function listAt(v: unknown, path: Path, problems: SelectorProblem[]): readonly unknown[] {
  if (v !== undefined && v !== null && !Array.isArray(v)) problems.push({ path, message: 'must be a list' });
  return asList(v);
}

function parsePort(raw: unknown, path: Path, problems: SelectorProblem[]): PortRule | undefined {
  const p = asMap(raw);
  if (!p) {
    problems.push({ path, message: 'must be a map with protocol, port and endPort' });
    return undefined;
  }
  let protocol: Protocol = 'TCP';
  if (p.protocol !== undefined && p.protocol !== null) {
    if (!isProtocol(p.protocol)) {
      problems.push({ path: [...path, 'protocol'], message: `protocol must be TCP, UDP or SCTP (got ${JSON.stringify(p.protocol)})` });
      return undefined;
    }
    protocol = p.protocol;
  }
  const port = p.port;
  const endPort = p.endPort;
  const rule: PortRule = { protocol };
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) problems.push({ path: [...path, 'endPort'], message: 'endPort may not be specified when port is not specified' });
    return rule;
  }
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
      problems.push({ path: [...path, 'port'], message: `port must be between ${MIN_PORT} and ${MAX_PORT} (got ${port})` });
      return undefined;
    }
    rule.port = port;
    if (endPort !== undefined && endPort !== null) {
      if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < MIN_PORT || endPort > MAX_PORT) {
        problems.push({ path: [...path, 'endPort'], message: `endPort must be a port number between ${MIN_PORT} and ${MAX_PORT}` });
        return undefined;
      }
      if (endPort < port) {
        problems.push({ path: [...path, 'endPort'], message: `endPort ${endPort} must be greater than or equal to port ${port}` });
        return undefined;
      }
      rule.endPort = endPort;
    }
    return rule;
  }
  if (typeof port === 'string') {
    // A numeric string is a name the API server rejects (IANA service names need a letter).
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(port) || port.length > 15 || !/[a-z]/.test(port) || port.includes('--')) {
      problems.push({ path: [...path, 'port'], message: `port "${port}" is not a valid port name (IANA service name: ≤ 15 lowercase letters, digits and '-', with at least one letter)` });
      return undefined;
    }
    if (endPort !== undefined && endPort !== null) {
      problems.push({ path: [...path, 'endPort'], message: `endPort may not be specified when port is a name ("${port}")` });
      return undefined;
    }
    rule.port = port;
    return rule;
  }
  problems.push({ path: [...path, 'port'], message: 'port must be a number or a port name' });
  return undefined;
}

function parseIpBlock(raw: unknown, path: Path, index: number, problems: SelectorProblem[], warnings: SelectorProblem[]): IpBlockPeer | undefined {
  const b = asMap(raw);
  if (!b) {
    problems.push({ path, message: 'ipBlock must be a map with cidr and except' });
    return undefined;
  }
  if (typeof b.cidr !== 'string' || b.cidr === '') {
    problems.push({ path: [...path, 'cidr'], message: 'ipBlock.cidr is required' });
    return undefined;
  }
  const cidr = parseCidr(b.cidr);
  if (!cidr) {
    problems.push({ path: [...path, 'cidr'], message: `"${b.cidr}" is not a CIDR (e.g. 10.0.0.0/8 or 2001:db8::/32)` });
    return undefined;
  }
  if (cidr.hostBitsSet) warnings.push({ path: [...path, 'cidr'], message: `CIDR "${b.cidr}" has bits set after the prefix length: it means the whole block, not one address` });
  const except: Cidr[] = [];
  let ok = true;
  listAt(b.except, [...path, 'except'], problems).forEach((e, i) => {
    const c = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!c) {
      problems.push({ path: [...path, 'except', i], message: `${JSON.stringify(e)} is not a CIDR` });
      ok = false;
      return;
    }
    if (!strictSubset(c, cidr)) {
      problems.push({ path: [...path, 'except', i], message: `except "${e}" must be a strict subset of cidr "${b.cidr}"` });
      ok = false;
      return;
    }
    if (c.hostBitsSet) warnings.push({ path: [...path, 'except', i], message: `CIDR "${e}" has bits set after the prefix length` });
    except.push(c);
  });
  if (!ok) return undefined;
  return { kind: 'ipBlock', cidr, except, set: IpSet.block(cidr, except), index, path };
}

function parsePeer(raw: unknown, path: Path, index: number, problems: SelectorProblem[], warnings: SelectorProblem[]): Peer | undefined {
  const peer = asMap(raw);
  if (!peer) {
    problems.push({ path, message: 'a peer must be a map (podSelector, namespaceSelector or ipBlock)' });
    return undefined;
  }
  const present = (k: string) => peer[k] !== undefined && peer[k] !== null;
  const hasIp = present('ipBlock');
  const hasPods = present('podSelector');
  const hasNs = present('namespaceSelector');
  if (!hasIp && !hasPods && !hasNs) {
    problems.push({ path, message: 'must specify a peer: podSelector, namespaceSelector or ipBlock' });
    return undefined;
  }
  if (hasIp && (hasPods || hasNs)) {
    problems.push({ path, message: 'may not specify both ipBlock and another peer (podSelector or namespaceSelector)' });
    return undefined;
  }
  if (hasIp) return parseIpBlock(peer.ipBlock, [...path, 'ipBlock'], index, problems, warnings);
  const out: PodPeer = { kind: 'pods', index, path };
  if (hasNs) out.namespaceSelector = compileSelector(peer.namespaceSelector, [...path, 'namespaceSelector'], problems);
  if (hasPods) {
    const s = compileSelector(peer.podSelector, [...path, 'podSelector'], problems);
    if (!s.empty) out.podSelector = s;
  }
  return out;
}

function parseRules(policy: NetPolicy, spec: JsonMap, direction: Direction): Rule[] {
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const peerField = direction === 'Ingress' ? 'from' : 'to';
  const rules: Rule[] = [];
  listAt(spec[field], ['spec', field], policy.problems).forEach((raw, index) => {
    const path: Path = ['spec', field, index];
    const r = asMap(raw);
    if (!r) {
      if (raw !== null) policy.problems.push({ path, message: 'a rule must be a map' });
      // A null element decodes to an empty rule, which allows everything.
    }
    const rule = r ?? {};
    const peersRaw = listAt(rule[peerField], [...path, peerField], policy.problems);
    const portsRaw = listAt(rule.ports, [...path, 'ports'], policy.problems);
    const peers = peersRaw.map((p, i) => parsePeer(p, [...path, peerField, i], i, policy.problems, policy.warnings)).filter((p): p is Peer => p !== undefined);
    const ports = portsRaw.map((p, i) => parsePort(p, [...path, 'ports', i], policy.problems)).filter((p): p is PortRule => p !== undefined);
    let numericPorts = PortSet.NONE;
    const namedPorts: Array<{ name: string; protocol: Protocol }> = [];
    for (const p of ports) {
      if (typeof p.port === 'string') namedPorts.push({ name: p.port, protocol: p.protocol });
      else if (p.port === undefined) numericPorts = numericPorts.union(PortSet.protocol(p.protocol));
      else numericPorts = numericPorts.union(PortSet.range(p.protocol, p.port, p.endPort ?? p.port));
    }
    rules.push({
      policy,
      direction,
      index,
      path,
      // An invalid peer or port is dropped: such a policy is an input error anyway, and for
      // scans a rule never grows wider than written.
      peers: peersRaw.length === 0 ? undefined : peers,
      ports: portsRaw.length === 0 ? undefined : ports,
      numericPorts: portsRaw.length === 0 ? PortSet.ALL : numericPorts,
      namedPorts,
    });
  });
  return rules;
}

/** Reads one NetworkPolicy object (undefined for other kinds). */
export function readPolicy(o: LoadedObject): NetPolicy | undefined {
  if (!isCoreNetworkPolicy(o)) return undefined;
  const problems: SelectorProblem[] = [];
  const specRaw = o.object.spec;
  if (specRaw !== undefined && specRaw !== null && !isMap(specRaw)) problems.push({ path: ['spec'], message: 'spec must be a map' });
  const spec = asMap(specRaw) ?? {};
  const declared = listAt(spec.policyTypes, ['spec', 'policyTypes'], problems);
  if (declared.length > 2) problems.push({ path: ['spec', 'policyTypes'], message: 'may not specify more than two policyTypes' });
  declared.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') problems.push({ path: ['spec', 'policyTypes', i], message: `policyTypes entries must be Ingress or Egress (got ${JSON.stringify(t)})` });
  });
  const policy: NetPolicy = {
    object: o,
    name: o.name,
    namespace: ObjectIndex.effectiveNamespace(o) ?? 'default',
    podSelector: compileSelector(spec.podSelector, ['spec', 'podSelector'], problems),
    types: effectivePolicyTypes(spec),
    ingress: [],
    egress: [],
    problems,
    warnings: [],
  };
  policy.ingress = parseRules(policy, spec, 'Ingress');
  policy.egress = parseRules(policy, spec, 'Egress');
  return policy;
}

export function rulesOf(p: NetPolicy, d: Direction): Rule[] {
  return d === 'Ingress' ? p.ingress : p.egress;
}

/** A rule that allows every peer on every port. */
export function allowsAll(r: Rule): boolean {
  return r.peers === undefined && r.ports === undefined;
}

/** "shop/web-allow" */
export function policyName(p: NetPolicy): string {
  return `${p.namespace}/${p.name}`;
}

/** Where a part of a policy is: file:line (or "cluster" for live objects). */
export function whereIn(p: NetPolicy, path: Path = []): string {
  const src = p.object.source;
  if (src.file === 'cluster') return 'cluster';
  return `${src.file}:${src.locate(path).line}`;
}
