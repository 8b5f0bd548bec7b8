import type { BundleCheck, RawFinding } from '../../engine/types.js';
import type { LoadedObject } from '../../load/types.js';
import { defaultDenies, netpolOf } from '../../netpol/index.js';
import { CIS, NETWORK_POLICIES, NSA_CISA } from '../_lib/references.js';

export const check: BundleCheck = {
  scope: 'bundle',
  meta: {
    id: 'NET-NS-DEFAULT-DENY',
    title: 'Namespace has no default-deny NetworkPolicy',
    severity: 'medium',
    setDependent: true,
    category: 'network',
    attack: 'Without a default-deny policy, every new workload in the namespace starts fully reachable and able to reach everything: one forgotten policy is an open door, and lateral movement after a compromise is unhindered.',
    remediation: 'Add a policy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to every namespace, then allow the traffic each workload needs (DNS egress to kube-dns first).',
    references: [NETWORK_POLICIES, CIS, NSA_CISA],
    peers: { kubescape: ['C-0260'], checkov: ['CKV2_K8S_6'] },
  },
  *check(ctx) {
    const np = netpolOf(ctx.index);
    // NetworkPolicy does not apply to host-network pods: only the others count. The finding goes
    // on an object of the input (a pod's owner may be known only by its ownerReference).
    const firstWorkload = new Map<string, LoadedObject>();
    for (const pod of np.world.pods) if (!firstWorkload.has(pod.namespace)) firstWorkload.set(pod.namespace, pod.source);
    for (const [ns, workload] of firstWorkload) {
      const policies = np.world.policiesByNamespace.get(ns) ?? [];
      const foreign = np.world.foreignFor(ns).map((f) => f.object);
      const missing = (['Ingress', 'Egress'] as const).filter((d) => !defaultDenies(policies, d));
      if (missing.length === 0) continue;
      const nsObject = ctx.index.namespace(ns);
      const dirs = missing.map((d) => d.toLowerCase()).join(' and ');
      const context = policies.length === 0 ? ' (the scanned set has no NetworkPolicy in it)' : ` (its ${policies.length} NetworkPolic${policies.length === 1 ? 'y does' : 'ies do'} not select every pod for ${dirs})`;
      const foreignNote = foreign.length ? `; ${foreign[0].kind} "${foreign[0].name}" in the scan is not evaluated and may provide it` : '';
      const f: RawFinding & { object: LoadedObject } = {
        message: `namespace "${ns}"${workload.namespace === undefined && !nsObject ? ' (where objects without metadata.namespace land by default)' : ''} has workloads but no default-deny ${dirs} NetworkPolicy${context}${foreignNote}`,
        path: nsObject ? ['metadata', 'name'] : ['metadata', 'namespace'],
        object: nsObject ?? workload,
      };
      if (foreign.length) f.severity = 'info';
      else if (missing.length === 1 && missing[0] === 'Egress') f.severity = 'low';
      yield f;
    }
  },
};
