import type { PodCheck } from '../../engine/types.js';
import { containerSecurityContext } from '../../k8s/security-context.js';
import { formatMinor, targetMinor, VERSION_SETTINGS } from '../_lib/k8s-version.js';
import { PSS_BASELINE, PSS_RESTRICTED, SECURITY_CONTEXT, USER_NAMESPACES } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { allowedProcMount, runsInUserNamespace, USER_NAMESPACE_RELAXATION_MINOR } from '../../pss/index.js';
import { cel } from './cel.js';

export const check: PodCheck<typeof VERSION_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'CTR-PROC-MOUNT',
    title: 'Container mounts /proc unmasked',
    severity: 'medium',
    category: 'container-security',
    attack: 'The default /proc mount masks and makes read-only the paths that expose or control the host kernel (/proc/kcore, /proc/sysrq-trigger, /proc/sys…). procMount: Unmasked removes that protection, exposing kernel memory and node-wide controls to the container.',
    remediation: 'Remove securityContext.procMount (or set it to Default). Nested container builds that need an unmasked /proc should run with hostUsers: false, which the baseline policy allows from v1.35.',
    references: [PSS_BASELINE, PSS_RESTRICTED, SECURITY_CONTEXT, USER_NAMESPACES],
    peers: { kubeLinter: ['unsafe-proc-mount'], polaris: ['procMount'], trivy: ['KSV027'] },
    ...enforcesPssControls('procMount', 'procMount_restricted'),
  },
  settings: VERSION_SETTINGS,
  cel,
  *check(pod, ctx) {
    const userNamespace = runsInUserNamespace(pod.spec);
    const minor = targetMinor(ctx.settings);
    for (const c of pod.containers) {
      const pm = containerSecurityContext(c)?.procMount;
      if (allowedProcMount(pm)) continue;
      const d = describeContainer(c);
      const value = typeof pm === 'string' ? pm : JSON.stringify(pm);
      const path = [...c.path, 'securityContext', 'procMount'];
      // Default reverses an explicit choice: `fix` applies it only with --overwrite.
      const fix = { description: 'set securityContext.procMount to Default', ops: [{ op: 'set' as const, path, value: 'Default', overwrite: true }] };
      if (userNamespace) {
        // In a user namespace the unmasked /proc belongs to the pod's own namespaces; the baseline
        // policy accepts it from v1.35, the restricted policy never does.
        const pss = minor >= USER_NAMESPACE_RELAXATION_MINOR ? 'baseline allows it with hostUsers: false, restricted does not' : `baseline allows it with hostUsers: false only from v1.35 (target ${formatMinor(minor)})`;
        yield { ...containerFinding(c, `${d} sets procMount: ${value} inside a user namespace (${pss})`, path, fix), severity: 'low' };
      } else {
        yield containerFinding(c, `${d} sets procMount: ${value}: the host kernel's /proc paths are no longer masked`, path, fix);
      }
    }
  },
};
