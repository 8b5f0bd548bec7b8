import type { ObjectCheck } from '../../engine/types.js';
import { asList, asMap, asString, asStringList } from '../../k8s/json.js';
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
  *check(o) {
    const spec = asMap(o.object.spec);
    if (!spec) return;
    const type = asString(spec.type);
    if (type === 'NodePort') {
      yield { message: `Service "${o.name}" is type NodePort: node port(s) ${ports(spec, 'nodePort')} open on every node's address`, path: ['spec', 'type'] };
      return;
    }
    if (type !== 'LoadBalancer') return;
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
    yield { message: `Service "${o.name}" is a LoadBalancer reachable from ${open.length ? open.join(', ') : 'any address (no loadBalancerSourceRanges)'} on port(s) ${ports(spec, 'port')}`, path: ['spec', 'type'] };
  },
};
