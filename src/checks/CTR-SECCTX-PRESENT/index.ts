import type { PodCheck } from '../../engine/types.js';
import { containerSecurityContext, podSecurityContext } from '../../k8s/security-context.js';
import { NSA_CISA, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { isSet } from '../../k8s/json.js';
import { cel } from './cel.js';

function nonEmpty(m: Record<string, unknown> | undefined): boolean {
  return m !== undefined && Object.values(m).some(isSet);
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-SECCTX-PRESENT',
    title: 'No securityContext on the container or its pod',
    severity: 'low',
    optIn: true,
    category: 'container-security',
    attack: 'With no securityContext at all, every default applies: the image decides the user (often root), privilege escalation is allowed, the root filesystem is writable and no capability is dropped. It usually means nobody has hardened the workload yet.',
    remediation: 'Add a securityContext: at least allowPrivilegeEscalation: false, runAsNonRoot: true with a numeric runAsUser, readOnlyRootFilesystem: true, capabilities.drop: ["ALL"], and seccompProfile RuntimeDefault on the pod. The other checks say which fields are still missing.',
    references: [SECURITY_CONTEXT, NSA_CISA],
    peers: { checkov: ['CKV_K8S_29', 'CKV_K8S_30'], trivy: ['KSV118'], kubescape: ['C-0211'] },
  },
  cel,
  *check(pod) {
    if (nonEmpty(podSecurityContext(pod))) return;
    for (const c of pod.containers) {
      if (nonEmpty(containerSecurityContext(c))) continue;
      const path = [...c.path, 'securityContext'];
      // allowPrivilegeEscalation: false is the one setting that is safe to add blindly (it only
      // stops setuid binaries); it does not exist on Windows, so Windows pods get no fix.
      const fix = pod.isWindows
        ? undefined
        : { description: 'add securityContext.allowPrivilegeEscalation: false', ops: [{ op: 'set' as const, path: [...path, 'allowPrivilegeEscalation'], value: false }] };
      yield containerFinding(c, `${describeContainer(c)} has no securityContext, and neither has its pod: every insecure default applies`, path, fix);
    }
  },
};
