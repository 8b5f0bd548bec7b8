import type { PodCheck } from '../../engine/types.js';
import { capabilities, effective } from '../../k8s/security-context.js';
import { CAPABILITIES_MAN, LINUX_KERNEL_HARDENING } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-DROP-ANY',
    title: 'Container drops no capability',
    severity: 'low',
    optIn: true,
    category: 'container-security',
    attack: 'A container that drops nothing keeps the runtime\'s whole default set (NET_RAW, CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, MKNOD…), so any code execution inside it starts with more kernel privilege than the application needs.',
    remediation: 'Drop what the process does not use: securityContext.capabilities.drop: ["ALL"] and add back only what is needed (see CTR-CAPS-DROP-ALL); at the very least drop NET_RAW.',
    references: [LINUX_KERNEL_HARDENING, CAPABILITIES_MAN],
    peers: { kubesec: ['CapDropAny'], trivy: ['KSV004'] },
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // Linux capabilities do not exist on Windows
    for (const c of pod.containers) {
      // A privileged container keeps every capability whatever it drops: CTR-PRIVILEGED reports it.
      if (yamlTrue(effective(pod, c, 'privileged').value)) continue;
      const caps = capabilities(c);
      // A CAP_-prefixed name drops nothing: containerd and CRI-O prefix CAP_ themselves.
      const dropping = caps.drop.filter((d) => d !== '' && !/^CAP_/i.test(d));
      if (dropping.length > 0) continue;
      const message = caps.drop.length
        ? `${describeContainer(c)} drops only ${caps.drop.map((d) => `"${d}"`).join(', ')}, which drops nothing: runtimes add the CAP_ prefix themselves`
        : `${describeContainer(c)} does not drop any capability`;
      yield containerFinding(c, message, [...caps.path, 'drop'], {
        description: 'add NET_RAW to securityContext.capabilities.drop',
        ops: [{ op: 'append', path: [...caps.path, 'drop'], value: 'NET_RAW' }],
      });
    }
  },
};
