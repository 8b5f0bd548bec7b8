import type { PodCheck } from '../../engine/types.js';
import { capabilities, effective } from '../../k8s/security-context.js';
import { holdsCap } from '../_lib/capabilities.js';
import { CAPABILITIES_MAN, CIS, LINUX_KERNEL_HARDENING, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-DROP-NET-RAW',
    title: 'Container keeps the NET_RAW capability',
    severity: 'medium',
    optIn: true,
    category: 'container-security',
    attack: 'NET_RAW lets a process craft raw packets: ARP and DNS spoofing against neighbours on the node\'s network, and access to kernel packet code that several container escapes (CVE-2020-14386) went through. containerd grants it by default.',
    remediation: 'Add NET_RAW (or ALL) to securityContext.capabilities.drop. ping needs it only on old kernels; net.ipv4.ping_group_range (a safe sysctl) allows unprivileged ping instead.',
    references: [NSA_CISA, CIS, LINUX_KERNEL_HARDENING, CAPABILITIES_MAN],
    peers: { checkov: ['CKV_K8S_28'], kubeLinter: ['drop-net-raw-capability'], polaris: ['insecureCapabilities'], kubescape: ['C-0199'] },
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // Linux capabilities do not exist on Windows (the PSS exempt Windows pods)
    for (const c of pod.containers) {
      const caps = capabilities(c);
      // A privileged container holds every capability whatever the lists say: CTR-PRIVILEGED
      // reports it, and dropping NET_RAW would change nothing.
      if (yamlTrue(effective(pod, c, 'privileged').value)) continue;
      const source = holdsCap(caps, 'NET_RAW', false);
      if (!source) continue;
      const d = describeContainer(c);
      if (source === 'added') {
        const i = caps.add.findIndex((a) => a.toUpperCase() === 'NET_RAW');
        yield containerFinding(c, `${d} adds NET_RAW back in capabilities.add`, [...caps.path, 'add', i]);
      } else {
        const prefixed = caps.drop.find((x) => /^CAP_(NET_RAW|ALL)$/i.test(x));
        const message =
          source === 'added-all'
            ? `${d} adds ALL capabilities, NET_RAW included`
            : prefixed
              ? `${d} drops "${prefixed}", which drops nothing: runtimes add the CAP_ prefix themselves (write ${prefixed.slice(4).toUpperCase()})`
              : `${d} does not drop NET_RAW (nor ALL), so it keeps the runtime's default NET_RAW`;
        yield containerFinding(c, message, [...caps.path, 'drop'], {
          description: 'add NET_RAW to securityContext.capabilities.drop',
          ops: [{ op: 'append', path: [...caps.path, 'drop'], value: 'NET_RAW' }],
        });
      }
    }
  },
};
