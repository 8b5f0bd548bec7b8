import type { PodCheck } from '../../engine/types.js';
import { effective } from '../../k8s/security-context.js';
import { CIS, NSA_CISA, PSS_BASELINE, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-PRIVILEGED',
    title: 'Container runs privileged',
    severity: 'critical',
    category: 'container-security',
    attack: 'A privileged container has every capability and all host devices: escaping to the node is a one-liner (mount the host disk, load a kernel module), and from the node the whole cluster.',
    remediation: 'Remove securityContext.privileged (or set it to false) and grant only the specific capabilities the process needs.',
    references: [PSS_BASELINE, NSA_CISA, CIS, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_16'], kubeLinter: ['privileged-container'], kubeScore: ['container-security-context-privileged'], polaris: ['runAsPrivileged'], kubesec: ['Privileged'], trivy: ['KSV017'], kubescape: ['C-0057'] },
    pss: 'baseline',
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const p = effective(pod, c, 'privileged');
      if (p.value === true) {
        yield containerFinding(c, `${describeContainer(c)} sets securityContext.privileged=true`, p.path, {
          description: 'set securityContext.privileged to false',
          ops: [{ op: 'set', path: p.path, value: false, overwrite: true }],
        });
      }
    }
  },
};
