/**
 * PSS-NAMESPACE-NO-ENFORCE: a scanned Namespace that holds workloads of the scan but has no
 * pod-security.kubernetes.io/enforce label, so Pod Security Admission only applies the cluster
 * default (privileged unless the cluster's AdmissionConfiguration says otherwise). The finding
 * names the strictest level every workload in it already passes.
 */
import type { BundleCheck, RawFinding } from '../../engine/types.js';
import type { LoadedObject } from '../../load/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { evaluatePod, PSS_LABEL_PREFIX, type PssLevel } from '../../pss/index.js';
import { PSS } from '../_lib/references.js';
import { PSA } from './meta.js';

const ENFORCE = `${PSS_LABEL_PREFIX}enforce`;
const LABEL_GUIDE = { title: 'Enforce Pod Security Standards with Namespace Labels', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/' };

function describe(pods: readonly PodTarget[]): string {
  // Sorted: the message must not depend on the order the objects were read in (files, or a cluster's lists).
  const names = [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))].sort();
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

function failing(pods: readonly PodTarget[], level: PssLevel): number {
  let n = 0;
  for (const p of pods) if (evaluatePod(p.meta, p.spec, level, 'latest').length > 0) n++;
  return n;
}

export const namespaceNoEnforce: BundleCheck = {
  scope: 'bundle',
  meta: {
    id: 'PSS-NAMESPACE-NO-ENFORCE',
    title: 'Namespace with workloads has no Pod Security enforce label',
    severity: 'medium',
    category: 'pod-security',
    attack: 'Without a pod-security.kubernetes.io/enforce label Pod Security Admission applies only the cluster default, privileged unless configured, so anyone who can create pods in the namespace can run privileged containers, share host namespaces and mount the node\'s disk.',
    remediation: 'Label every namespace with pod-security.kubernetes.io/enforce (restricted where the workloads allow it, baseline otherwise; privileged only for node agents, explicitly), and pin pod-security.kubernetes.io/enforce-version when you want upgrades not to tighten the policy.',
    references: [LABEL_GUIDE, PSA, PSS],
    peers: {},
  },
  *check(ctx): Iterable<RawFinding & { object: LoadedObject }> {
    const namespaces = ctx.index.ofKind('Namespace');
    if (namespaces.length === 0) return;
    const byNs = new Map<string, PodTarget[]>();
    for (const pod of ctx.index.pods) {
      const ns = ObjectIndex.effectiveNamespace(pod.owner);
      if (ns === undefined) continue;
      let l = byNs.get(ns);
      if (!l) byNs.set(ns, (l = []));
      l.push(pod);
    }
    for (const ns of namespaces) {
      if (Object.prototype.hasOwnProperty.call(ns.labels, ENFORCE)) continue;
      const pods = byNs.get(ns.name);
      if (!pods || pods.length === 0) continue;
      const failRestricted = failing(pods, 'restricted');
      const failBaseline = failRestricted === 0 ? 0 : failing(pods, 'baseline');
      const level: PssLevel = failRestricted === 0 ? 'restricted' : 'baseline';
      const count = `${pods.length} workload${pods.length === 1 ? '' : 's'}`;
      const verdict =
        failRestricted === 0
          ? `All of them pass restricted:latest: label it ${ENFORCE}=restricted.`
          : failBaseline === 0
            ? `All of them pass baseline:latest (${failRestricted} fail restricted): label it ${ENFORCE}=baseline.`
            : `${failBaseline} of them fail even baseline:latest: fix them, then label it ${ENFORCE}=baseline.`;
      const otherLabels = Object.keys(ns.labels).filter((k) => k.startsWith(PSS_LABEL_PREFIX));
      const hasLabels = Object.keys(ns.labels).length > 0;
      yield {
        object: ns,
        message: `Namespace "${ns.name}" holds ${count} (${describe(pods)}) but has no ${ENFORCE} label${otherLabels.length ? ` (only ${otherLabels.join(', ')})` : ''}, so Pod Security Admission enforces only the cluster default (privileged unless configured). ${verdict}`,
        path: hasLabels ? ['metadata', 'labels'] : ['metadata'],
        ...(failBaseline === 0
          ? { fix: { description: `label the namespace ${ENFORCE}=${level}`, ops: [{ op: 'set' as const, path: ['metadata', 'labels', ENFORCE], value: level }] } }
          : {}),
      };
    }
  },
};
