import type { ObjectCheck, RawFinding } from '../../engine/types.js';
import type { ObjectIndex } from '../../engine/object-index.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { isPrivateAddress } from '../_lib/ip.js';
import { NODE_ADDRESSES } from '../_lib/cluster-references.js';
import { SERVICE_TYPES } from '../_lib/references.js';

/** `address (node)` of every public node address in the scan (built once per scan). */
function publicNodeAddresses(index: ObjectIndex): string[] {
  const out: string[] = [];
  for (const n of index.ofKind('Node')) {
    for (const a of asList(asMap(n.object.status)?.addresses)) {
      const m = asMap(a);
      const ip = asString(m?.address);
      if (ip && (m?.type === 'ExternalIP' || m?.type === 'InternalIP') && !isPrivateAddress(ip)) out.push(`${ip} (${n.name})`);
    }
  }
  // Sorted: the message must not depend on the order objects were read in.
  return out.sort();
}

function ports(spec: Record<string, unknown>, field: 'port' | 'nodePort'): string[] {
  return asList(spec.ports)
    .map((p) => asMap(p))
    .filter((p) => typeof p?.[field] === 'number')
    .map((p) => `${p?.[field] as number}/${asString(p?.protocol) ?? 'TCP'}`);
}

const list = (xs: string[], max = 4) => xs.slice(0, max).join(', ') + (xs.length > max ? ` and ${xs.length - max} more` : '');

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Service'],
  meta: {
    id: 'CLU-SVC-INVENTORY',
    title: 'Inventory: where LoadBalancer and NodePort Services are reachable from',
    severity: 'info',
    category: 'cluster',
    attack: 'Every LoadBalancer address and node port is an entry point into the cluster; an inventory of them with their actual addresses (what the cloud assigned, which nodes are public) is the attack surface to review.',
    remediation: 'Review each entry: keep what is meant to be public behind TLS and authentication, make the rest internal (ClusterIP, internal load balancers, loadBalancerSourceRanges).',
    references: [SERVICE_TYPES, NODE_ADDRESSES],
    peers: {},
  },
  cel: { form: 'unsupported', reason: "cross-object: an inventory of the live cluster's published Services, with the addresses of its nodes" },
  *check(o, ctx) {
    const spec = asMap(o.object.spec);
    const type = asString(spec?.type);
    if (!spec || (type !== 'LoadBalancer' && type !== 'NodePort')) return;
    const out: RawFinding[] = [];
    if (type === 'LoadBalancer') {
      const ingress = asList(asMap(asMap(o.object.status)?.loadBalancer)?.ingress)
        .map((i) => asString(asMap(i)?.ip) ?? asString(asMap(i)?.hostname))
        .filter((x): x is string => Boolean(x));
      out.push(
        ingress.length
          ? { message: `Service "${o.name}" (LoadBalancer) is published at ${list(ingress)} on ${list(ports(spec, 'port'))}`, path: ['status', 'loadBalancer', 'ingress'] }
          : { message: `Service "${o.name}" (LoadBalancer) on ${list(ports(spec, 'port'))} has no address assigned yet`, path: ['spec', 'type'] },
      );
    }
    const nodePorts = ports(spec, 'nodePort');
    if (nodePorts.length) {
      const publicNodes = ctx.index.derived(publicNodeAddresses);
      out.push({
        message: publicNodes.length
          ? `Service "${o.name}" opens node port(s) ${list(nodePorts)} on every node, including the public address(es) ${list(publicNodes)}`
          : `Service "${o.name}" opens node port(s) ${list(nodePorts)} on every node`,
        path: ['spec', 'ports'],
      });
    }
    yield* out;
  },
};
