import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-CREATE-WORKLOADS',
    title: 'Role can create pods or workloads',
    severity: 'medium',
    category: 'rbac',
    attack: 'Whoever can create a pod (directly or through a Deployment, Job, …) can run it as any ServiceAccount of the namespace and mount any Secret, ConfigMap or volume there, so they hold every ServiceAccount\'s rights in it; a privileged pod reaches the node unless Pod Security forbids it.',
    remediation: 'Grant workload creation only to deployment pipelines, enforce Pod Security (baseline or restricted) in the namespace, and keep powerful ServiceAccounts out of namespaces where others can create pods.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { kubeLinter: ['access-to-create-pods'], trivy: ['KSV048'], kubescape: ['C-0188'] },
  },
  targets: targetsOf(PERMISSIONS.createPods, PERMISSIONS.writeWorkloads),
  impact: 'a pod can run as any ServiceAccount of the namespace and mount its Secrets',
});
