import type { PodCheck } from '../../engine/types.js';
import { isClusterScoped } from '../../engine/object-index.js';
import { CIS, NAMESPACES, NSA_CISA } from '../_lib/references.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'META-DEFAULT-NS',
    title: 'Workload runs in the default namespace',
    severity: 'low',
    category: 'metadata',
    attack: 'The default namespace is where everything lands by accident: it usually has no Pod Security Admission labels, no default-deny NetworkPolicy, no quotas and broad RBAC from earlier experiments, so a workload there shares its blast radius with unrelated ones.',
    remediation: 'Create a namespace per application or team with Pod Security Admission labels, a default-deny NetworkPolicy and quotas, and set metadata.namespace (or deploy with Helm/Kustomize setting it).',
    references: [NAMESPACES, CIS, NSA_CISA],
    peers: { checkov: ['CKV_K8S_21'], kubeLinter: ['use-namespace'], trivy: ['KSV110'], kubescape: ['C-0061', 'C-0212'] },
  },
  cel,
  *check(pod) {
    const o = pod.owner;
    if (isClusterScoped(o.kind)) return;
    if (o.namespace === 'default') {
      yield { message: `${o.kind} "${o.name}" is placed in the default namespace`, path: ['metadata', 'namespace'] };
    } else if (o.namespace === undefined) {
      // Helm, Kustomize and `kubectl -n` set the namespace at deploy time, so this is only a hint.
      yield { message: `${o.kind} "${o.name}" sets no metadata.namespace: it lands in the namespace of the deploying context, which is "default" unless Helm, Kustomize or -n chooses another`, path: ['metadata'], severity: 'info' };
    }
  },
};
