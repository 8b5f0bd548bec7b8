import type { PodCheck, Severity } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { containerSecurityContext } from '../../k8s/security-context.js';
import { capString, grantedCap } from '../_lib/capabilities.js';
import { CAPABILITIES_MAN, NSA_CISA, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

/** What each capability gives an attacker, and how bad that is. */
export const DANGEROUS: Readonly<Record<string, { severity: Severity; why: string }>> = {
  ALL: { severity: 'critical', why: 'every capability: root\'s full power over the kernel' },
  SYS_ADMIN: { severity: 'critical', why: 'mount, namespaces, BPF and more: a one-step container escape' },
  SYS_MODULE: { severity: 'critical', why: 'loads kernel modules: code execution in the node\'s kernel' },
  SYS_PTRACE: { severity: 'high', why: 'traces and injects code into other processes (with host PID: the node\'s)' },
  SYS_RAWIO: { severity: 'high', why: 'raw I/O ports and device memory access' },
  SYS_BOOT: { severity: 'high', why: 'reboots the node or loads a new kernel (kexec)' },
  NET_ADMIN: { severity: 'high', why: 'reconfigures interfaces, routes and firewall rules (with host network: the node\'s)' },
  NET_RAW: { severity: 'high', why: 'raw packets: ARP/DNS spoofing of neighbours' },
  BPF: { severity: 'high', why: 'loads BPF programs: kernel attack surface and tracing of other workloads' },
  PERFMON: { severity: 'high', why: 'perf and BPF tracing: reads other processes\' and kernel data' },
  MAC_ADMIN: { severity: 'high', why: 'changes the AppArmor/SELinux policy that confines containers' },
  MAC_OVERRIDE: { severity: 'high', why: 'overrides the mandatory access control that confines containers' },
  DAC_READ_SEARCH: { severity: 'high', why: 'open_by_handle_at: reads host files outside the container (the "shocker" escape)' },
  SYS_TIME: { severity: 'medium', why: 'sets the node\'s clock (time is not namespaced): breaks certificate and token validity' },
  SYSLOG: { severity: 'medium', why: 'reads the kernel log and kernel addresses (defeats KASLR for kernel exploits)' },
  SETPCAP: { severity: 'low', why: 'changes its own capability sets and securebits (already in the runtime default set)' },
};

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
