import type { PodCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { containerSecurityContext } from '../../k8s/security-context.js';
import { capString } from '../_lib/capabilities.js';
import { CAPABILITIES_MAN, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { BASELINE_CAPABILITIES } from '../../pss/index.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-ADD-NONDEFAULT',
    title: 'Container adds a capability outside the baseline set',
    severity: 'medium',
    category: 'container-security',
    attack: 'Capabilities beyond the runtime defaults (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE…) hand the container parts of root\'s power over the node\'s kernel; most documented container escapes need one of them.',
    remediation: 'Remove the capability from securityContext.capabilities.add. The baseline policy allows only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT, spelled exactly so.',
    references: [PSS_BASELINE, CAPABILITIES_MAN],
    peers: { checkov: ['CKV_K8S_25'], trivy: ['KSV022'], kubescape: ['C-0200'] },
    ...enforcesPssControls('capabilities_baseline'),
  },
  cel,
  *check(pod) {
    // Pod Security Admission has no Windows exemption here (the API rejects capabilities on Windows).
    for (const c of pod.containers) {
      const add = asList(asMap(containerSecurityContext(c)?.capabilities)?.add);
      for (let i = 0; i < add.length; i++) {
        const cap = capString(add[i]);
        if (BASELINE_CAPABILITIES.has(cap)) continue;
        const upper = cap.toUpperCase().replace(/^CAP_/, '');
        const hint = BASELINE_CAPABILITIES.has(upper)
          ? ` (Pod Security Admission compares names exactly: write "${upper}")`
          : '';
        const addPath = [...c.path, 'securityContext', 'capabilities', 'add'];
        // Removing an added capability reverses an explicit choice: `fix` applies it only with --overwrite.
        const fix = typeof add[i] === 'string' ? { description: `remove ${cap} from securityContext.capabilities.add`, ops: [{ op: 'remove-item' as const, path: addPath, value: cap }] } : undefined;
        yield containerFinding(c, `${describeContainer(c)} adds capability "${cap}", which is not in the baseline set${hint}`, [...addPath, i], fix);
      }
    }
  },
};
