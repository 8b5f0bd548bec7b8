import type { PodCheck } from '../../engine/types.js';
import { asMap } from '../../k8s/json.js';
import { effective, podSecurityContext } from '../../k8s/security-context.js';
import { CIS, NSA_CISA, PSS_RESTRICTED, SECCOMP } from '../_lib/references.js';
import { containerFinding, describeContainer, podPath } from '../_lib/pod.js';
import { allowedSeccompType } from '../../pss/index.js';
import { cel } from './cel.js';

function typeOf(profile: unknown): string | undefined {
  const t = asMap(profile)?.type;
  return typeof t === 'string' ? t : undefined;
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-SECCOMP',
    title: 'Seccomp profile is not RuntimeDefault or Localhost',
    severity: 'medium',
    category: 'pod-security',
    attack: 'Without a seccomp profile every system call is open to the container, including the rarely used ones behind most kernel privilege-escalation exploits.',
    remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (it covers every container), or Localhost with a reviewed profile. Never Unconfined.',
    references: [PSS_RESTRICTED, NSA_CISA, CIS, SECCOMP],
    peers: { checkov: ['CKV_K8S_31'], kubeScore: ['container-seccomp-profile'], polaris: ['linuxHardening'], kubesec: ['SeccompAny'], trivy: ['KSV030'], kubescape: ['C-0210', 'C-0055'] },
    pss: 'restricted',
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // the Pod Security Standards exempt Windows pods
    const podType = typeOf(podSecurityContext(pod)?.seccompProfile);
    const uncovered: string[] = [];
    for (const c of pod.containers) {
      const r = effective(pod, c, 'seccompProfile');
      const t = typeOf(r.value);
      if (allowedSeccompType(t)) continue;
      if (r.from === 'container') {
        yield containerFinding(c, `${describeContainer(c)} sets seccompProfile.type=${t ?? 'an invalid value'}`, [...r.path, 'type']);
      } else {
        uncovered.push(c.name);
      }
    }
    if (uncovered.length === 0) return;
    const path = podPath(pod, 'securityContext', 'seccompProfile');
    const message =
      podType === undefined
        ? `no seccompProfile on the pod or on ${uncovered.length === pod.containers.length ? 'its containers' : `container(s) ${uncovered.map((n) => `"${n}"`).join(', ')}`}`
        : `pod sets seccompProfile.type=${podType}, which applies to container(s) ${uncovered.map((n) => `"${n}"`).join(', ')}`;
    yield {
      message,
      path: podType === undefined ? path : [...path, 'type'],
      ...(podType === undefined ? { fix: { description: 'set spec.securityContext.seccompProfile.type to RuntimeDefault', ops: [{ op: 'set' as const, path, value: { type: 'RuntimeDefault' } }] } } : {}),
    };
  },
};
