/** Words for the parts of a policy and for endpoints, shared by every output format. */
import type { Endpoint } from './engine.js';
import { formatCidr } from './ip.js';
import type { Address } from './ip.js';
import type { NetPolicy, Peer, PortRule, Rule } from './policy.js';
import { policyName, whereIn } from './policy.js';
import type { PodEndpoint } from './world.js';

export function addressText(a: Address): string {
  const cidr = formatCidr(a.value, a.family === 4 ? 32 : 128, a.family);
  return cidr.slice(0, cidr.lastIndexOf('/'));
}

export function podText(p: PodEndpoint): string {
  return `${p.namespace}/${p.podName ?? p.workload.name}`;
}

/** "shop/web (Deployment)", "203.0.113.7", "node of monitoring/agent (hostNetwork)". */
export function endpointText(e: Endpoint): string {
  if (e.kind === 'ip') return addressText(e.addr);
  if (e.kind === 'node') return `${podText(e.pod)} (hostNetwork: the node's address)`;
  const m = e.cls.members;
  const workloads = [...new Set(m.map((p) => `${p.workload.namespace}/${p.workload.name} (${p.workload.kind})`))];
  return workloads.length <= 2 ? workloads.join(', ') : `${workloads.slice(0, 2).join(', ')} and ${workloads.length - 2} more`;
}

export function peerText(peer: Peer, policy: NetPolicy): string {
  if (peer.kind === 'ipBlock') return `ipBlock ${peer.cidr.text}${peer.except.length ? ` except ${peer.except.map((e) => e.text).join(', ')}` : ''}`;
  const pods = peer.podSelector ? `pods ${peer.podSelector.text}` : 'every pod';
  if (!peer.namespaceSelector) return `${pods} in namespace ${policy.namespace}`;
  if (peer.namespaceSelector.empty) return `${pods} in every namespace`;
  return `${pods} in namespaces ${peer.namespaceSelector.text}`;
}

export function portRuleText(p: PortRule): string {
  if (p.port === undefined) return `${p.protocol} all`;
  return `${p.protocol} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
}

/** "from pods app=web in namespace shop; TCP 8080" */
export function ruleText(rule: Rule): string {
  const dir = rule.direction === 'Ingress' ? 'from' : 'to';
  const peers = rule.peers === undefined ? `${dir} anywhere` : rule.peers.length === 0 ? `${dir} nothing (every peer is invalid)` : `${dir} ${rule.peers.map((p) => peerText(p, rule.policy)).join(' or ')}`;
  const ports = rule.ports === undefined ? 'all ports' : rule.ports.length === 0 ? 'no port (every port is invalid)' : rule.ports.map(portRuleText).join(', ');
  return `${peers}; ${ports}`;
}

/** "NetworkPolicy shop/web-allow ingress rule 0 (file.yaml:12)" */
export function ruleRef(rule: Rule): string {
  return `NetworkPolicy ${policyName(rule.policy)} ${rule.direction.toLowerCase()} rule ${rule.index} (${whereIn(rule.policy, rule.path)})`;
}

/** "shop/default-deny (deny.yaml:3)" */
export function policyRef(p: NetPolicy): string {
  return `${policyName(p)} (${whereIn(p)})`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
