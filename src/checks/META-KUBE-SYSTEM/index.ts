import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { NAMESPACES } from '../_lib/references.js';
import { cel } from './cel.js';
import { SYSTEM_NAMESPACES } from './constants.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'META-KUBE-SYSTEM',
    title: 'Workload deployed into a Kubernetes system namespace',
    severity: 'medium',
    category: 'metadata',
    attack: 'kube-system holds the control-plane add-ons and their highly privileged ServiceAccounts and Secrets; it is usually exempt from Pod Security Admission and admission policies. A workload placed there escapes those controls, and anyone allowed to manage it is effectively a cluster administrator.',
    remediation: 'Deploy applications and third-party tools into their own namespaces. Keep kube-system for the components the cluster distribution installs.',
    references: [NAMESPACES],
    peers: { trivy: ['KSV037'] },
  },
  cel,
  *check(pod) {
    const ns = pod.owner.namespace;
    if (ns === undefined || !SYSTEM_NAMESPACES.has(ns)) return;
    const o = pod.owner;
    const priority = asString(pod.spec.priorityClassName);
    if (priority === 'system-cluster-critical' || priority === 'system-node-critical') {
      // A component that declares itself cluster-critical (CNI, DNS, kube-proxy…) belongs there.
      yield { message: `${o.kind} "${o.name}" runs in ${ns} and declares itself ${priority}; make sure it is a cluster add-on and not an application`, path: ['metadata', 'namespace'], severity: 'low' };
      return;
    }
    yield { message: `${o.kind} "${o.name}" is deployed into ${ns}, which is reserved for cluster components and usually exempt from admission policies`, path: ['metadata', 'namespace'] };
  },
};
