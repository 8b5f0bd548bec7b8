import type { ObjectCheck } from '../../engine/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import type { LoadedObject } from '../../load/types.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { asList, asMap, asString, asStringList } from '../../k8s/json.js';
import { mapSelectorMatches } from '../../k8s/labels.js';
import { NSA_CISA, SERVICE_TYPES } from '../_lib/references.js';

/** Annotations that make a cloud load balancer internal (private addresses only). */
const INTERNAL_LB: ReadonlyArray<[string, RegExp]> = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', /^true$/i],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', /^private$/i],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', /^intranet$/i],
];

/** Ports of data stores and admin interfaces that should never face the internet. */
const SENSITIVE_PORTS = new Map<number, string>([
  [2379, 'etcd'], [2380, 'etcd'], [3306, 'MySQL'], [5432, 'PostgreSQL'], [6379, 'Redis'], [9200, 'Elasticsearch'], [9300, 'Elasticsearch'],
  [27017, 'MongoDB'], [5984, 'CouchDB'], [8086, 'InfluxDB'], [9042, 'Cassandra'], [11211, 'memcached'], [2181, 'ZooKeeper'], [9092, 'Kafka'],
  [10250, 'kubelet'], [28015, 'RethinkDB'], [8080, 'an admin or plain HTTP'], [15001, 'Vitess'],
]);

/** Images of ingress / gateway controllers: their Service is meant to be the entry point. */
const EDGE_IMAGES = /(ingress-nginx\/controller|nginx-ingress|traefik|haproxy-ingress|kong|envoyproxy\/envoy|contour|istio\/proxyv2|gateway|emissary|ambassador)/i;

function sensitive(spec: Record<string, unknown>): string | undefined {
  for (const p of asList(spec.ports)) {
    const m = asMap(p);
    for (const v of [m?.port, m?.targetPort]) {
      if (typeof v === 'number' && SENSITIVE_PORTS.has(v) && v !== 8080) return `${SENSITIVE_PORTS.get(v)} port ${v}`;
    }
  }
  return undefined;
}

/**
 * Pods running an ingress/gateway controller image, by namespace: built once per scan, so each
 * exposed Service is matched against these few pods, not against every pod of the scan (that
 * was quadratic: 40% of a 1 GB scan).
 */
function edgePodsByNamespace(index: ObjectIndex): Map<string | undefined, PodTarget[]> {
  const byNs = new Map<string | undefined, PodTarget[]>();
  for (const pod of index.pods) {
    if (!pod.containers.some((c) => EDGE_IMAGES.test(asString(c.spec.image) ?? ''))) continue;
    const ns = ObjectIndex.effectiveNamespace(pod.owner);
    let list = byNs.get(ns);
    if (!list) byNs.set(ns, (list = []));
    list.push(pod);
  }
  return byNs;
}

function isEdgeController(o: LoadedObject, spec: Record<string, unknown>, index: ObjectIndex): boolean {
  const edgePods = index.derived(edgePodsByNamespace).get(ObjectIndex.effectiveNamespace(o)) ?? [];
  return edgePods.some((pod) => mapSelectorMatches(spec.selector, pod.labels));
}

function ports(spec: Record<string, unknown>, field: 'port' | 'nodePort'): string {
  const ps = asList(spec.ports).map((p) => asMap(p)?.[field]).filter((v) => typeof v === 'number');
  return ps.length ? ps.join(', ') : field === 'nodePort' ? 'allocated' : '?';
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Service'],
  meta: {
    id: 'NET-SVC-EXPOSED',
    title: 'Service is exposed outside the cluster (NodePort or LoadBalancer)',
    severity: 'medium',
    category: 'network',
    attack: 'A NodePort opens the port on every node\'s address, bypassing ingress controllers, WAFs and TLS termination; a public LoadBalancer puts the workload on the internet. Internal tools (dashboards, databases, metrics) exposed this way are among the most common sources of cluster breaches.',
    remediation: 'Use ClusterIP and publish HTTP through an Ingress or Gateway with TLS and authentication. When a LoadBalancer is needed, make it internal (cloud annotation) or restrict spec.loadBalancerSourceRanges.',
    references: [SERVICE_TYPES, NSA_CISA],
    peers: { kubeLinter: ['exposed-services'], kubeScore: ['service-type'], kubescape: ['C-0256', 'C-0021'] },
  },
  cel: { form: 'unsupported', reason: 'cross-object: whether the Service fronts an ingress controller (and so how severe the exposure is) comes from the pods it selects' },
  *check(o, ctx) {
    const spec = asMap(o.object.spec);
    if (!spec) return;
    const type = asString(spec.type);
    if (type !== 'NodePort' && type !== 'LoadBalancer') return;
    const danger = sensitive(spec);
    if (!danger && isEdgeController(o, spec, ctx.index)) {
      yield { message: `Service "${o.name}" (${type}) exposes the ingress/gateway controller: that is its purpose; make sure it is the only entry point and the controller is patched`, path: ['spec', 'type'], severity: 'info' };
      return;
    }
    const sev = danger ? { severity: 'high' as const } : {};
    const what = danger ? ` — ${danger} exposed` : '';
    if (type === 'NodePort') {
      yield { message: `Service "${o.name}" is type NodePort: node port(s) ${ports(spec, 'nodePort')} open on every node's address${what}`, path: ['spec', 'type'], ...sev };
      return;
    }
    const internal = INTERNAL_LB.find(([k, re]) => re.test(o.annotations[k] ?? ''));
    if (internal) {
      yield { message: `Service "${o.name}" is an internal LoadBalancer (${internal[0]}); it still opens node ports on every node`, path: ['spec', 'type'], severity: 'low' };
      return;
    }
    const ranges = [...asStringList(spec.loadBalancerSourceRanges), ...(o.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)];
    const open = ranges.filter((r) => r === '0.0.0.0/0' || r === '::/0');
    if (ranges.length > 0 && open.length === 0) {
      yield { message: `Service "${o.name}" is a LoadBalancer restricted to ${ranges.length} source range(s); make sure they are the intended clients`, path: ['spec', 'type'], severity: 'low' };
      return;
    }
    yield { message: `Service "${o.name}" is a LoadBalancer reachable from ${open.length ? open.join(', ') : 'any address (no loadBalancerSourceRanges)'} on port(s) ${ports(spec, 'port')}${what}`, path: ['spec', 'type'], ...sev };
  },
};
