/**
 * Random NetworkPolicy worlds for the differential test against the Cyclonus oracle: namespaces
 * with labels, pods with labels, IPs and named container ports, valid policies using every
 * construct of the API (AND/OR peers, own-namespace and all-namespace selectors, matchLabels and
 * the four matchExpressions operators, the kubernetes.io/metadata.name label, empty and absent
 * rule lists, missing from/ports, omitted policyTypes, named ports, endPort ranges, SCTP/UDP,
 * IPv4/IPv6 ipBlocks with except), and connection queries with ports and protocols.
 *
 * Deterministic for a seed. Label values are never "" (see oracle-matchlabels-empty-value.yaml).
 */

export type Json = Record<string, unknown>;

export interface WorldPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  ports: Array<{ name: string; port: number; protocol: string }>;
}

export interface WorldQuery {
  src: { pod: number } | { ip: string };
  dst: { pod: number } | { ip: string };
  port: number;
  protocol: string;
}

export interface RandomWorld {
  namespaces: Array<{ name: string; labels: Record<string, string> }>;
  pods: WorldPod[];
  policies: Json[];
  queries: WorldQuery[];
}

/** mulberry32: small, fast, good enough for test-case generation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = ['alpha', 'beta', 'gamma', 'delta'];
const NS_LABELS: Record<string, string[]> = { team: ['x', 'y'], env: ['prod', 'dev'] };
const POD_LABELS: Record<string, string[]> = { app: ['a', 'b', 'c'], role: ['web', 'db'], tier: ['1', '2'] };
const PORT_NAMES = ['http', 'dns', 'metrics', 'grpc'];
const PORT_NUMBERS = [53, 80, 443, 8080, 9090];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const CIDRS: Array<{ cidr: string; excepts: string[] }> = [
  { cidr: '0.0.0.0/0', excepts: ['10.0.0.0/8', '192.168.0.0/16', '10.244.0.0/16'] },
  { cidr: '10.0.0.0/8', excepts: ['10.244.0.0/16', '10.244.1.0/24', '10.1.0.0/16'] },
  { cidr: '10.244.0.0/16', excepts: ['10.244.1.0/24', '10.244.0.0/17'] },
  { cidr: '192.168.0.0/16', excepts: ['192.168.1.0/24'] },
  { cidr: '203.0.113.0/24', excepts: ['203.0.113.0/28'] },
  { cidr: '8.8.8.8/32', excepts: [] },
  { cidr: '::/0', excepts: ['fd00::/8', '2001:db8::/32'] },
  { cidr: '2001:db8::/32', excepts: ['2001:db8:1::/48'] },
];
const EXTERNAL_IPS = ['8.8.8.8', '10.1.2.3', '10.244.1.77', '10.9.9.9', '192.168.1.1', '192.168.7.7', '203.0.113.7', '203.0.113.200', '2001:db8::1', '2001:db8:1::5', 'fd00::1', '2a00::1'];

export function randomWorld(seed: number, queryCount: number): RandomWorld {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  const nsNames = NAMESPACES.slice(0, int(2, 4));
  const namespaces = nsNames.map((name) => {
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': name };
    for (const [k, vs] of Object.entries(NS_LABELS)) if (chance(0.6)) labels[k] = pick(vs);
    return { name, labels };
  });

  const pods: WorldPod[] = [];
  const podCount = int(3, 8);
  for (let i = 0; i < podCount; i++) {
    const labels: Record<string, string> = {};
    for (const [k, vs] of Object.entries(POD_LABELS)) if (chance(0.6)) labels[k] = pick(vs);
    const ports: WorldPod['ports'] = [];
    const names = PORT_NAMES.filter(() => chance(0.4));
    for (const name of names) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const port = pick(PORT_NUMBERS);
        const protocol = chance(0.7) ? 'TCP' : pick(PROTOCOLS);
        if (!ports.some((p) => p.port === port && p.protocol === protocol)) {
          ports.push({ name, port, protocol });
          break;
        }
      }
    }
    pods.push({ namespace: pick(nsNames), name: `p${i}`, labels, ip: `10.244.${i % 2}.${10 + i}`, ports });
  }

  const selector = (keys: Record<string, string[]>, allowEmpty: boolean, nsKey: boolean): Json => {
    const sel: Json = {};
    if (allowEmpty && chance(0.25)) return sel;
    const all: Record<string, string[]> = { ...keys, ...(nsKey ? { 'kubernetes.io/metadata.name': nsNames } : {}) };
    const ml: Record<string, string> = {};
    const me: Json[] = [];
    const count = int(1, 2);
    for (let i = 0; i < count; i++) {
      const key = pick(Object.keys(all));
      const values = all[key];
      if (chance(0.45)) ml[key] = pick(values);
      else {
        const op = pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
        if (op === 'In' || op === 'NotIn') me.push({ key, operator: op, values: [...new Set([pick(values), ...(chance(0.4) ? [pick(values)] : [])])] });
        else me.push({ key, operator: op });
      }
    }
    if (Object.keys(ml).length) sel.matchLabels = ml;
    if (me.length) sel.matchExpressions = me;
    return sel;
  };

  const peer = (): Json => {
    const kind = r();
    if (kind < 0.22) {
      const b = pick(CIDRS);
      const except = b.excepts.filter(() => chance(0.4));
      return { ipBlock: { cidr: b.cidr, ...(except.length ? { except } : {}) } };
    }
    if (kind < 0.5) return { podSelector: selector(POD_LABELS, true, false) };
    if (kind < 0.75) return { namespaceSelector: selector(NS_LABELS, true, true) };
    return { namespaceSelector: selector(NS_LABELS, true, true), podSelector: selector(POD_LABELS, true, false) };
  };

  const port = (): Json => {
    const p: Json = {};
    if (chance(0.7)) p.protocol = chance(0.5) ? 'TCP' : pick(PROTOCOLS);
    const k = r();
    if (k < 0.15) return p; // every port of the protocol
    if (k < 0.45) p.port = pick(PORT_NAMES);
    else {
      p.port = pick([...PORT_NUMBERS, 8000]);
      if (chance(0.3)) p.endPort = (p.port as number) + pick([0, 1, 100, 1000]);
    }
    return p;
  };

  const rules = (peerField: string): Json[] | undefined => {
    const k = r();
    if (k < 0.12) return undefined;
    if (k < 0.22) return [];
    const out: Json[] = [];
    const n = int(1, 3);
    for (let i = 0; i < n; i++) {
      const rule: Json = {};
      const pk = r();
      if (pk < 0.15) {
        /* no peers: all */
      } else if (pk < 0.22) rule[peerField] = [];
      else rule[peerField] = Array.from({ length: int(1, 3) }, peer);
      const qk = r();
      if (qk < 0.3) {
        /* no ports: all */
      } else if (qk < 0.36) rule.ports = [];
      else rule.ports = Array.from({ length: int(1, 3) }, port);
      out.push(rule);
    }
    return out;
  };

  const policies: Json[] = [];
  const policyCount = int(1, 5);
  for (let i = 0; i < policyCount; i++) {
    const spec: Json = { podSelector: selector(POD_LABELS, true, false) };
    const t = r();
    if (t < 0.3) {
      /* policyTypes omitted: API defaulting */
    } else if (t < 0.5) spec.policyTypes = ['Ingress'];
    else if (t < 0.7) spec.policyTypes = ['Egress'];
    else spec.policyTypes = ['Ingress', 'Egress'];
    const ingress = rules('from');
    const egress = rules('to');
    if (ingress !== undefined) spec.ingress = ingress;
    if (egress !== undefined) spec.egress = egress;
    policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${i}`, namespace: pick(nsNames) }, spec });
  }

  const endpoint = (): WorldQuery['src'] => (chance(0.75) ? { pod: int(0, pods.length - 1) } : { ip: pick(EXTERNAL_IPS) });
  const queries: WorldQuery[] = [];
  for (let i = 0; i < queryCount; i++) {
    const dst = endpoint();
    let portNumber = pick([...PORT_NUMBERS, 8500, 1000 + int(0, 60000)]);
    let protocol = chance(0.6) ? 'TCP' : pick(PROTOCOLS);
    // Half the time aim at one of the destination's own ports, so named ports get exercised.
    if ('pod' in dst && pods[dst.pod].ports.length && chance(0.5)) {
      const cp = pick(pods[dst.pod].ports);
      portNumber = cp.port;
      protocol = cp.protocol;
    }
    queries.push({ src: endpoint(), dst, port: portNumber, protocol });
  }
  return { namespaces, pods, policies, queries };
}

/** The world as Kubernetes objects (Namespaces, Pods with status.podIP, NetworkPolicies). */
export function worldObjects(w: RandomWorld): Json[] {
  return [
    ...w.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
    ...w.pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
      spec: { containers: [{ name: 'c', image: 'registry.example/app:1', ports: p.ports.map((cp) => ({ name: cp.name, containerPort: cp.port, protocol: cp.protocol })) }] },
      status: { podIP: p.ip },
    })),
    ...w.policies,
  ];
}

/**
 * Cyclonus v0.5.6 reads `NotIn` as "the key is present and its value is not listed"
 * (pkg/kube/labelselector.go); Kubernetes matches `NotIn` also when the key is absent. Adding
 * `Exists` beside every `NotIn` gives, under Kubernetes semantics, exactly Cyclonus's reading.
 */
export function withCyclonusNotIn(policy: Json): Json {
  const fix = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') {
      const o: Json = {};
      for (const [k, x] of Object.entries(v as Json)) o[k] = fix(x);
      if (Array.isArray(o.matchExpressions)) {
        const extra = (o.matchExpressions as Json[]).filter((e) => e.operator === 'NotIn').map((e) => ({ key: e.key, operator: 'Exists' }));
        if (extra.length) o.matchExpressions = [...(o.matchExpressions as Json[]), ...extra];
      }
      return o;
    }
    return v;
  };
  return fix(policy) as Json;
}
