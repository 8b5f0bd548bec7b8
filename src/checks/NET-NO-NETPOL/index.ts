import type { PodCheck, Severity } from '../../engine/types.js';
import { netpolOf } from '../../netpol/index.js';
import { NETWORK_POLICIES, NSA_CISA } from '../_lib/references.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'NET-NO-NETPOL',
    title: 'Pod is not isolated by any NetworkPolicy',
    severity: 'medium',
    setDependent: true,
    category: 'network',
    attack: 'A pod that no NetworkPolicy selects accepts connections from every pod in the cluster and can connect anywhere: after one compromise an attacker scans and reaches databases, admin endpoints and the cloud metadata service without obstacle.',
    remediation: 'Add a default-deny NetworkPolicy to the namespace (podSelector: {} with policyTypes [Ingress, Egress]) and policies that allow the traffic the workload needs, including DNS egress.',
    references: [NETWORK_POLICIES, NSA_CISA],
    peers: { checkov: ['CKV2_K8S_6'], kubeLinter: ['non-isolated-pod'], kubeScore: ['pod-networkpolicy'], polaris: ['missingNetworkPolicy'], kubescape: ['C-0260', 'C-0030', 'C-0206'] },
  },
  *check(pod, ctx) {
    const np = netpolOf(ctx.index);
    const me = np.of(pod);
    // NetworkPolicy does not apply to host-network pods; POD-HOST-NETWORK reports those.
    if (!me?.cls) return;
    const ns = me.endpoint.namespace;
    const nsText = pod.owner.namespace === undefined ? `"${ns}" (the object sets no namespace)` : `"${ns}"`;
    const policies = np.world.policiesByNamespace.get(ns) ?? [];
    const foreign = np.world.foreignFor(ns).map((f) => f.object);
    const selecting = np.engine.selecting(me.cls);
    const ingress = np.engine.isolating(me.cls, 'Ingress').length > 0;
    const egress = np.engine.isolating(me.cls, 'Egress').length > 0;
    if (ingress && egress) return;
    const foreignNote = foreign.length
      ? `; the scan also has ${foreign.slice(0, 2).map((f) => `${f.kind} "${f.name}"`).join(', ')}${foreign.length > 2 ? ' and more' : ''}, which kubeharden does not evaluate and which may isolate it`
      : '';
    const path = [...pod.metaPath, 'labels'];
    let message: string;
    let severity: Severity | undefined;
    if (policies.length === 0) {
      message = `the scanned set has no NetworkPolicy in namespace ${nsText}, so nothing isolates this pod: all ingress and egress traffic is allowed (if policies are managed elsewhere, suppress this check for the namespace)`;
    } else if (selecting.length === 0) {
      message = `none of the ${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} of namespace ${nsText} selects this pod: all ingress and egress traffic is allowed`;
    } else {
      // Sorted: the same policies listed by a cluster (by name) or read from files (in file order) read the same.
      const distinct = [...new Set(selecting.map((p) => p.name))].sort();
      const names = distinct.slice(0, 3).map((n) => `"${n}"`).join(', ') + (distinct.length > 3 ? ` and ${distinct.length - 3} more` : '');
      if (!ingress) {
        message = `selected by NetworkPolic${distinct.length === 1 ? 'y' : 'ies'} ${names}, but none has Ingress in policyTypes: ingress is open to every pod${egress ? '' : ', and egress is open too'}`;
      } else {
        message = `ingress is isolated by ${names}, but no policy selecting the pod has Egress in policyTypes: egress is open (any destination, including the API server and cloud metadata endpoints)`;
        severity = 'low';
      }
    }
    if (foreign.length) severity = 'info';
    yield { message: message + foreignNote, path, ...(severity ? { severity } : {}) };
  },
};
