import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-EXEC-ATTACH',
    title: 'Role can exec or attach into pods',
    severity: 'high',
    category: 'rbac',
    attack: 'pods/exec and pods/attach run commands in existing containers, with their ServiceAccount tokens and mounted Secrets; before Kubernetes 1.35 `get` was enough over WebSocket. Ephemeral containers do the same and can be privileged.',
    remediation: 'Remove create/get on pods/exec and pods/attach (and update/patch on pods/ephemeralcontainers) from roles that do not debug pods; use short-lived, audited break-glass roles for debugging.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: {
      checkov: ['CKV2_K8S_2'],
      polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach', 'clusterrolebindingPodExecAttach', 'rolebindingClusterRolePodExecAttach', 'rolebindingRolePodExecAttach'],
      trivy: ['KSV053', 'KSV054'],
      kubescape: ['C-0002'],
    },
  },
  // The catalogue's exec-pods row also counts update/patch on pods; rules granting that are RBAC-CREATE-WORKLOADS' concern.
  targets: targetsOf(PERMISSIONS.execAttach, PERMISSIONS.ephemeralContainers),
  impact: 'runs code inside running containers, with their tokens and Secrets (get suffices over WebSocket before 1.35)',
});
