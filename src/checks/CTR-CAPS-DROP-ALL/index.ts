import type { PodCheck } from '../../engine/types.js';
import { capabilities } from '../../k8s/security-context.js';
import { CIS, LINUX_KERNEL_HARDENING, NSA_CISA, PSS_RESTRICTED } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-DROP-ALL',
    title: 'Container does not drop all capabilities',
    severity: 'medium',
    category: 'container-security',
    attack: 'The runtime\'s default capability set (NET_RAW, CHOWN, SETUID, DAC_OVERRIDE…) enables ARP/DNS spoofing and privilege changes after a compromise. Dropping ALL and adding back only what is needed removes them.',
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] (upper case: "all" is not recognised by Pod Security Admission) and add back only NET_BIND_SERVICE if the process binds a port below 1024.',
    references: [PSS_RESTRICTED, NSA_CISA, CIS, LINUX_KERNEL_HARDENING],
    peers: { checkov: ['CKV_K8S_37'], polaris: ['insecureCapabilities'], kubesec: ['CapDropAll'], trivy: ['KSV003'], kubescape: ['C-0201'] },
    pss: 'restricted',
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // the Pod Security Standards exempt Windows pods
    for (const c of pod.containers) {
      const caps = capabilities(c);
      if (caps.drop.includes('ALL')) continue;
      const lower = caps.drop.find((d) => d.toUpperCase() === 'ALL');
      const message = lower
        ? `${describeContainer(c)} drops "${lower}", which is not "ALL": capability names are case-sensitive`
        : `${describeContainer(c)} does not drop ALL capabilities`;
      yield containerFinding(c, message, caps.drop.length ? [...caps.path, 'drop'] : caps.path, {
        description: 'add "ALL" to securityContext.capabilities.drop',
        ops: [{ op: 'append', path: [...caps.path, 'drop'], value: 'ALL' }],
      });
    }
  },
};
