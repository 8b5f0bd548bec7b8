import type { ObjectCheck, RawFinding } from '../../engine/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import type { LoadedObject } from '../../load/types.js';
import type { Labels } from '../../k8s/labels.js';
import { DIRECTIONS, netpolOf, rulesOf, type World } from '../../netpol/index.js';
import { NETWORK_POLICIES } from '../_lib/references.js';

/** An object of a custom API group (not core, not *.k8s.io, not apps/batch/policy/autoscaling). */
function isCustomResource(o: LoadedObject): boolean {
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  return group.includes('.') && !group.endsWith('.k8s.io') && o.kind !== 'CustomResourceDefinition';
}

/** The first custom resource of each namespace (built once per scan). */
function customResourcesByNamespace(index: ObjectIndex): Map<string, LoadedObject> {
  const m = new Map<string, LoadedObject>();
  for (const o of index.objects) {
    const ns = ObjectIndex.effectiveNamespace(o);
    if (ns !== undefined && !m.has(ns) && isCustomResource(o)) m.set(ns, o);
  }
  return m;
}

/** Pod labels of every pod spec of the scan (host-network pods included), by namespace. */
function podLabelsByNamespace(world: World): Map<string, Labels[]> {
  const m = new Map<string, Labels[]>();
  for (const p of [...world.pods, ...world.hostNetworkPods]) {
    let labels = m.get(p.namespace);
    if (!labels) m.set(p.namespace, (labels = []));
    labels.push(p.labels);
  }
  return m;
}

const podLabelsOf = (index: ObjectIndex) => podLabelsByNamespace(netpolOf(index).world);
const policyByObject = (index: ObjectIndex) => new Map(netpolOf(index).world.policies.map((p) => [p.object, p]));

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['NetworkPolicy'],
  meta: {
    id: 'NET-NETPOL-DANGLING',
    title: 'NetworkPolicy selector matches no pod in the scanned set',
    severity: 'low',
    setDependent: true,
    category: 'network',
    attack: 'A policy whose podSelector matches nothing protects nothing: usually a label typo or a renamed app, leaving the intended pods unisolated while the policy gives a false sense of security. A peer selector that matches nothing silently blocks the traffic it was meant to allow.',
    remediation: 'Fix the selector to match the labels of the pod template it is meant for (matchLabels and matchExpressions must all hold), or delete the policy.',
    references: [NETWORK_POLICIES],
    peers: { kubeLinter: ['dangling-networkpolicy', 'dangling-networkpolicypeer-podselector'], kubeScore: ['networkpolicy-targets-pod'], trivy: ['KSV038'], kubescape: ['C-0299'] },
  },
  *check(o, ctx) {
    const p = ctx.index.derived(policyByObject).get(o);
    if (!p) return;
    // With no pod of this namespace in the scan, the bundle is clearly partial: nothing to compare.
    const pods = ctx.index.derived(podLabelsOf).get(p.namespace);
    if (!pods || pods.length === 0) return;
    if (!p.podSelector.empty && !pods.some((labels) => p.podSelector.matches(labels))) {
      // Operators create pods from custom resources (Prometheus, Alertmanager…) without a pod
      // template in the manifests: then the policy may well match them.
      const cr = ctx.index.derived(customResourcesByNamespace).get(p.namespace);
      yield cr
        ? { message: `podSelector of NetworkPolicy "${o.name}" matches none of the ${pods.length} pod template(s) of namespace "${p.namespace}" in the scanned set; the namespace has custom resources (${cr.kind} "${cr.name}") whose operator may create the matching pods`, path: ['spec', 'podSelector'], severity: 'info' }
        : { message: `podSelector of NetworkPolicy "${o.name}" matches none of the ${pods.length} pod template(s) of namespace "${p.namespace}" in the scanned set: it may protect nothing (a label typo?)`, path: ['spec', 'podSelector'] };
    }
    const out: RawFinding[] = [];
    for (const d of DIRECTIONS) {
      const field = d === 'Ingress' ? 'ingress' : 'egress';
      for (const rule of rulesOf(p, d)) {
        for (const peer of rule.peers ?? []) {
          // namespaceSelector peers select pods of other namespaces; ipBlock peers are not pods.
          if (peer.kind !== 'pods' || peer.namespaceSelector || !peer.podSelector) continue;
          const sel = peer.podSelector;
          if (pods.some((labels) => sel.matches(labels))) continue;
          out.push({ message: `${field} peer podSelector of NetworkPolicy "${o.name}" matches no pod template of namespace "${p.namespace}" in the scanned set: this rule may allow nothing`, path: [...peer.path, 'podSelector'], severity: 'info' });
        }
      }
    }
    yield* out;
  },
};
