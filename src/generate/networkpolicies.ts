/**
 * NetworkPolicies for zero trust: per namespace, deny all ingress and egress, allow DNS to
 * kube-dns, then open exactly the connections asked for (`--allow`, a connectivity file) and,
 * optionally, those implied by Services (a Service's pods accept its target ports).
 *
 * Names (stable, so a re-run diffs clean):
 *   default-deny-ingress, default-deny-egress   podSelector {} with no rules
 *   allow-dns-egress                            every pod → kube-dns (UDP and TCP 53)
 *   allow-ingress-<name>                        who may connect to the pods of <name>
 *   allow-egress-<name>                         where the pods of <name> may connect
 * <name> is the workload or Service the selector came from; rules for the same selector are
 * merged into one policy; `all-pods` names the rules of every pod in the namespace.
 */
import type { LoadedObject } from '../load/types.js';
import type { AllowRule, Endpoint, PortSpec } from './connectivity.js';
import type { Generated } from './emit.js';
import { findServices, findWorkloads, meta, namespacesOf, type LabelSelector, type ServiceInfo, type Workload } from './model.js';

export interface NetworkPolicyOptions {
  /** Namespace for objects that have none. */
  namespace?: string;
  allow?: readonly AllowRule[];
  /** Open each Service's target ports to the pods of its namespace (and to anyone for LoadBalancer/NodePort). */
  fromServices?: boolean;
  /** Add the DNS egress policy (default true). */
  dns?: boolean;
}

export interface NetworkPolicyResult {
  policies: Generated[];
  /** Things the user should know: unresolvable names, Services without selectors. */
  notes: string[];
}

export class NetworkPolicyError extends Error {}

interface Peer {
  /** JSON of the NetworkPolicyPeer, or undefined for "anything" (no from/to). */
  peer: Record<string, unknown> | undefined;
  label: string;
}

interface Local {
  namespace: string;
  selector: LabelSelector;
  name: string;
}

type Resolved = { kind: 'local'; local: Local; service?: ServiceInfo } | { kind: 'peer'; peer: Peer };

const NS_LABEL = 'kubernetes.io/metadata.name';
const KUBE_DNS: Record<string, unknown> = {
  namespaceSelector: { matchLabels: { [NS_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function describeSelector(s: LabelSelector): string {
  const ml = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const me = (s.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`);
  return [...ml, ...me].join(', ') || 'all pods';
}

interface PolicyDraft {
  namespace: string;
  direction: 'ingress' | 'egress';
  selector: LabelSelector;
  name: string;
  rules: Map<string, { peer: Peer; ports: PortSpec[] }>;
  reasons: string[];
}

export function generateNetworkPolicies(objects: readonly LoadedObject[], opts: NetworkPolicyOptions = {}): NetworkPolicyResult {
  const notes: string[] = [];
  const workloads = findWorkloads(objects, opts.namespace);
  const services = findServices(objects, opts.namespace);
  const namespaces = namespacesOf(objects, opts.namespace).filter((ns) => workloads.some((w) => w.namespace === ns) || services.some((s) => s.namespace === ns));

  const resolve = (e: Endpoint, where: string): Resolved => {
    switch (e.type) {
      case 'any':
        return { kind: 'peer', peer: { peer: undefined, label: 'anywhere' } };
      case 'cidr':
        return { kind: 'peer', peer: { peer: { ipBlock: { cidr: e.cidr } }, label: e.cidr } };
      case 'namespace':
        return { kind: 'peer', peer: { peer: { namespaceSelector: { matchLabels: { [NS_LABEL]: e.namespace } } }, label: `namespace ${e.namespace}` } };
      case 'named': {
        const inNs = <T extends { namespace: string; name: string }>(x: T): boolean => x.name === e.name && (e.namespace === undefined || x.namespace === e.namespace);
        const ws = workloads.filter(inNs);
        const ss = services.filter(inNs);
        const nss = new Set([...ws, ...ss].map((x) => x.namespace));
        if (nss.size > 1) throw new NetworkPolicyError(`${where}: "${e.name}" exists in several namespaces (${[...nss].map((n) => n || '(none)').join(', ')}); write NAMESPACE/${e.name}`);
        const w: Workload | undefined = ws[0];
        const s: ServiceInfo | undefined = ss[0];
        if (w) {
          if (!w.selector) throw new NetworkPolicyError(`${where}: the pods of ${w.kind} ${w.name} have no labels to select them by; add labels to its pod template`);
          // A Service of the same name still translates its ports (frontend->cart:80 means the Service port).
          return { kind: 'local', local: { namespace: w.namespace, selector: w.selector, name: w.name }, ...(s ? { service: s } : {}) };
        }
        if (s) {
          if (!s.selector) throw new NetworkPolicyError(`${where}: Service ${s.name} has no selector, so no pods to allow`);
          return { kind: 'local', local: { namespace: s.namespace, selector: { matchLabels: s.selector }, name: s.name }, service: s };
        }
        throw new NetworkPolicyError(`${where}: no workload or Service "${e.namespace ? `${e.namespace}/` : ''}${e.name}" in the input`);
      }
    }
  };

  /** The peer as seen from a policy in `fromNs`. */
  const peerOf = (r: Resolved, fromNs: string, where: string): Peer => {
    if (r.kind === 'peer') return r.peer;
    const { local } = r;
    if (local.namespace === fromNs) return { peer: { podSelector: local.selector }, label: local.name };
    if (!local.namespace || !fromNs) throw new NetworkPolicyError(`${where}: crosses from a namespace-less object to namespace "${local.namespace || fromNs}"; give the objects a namespace (--namespace)`);
    return { peer: { namespaceSelector: { matchLabels: { [NS_LABEL]: local.namespace } }, podSelector: local.selector }, label: `${local.namespace}/${local.name}` };
  };

  const drafts = new Map<string, PolicyDraft>();
  const usedNames = new Map<string, string>();
  const draftFor = (namespace: string, direction: 'ingress' | 'egress', selector: LabelSelector, name: string): PolicyDraft => {
    const key = `${namespace}\u0000${direction}\u0000${canonical(selector)}`;
    let d = drafts.get(key);
    if (!d) {
      let policyName = `allow-${direction}-${name}`;
      for (let i = 2; usedNames.has(`${namespace}\u0000${policyName}`) && usedNames.get(`${namespace}\u0000${policyName}`) !== key; i++) policyName = `allow-${direction}-${name}-${i}`;
      usedNames.set(`${namespace}\u0000${policyName}`, key);
      d = { namespace, direction, selector, name: policyName, rules: new Map(), reasons: [] };
      drafts.set(key, d);
    }
    return d;
  };
  const addRule = (d: PolicyDraft, peer: Peer, ports: PortSpec[], reason: string): void => {
    const k = canonical(peer.peer ?? null);
    const r = d.rules.get(k);
    if (r) {
      for (const p of ports) if (!r.ports.some((q) => q.port === p.port && q.protocol === p.protocol)) r.ports.push(p);
    } else d.rules.set(k, { peer, ports: [...ports] });
    if (!d.reasons.includes(reason)) d.reasons.push(reason);
  };

  // Service-implied rules.
  if (opts.fromServices) {
    for (const s of services) {
      if (!s.selector) {
        notes.push(`Service ${s.namespace ? `${s.namespace}/` : ''}${s.name} has no selector: no rule generated (its endpoints are managed elsewhere)`);
        continue;
      }
      if (s.ports.length === 0) continue;
      const ports = s.ports.map((p) => ({ port: p.targetPort, protocol: p.protocol as PortSpec['protocol'] }));
      const external = s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.object.object.spec as { externalIPs?: unknown } | undefined)?.externalIPs !== undefined;
      const target = draftFor(s.namespace, 'ingress', { matchLabels: s.selector }, s.name);
      const all: LabelSelector = {};
      const from: Peer = external ? { peer: undefined, label: 'anywhere' } : { peer: { podSelector: all }, label: 'every pod of the namespace' };
      addRule(target, from, ports, `Service ${s.name} (${s.type}) ${external ? 'is reachable from outside the cluster' : 'serves the pods of its namespace'}`);
      addRule(draftFor(s.namespace, 'egress', all, 'all-pods'), { peer: { podSelector: { matchLabels: s.selector } }, label: `Service ${s.name}` }, ports, 'every pod may reach the Services of its namespace');
    }
  }

  // Explicit rules.
  for (const rule of opts.allow ?? []) {
    const where = `allow ${rule.source}`;
    const from = resolve(rule.from, where);
    const to = resolve(rule.to, where);
    let ports = rule.ports;
    if (to.kind === 'local' && to.service) {
      // A Service port means its targetPort on the pods.
      const svc = to.service;
      ports = ports.map((p) => {
        const sp = svc.ports.find((x) => x.port === p.port && x.protocol === p.protocol) ?? svc.ports.find((x) => x.name !== undefined && x.name === p.port);
        return sp ? { port: sp.targetPort, protocol: p.protocol } : p;
      });
    }
    if (from.kind !== 'local' && to.kind !== 'local') throw new NetworkPolicyError(`${where}: neither end is a workload or Service of the input`);
    if (to.kind === 'local') addRule(draftFor(to.local.namespace, 'ingress', to.local.selector, to.local.name), peerOf(from, to.local.namespace, where), ports, `--allow ${rule.source}`);
    if (from.kind === 'local') addRule(draftFor(from.local.namespace, 'egress', from.local.selector, from.local.name), peerOf(to, from.local.namespace, where), ports, `--allow ${rule.source}`);
  }

  const policies: Generated[] = [];
  const np = (name: string, namespace: string, spec: Record<string, unknown>, comment: string): Generated => ({
    object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, namespace), spec },
    comment,
  });
  for (const ns of namespaces) {
    policies.push(...defaultDenyPolicies(ns, opts.dns !== false));
    const mine = [...drafts.values()].filter((d) => d.namespace === ns).sort((a, b) => (a.direction === b.direction ? (a.name < b.name ? -1 : 1) : a.direction === 'ingress' ? -1 : 1));
    for (const d of mine) {
      const rules = [...d.rules.values()].map((r) => ({
        ...(r.peer.peer ? { [d.direction === 'ingress' ? 'from' : 'to']: [r.peer.peer] } : {}),
        ports: r.ports.map((p) => ({ protocol: p.protocol, port: p.port })),
      }));
      const summary = [...d.rules.values()].map((r) => `${d.direction === 'ingress' ? 'from' : 'to'} ${r.peer.label}: ${r.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}`);
      policies.push(
        np(d.name, ns, { podSelector: d.selector, policyTypes: [d.direction === 'ingress' ? 'Ingress' : 'Egress'], [d.direction]: rules }, [`${d.direction === 'ingress' ? 'Ingress to' : 'Egress from'} pods with ${describeSelector(d.selector)}`, ...summary.map((s) => `  ${s}`), `Because: ${d.reasons.join('; ')}`].join('\n')),
      );
    }
  }
  return { policies, notes };
}

/** The baseline of every namespace: deny everything, then DNS. */
export function defaultDenyPolicies(namespace: string, dns = true): Generated[] {
  const np = (name: string, spec: Record<string, unknown>, comment: string): Generated => ({
    object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, namespace), spec },
    comment,
  });
  return [
    np('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }, 'Deny all ingress to every pod of the namespace; allow-ingress-* policies open what is needed.'),
    np('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] }, 'Deny all egress from every pod of the namespace; allow-egress-* policies open what is needed.'),
    ...(dns
      ? [
          np(
            'allow-dns-egress',
            { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_DNS], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
            'Every pod may resolve names through kube-dns (k8s-app=kube-dns in kube-system). Adapt the selector for NodeLocal DNSCache or another DNS.',
          ),
        ]
      : []),
  ];
}
