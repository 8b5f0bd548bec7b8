import type { PodCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { containerSecurityContext } from '../../k8s/security-context.js';
import { capString, grantedCap } from '../_lib/capabilities.js';
import { CAPABILITIES_MAN, NSA_CISA, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';
import { DANGEROUS } from './constants.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-ADD-DANGEROUS',
    title: 'Container adds a dangerous capability',
    severity: 'high',
    category: 'container-security',
    attack: 'SYS_ADMIN, SYS_MODULE or ALL make escaping to the node trivial; NET_ADMIN, SYS_PTRACE, DAC_READ_SEARCH, BPF and the others each give a documented path to other workloads\' data or to the kernel.',
    remediation: 'Remove the capability from securityContext.capabilities.add. If a node agent truly needs it, run it in a dedicated namespace with an exemption that names the reason, and drop ALL other capabilities.',
    references: [PSS_BASELINE, NSA_CISA, CAPABILITIES_MAN],
    peers: { checkov: ['CKV_K8S_39'], kubeLinter: ['privilege-escalation-container'], polaris: ['dangerousCapabilities'], kubesec: ['CapSysAdmin'], trivy: ['KSV005', 'KSV119', 'KSV120'], kubescape: ['C-0046'] },
    pss: 'baseline',
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const add = asList(asMap(containerSecurityContext(c)?.capabilities)?.add);
      for (let i = 0; i < add.length; i++) {
        const raw = capString(add[i]);
        const cap = grantedCap(raw);
        const d = DANGEROUS[cap];
        if (!d) continue;
        const spelled = raw === cap ? '' : ` (written "${raw}"; runtimes read it as ${cap})`;
        const addPath = [...c.path, 'securityContext', 'capabilities', 'add'];
        // Removing an added capability reverses an explicit choice: `fix` applies it only with --overwrite.
        const fix = typeof add[i] === 'string' ? { description: `remove ${raw} from securityContext.capabilities.add`, ops: [{ op: 'remove-item' as const, path: addPath, value: raw }] } : undefined;
        yield { ...containerFinding(c, `${describeContainer(c)} adds ${cap}${spelled}: ${d.why}`, [...addPath, i], fix), severity: d.severity };
      }
    }
  },
};
