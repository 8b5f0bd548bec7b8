/**
 * The reachability matrix: for every pair of workloads (and named external endpoints), the
 * ports on which the source can open connections to the destination.
 *
 * A node is a workload (offline: its pod template; live: its pods, which may fall into several
 * classes) or an external endpoint (a set of addresses, split into the pieces the policies'
 * ipBlocks distinguish). A cell is the union over the node's classes/pieces; `partial` says that
 * not every pod or address of the pair gets the same ports.
 */
import type { Endpoint, PodClass, Reachability } from './engine.js';
import { IpSet, PUBLIC_INTERNET, parseAddressOrCidr } from './ip.js';
import { addressPieces } from './pieces.js';
import { PortSet } from './ports.js';
import type { PodEndpoint, Workload } from './world.js';

export interface ExternalSpec {
  name: string;
  set: IpSet;
  description: string;
}

export const DEFAULT_EXTERNALS: readonly ExternalSpec[] = [
  { name: 'internet', set: PUBLIC_INTERNET, description: 'public internet addresses (not private, loopback, link-local or multicast)' },
  { name: 'metadata', set: IpSet.of(parseAddressOrCidr('169.254.169.254')!), description: 'the cloud metadata endpoint 169.254.169.254' },
];

export interface MatrixNode {
  /** "ns/name" for workloads ("ns/kind/name" where two kinds share a name), "ext:name" for externals. */
  id: string;
  /** Stable identity across inputs: "ns/Kind/name" or "ext:name" (diff matches nodes by it). */
  key: string;
  label: string;
  kind: 'workload' | 'external';
  namespace?: string;
  workload?: Workload;
  external?: ExternalSpec;
  /** The engine endpoints the node stands for (classes, or address pieces). */
  endpoints: Endpoint[];
  pods: PodEndpoint[];
  /** Isolated by some policy (workloads; false for externals). Mixed classes count as isolated only when all are. */
  ingressIsolated: boolean;
  egressIsolated: boolean;
}

export interface MatrixCell {
  ports: PortSet;
  /** Some pod/address pairs of the two nodes get fewer ports than `ports`. */
  partial: boolean;
}

export interface Matrix {
  nodes: MatrixNode[];
  /** cells[src][dst]; undefined when nothing is allowed. */
  cells: Array<Array<MatrixCell | undefined>>;
  hostNetwork: PodEndpoint[];
}

function workloadNodes(engine: Reachability, pods: readonly PodEndpoint[]): MatrixNode[] {
  const byWorkload = new Map<string, { w: Workload; pods: PodEndpoint[]; classes: Set<PodClass> }>();
  for (const p of pods) {
    const id = `${p.workload.namespace}/${p.workload.kind}/${p.workload.name}`;
    let e = byWorkload.get(id);
    if (!e) byWorkload.set(id, (e = { w: p.workload, pods: [], classes: new Set() }));
    e.pods.push(p);
    e.classes.add(engine.classOf(p)!);
  }
  // Label by namespace/name; add the kind only where two workloads share a name.
  const nameCount = new Map<string, number>();
  for (const { w } of byWorkload.values()) nameCount.set(`${w.namespace}/${w.name}`, (nameCount.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  return [...byWorkload.values()]
    .sort((a, b) => a.w.namespace.localeCompare(b.w.namespace) || a.w.name.localeCompare(b.w.name) || a.w.kind.localeCompare(b.w.kind))
    .map(({ w, pods: ps, classes }) => {
      const short = `${w.namespace}/${w.name}`;
      const label = (nameCount.get(short) ?? 0) > 1 ? `${w.namespace}/${w.kind.toLowerCase()}/${w.name}` : short;
      const cls = [...classes];
      return {
        id: label,
        key: `${w.namespace}/${w.kind}/${w.name}`,
        label,
        kind: 'workload',
        namespace: w.namespace,
        workload: w,
        endpoints: cls.map((c) => ({ kind: 'pod', cls: c }) as Endpoint),
        pods: ps,
        ingressIsolated: cls.every((c) => engine.isolating(c, 'Ingress').length > 0),
        egressIsolated: cls.every((c) => engine.isolating(c, 'Egress').length > 0),
      } satisfies MatrixNode;
    });
}

export interface MatrixOptions {
  /** Only workloads of these namespaces (all when undefined). */
  namespaces?: ReadonlySet<string>;
  externals?: readonly ExternalSpec[];
}

export function computeMatrix(engine: Reachability, opts: MatrixOptions = {}): Matrix {
  const world = engine.world;
  const pods = opts.namespaces ? world.pods.filter((p) => opts.namespaces!.has(p.namespace)) : world.pods;
  const nodes: MatrixNode[] = workloadNodes(engine, pods);
  for (const ext of opts.externals ?? DEFAULT_EXTERNALS) {
    nodes.push({ id: `ext:${ext.name}`, key: `ext:${ext.name}`, label: ext.name, kind: 'external', external: ext, endpoints: addressPieces(world, ext.set).map((p) => ({ kind: 'ip', addr: p.addr }) as Endpoint), pods: [], ingressIsolated: false, egressIsolated: false });
  }
  const cells: Matrix['cells'] = nodes.map(() => new Array<MatrixCell | undefined>(nodes.length));
  for (let i = 0; i < nodes.length; i++) {
    for (let j = 0; j < nodes.length; j++) {
      if (nodes[i].kind === 'external' && nodes[j].kind === 'external') continue; // not NetworkPolicy's business
      let union = PortSet.NONE;
      let inter: PortSet | undefined;
      for (const s of nodes[i].endpoints) {
        for (const d of nodes[j].endpoints) {
          const p = engine.allowed(s, d);
          union = union.union(p);
          inter = inter === undefined ? p : inter.intersect(p);
        }
      }
      if (!union.isEmpty) cells[i][j] = { ports: union, partial: !(inter ?? PortSet.NONE).equals(union) };
    }
  }
  const hostNetwork = opts.namespaces ? world.hostNetworkPods.filter((p) => opts.namespaces!.has(p.namespace)) : world.hostNetworkPods;
  return { nodes, cells, hostNetwork: [...hostNetwork] };
}

/** Parses `--external NAME=CIDR[,CIDR]`. */
export function parseExternal(text: string): ExternalSpec | string {
  const eq = text.indexOf('=');
  if (eq <= 0) return `--external "${text}": expected NAME=CIDR[,CIDR…], e.g. partners=203.0.113.0/24`;
  const name = text.slice(0, eq);
  let set = IpSet.EMPTY;
  for (const part of text.slice(eq + 1).split(',')) {
    const c = parseAddressOrCidr(part.trim());
    if (!c) return `--external "${text}": "${part}" is not an IP address or CIDR`;
    set = set.union(IpSet.of(c));
  }
  return { name, set, description: text.slice(eq + 1) };
}
