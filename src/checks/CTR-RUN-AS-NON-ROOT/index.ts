import type { PodCheck } from '../../engine/types.js';
import { effective } from '../../k8s/security-context.js';
import { CIS, NSA_CISA, PSS_RESTRICTED, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-RUN-AS-NON-ROOT',
    title: 'Container may run as root',
    severity: 'high',
    category: 'container-security',
    attack: 'A process running as UID 0 is root on the node\'s kernel: any container breakout or writable host mount gives root on the node.',
    remediation: 'Set securityContext.runAsNonRoot: true (pod or container) and a numeric runAsUser above 0 (10000 or more is best) that the image supports.',
    references: [PSS_RESTRICTED, NSA_CISA, CIS, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_23'], kubeLinter: ['run-as-non-root'], polaris: ['runAsRootAllowed'], kubesec: ['RunAsNonRoot'], trivy: ['KSV012'], kubescape: ['C-0013'] },
    pss: 'restricted',
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const nonRoot = effective(pod, c, 'runAsNonRoot');
      const user = effective(pod, c, 'runAsUser');
      if (nonRoot.value === true) continue;
      // A numeric non-zero UID cannot be root, whatever runAsNonRoot says.
      if (typeof user.value === 'number' && user.value > 0) continue;
      const message =
        nonRoot.value === false
          ? `${describeContainer(c)} sets runAsNonRoot=false`
          : `${describeContainer(c)} may run as root: runAsNonRoot is not true and no non-zero runAsUser is set`;
      yield containerFinding(c, message, nonRoot.from === 'unset' ? [...c.path, 'securityContext', 'runAsNonRoot'] : nonRoot.path, {
        description: 'set runAsNonRoot: true and runAsUser/runAsGroup 10001 where unset',
        ops: [
          { op: 'set', path: [...c.path, 'securityContext', 'runAsNonRoot'], value: true },
          ...(user.from === 'unset' ? [{ op: 'set' as const, path: [...c.path, 'securityContext', 'runAsUser'], value: 10001 }] : []),
          ...(effective(pod, c, 'runAsGroup').from === 'unset' ? [{ op: 'set' as const, path: [...c.path, 'securityContext', 'runAsGroup'], value: 10001 }] : []),
        ],
      });
    }
  },
};
