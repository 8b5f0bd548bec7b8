import type { PodCheck } from '../../engine/types.js';
import { effective } from '../../k8s/security-context.js';
import { CIS, NSA_CISA, PSS_RESTRICTED, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer, setContainerField } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-PRIV-ESC',
    title: 'Container may gain more privileges than its parent process',
    severity: 'high',
    category: 'container-security',
    attack: 'Unless allowPrivilegeEscalation is false, no_new_privs is not set: a setuid binary or file capability inside the image lets a compromised process become root in the container, the first step of most escapes.',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container (it must be explicit: leaving it unset allows escalation).',
    references: [PSS_RESTRICTED, NSA_CISA, CIS, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_20'], kubeLinter: ['privilege-escalation-container'], polaris: ['privilegeEscalationAllowed'], kubesec: ['AllowPrivilegeEscalation'], trivy: ['KSV001'], kubescape: ['C-0016'] },
    pss: 'restricted',
  },
  cel,
  *check(pod) {
    // The Pod Security Standards exempt Windows pods: the field has no meaning there.
    if (pod.isWindows) return;
    for (const c of pod.containers) {
      const r = effective(pod, c, 'allowPrivilegeEscalation');
      if (r.value === false) continue;
      const message = r.value === true ? `${describeContainer(c)} sets allowPrivilegeEscalation=true` : `${describeContainer(c)} does not set allowPrivilegeEscalation=false`;
      yield containerFinding(c, message, r.path, setContainerField(c, 'allowPrivilegeEscalation', false, 'set securityContext.allowPrivilegeEscalation to false'));
    }
  },
};
