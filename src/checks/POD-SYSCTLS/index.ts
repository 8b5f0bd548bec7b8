import type { PodCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { podSecurityContext } from '../../k8s/security-context.js';
import { LATEST_MINOR } from '../../pss/version.js';
import { formatMinor, targetMinor, VERSION_SETTINGS } from '../_lib/k8s-version.js';
import { PSS_BASELINE, SYSCTLS } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { allowedSysctls } from '../../pss/index.js';
import { cel } from './cel.js';

/** The first version whose safe set holds `name`, if any. */
function safeSince(name: string): number | undefined {
  if (!allowedSysctls(LATEST_MINOR).has(name)) return undefined;
  for (let m = 0; m <= LATEST_MINOR; m++) if (allowedSysctls(m).has(name)) return m;
  return undefined;
}

/** net/ipv4/ip_local_port_range → net.ipv4.ip_local_port_range (the kernel's two spellings). */
function dotted(name: string): string {
  return name.replace(/[./]/g, (ch) => (ch === '/' ? '.' : '/'));
}

export const check: PodCheck<typeof VERSION_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'POD-SYSCTLS',
    title: 'Pod sets a sysctl outside the safe set',
    severity: 'medium',
    category: 'host-isolation',
    attack: 'Sysctls outside the safe set are not isolated per pod: they change kernel behaviour for other pods or the whole node (memory, networking, IPC limits), or open kernel attack surface. The kubelet refuses them unless an administrator allow-lists them with --allowed-unsafe-sysctls.',
    remediation: 'Remove the sysctl, or run the workload on dedicated nodes whose kubelet allows exactly that sysctl (--allowed-unsafe-sysctls) and exempt it by reason. The safe set depends on the Kubernetes version (setting k8sVersion).',
    references: [PSS_BASELINE, SYSCTLS],
    peers: { kubeLinter: ['unsafe-sysctls'], trivy: ['KSV026'] },
    ...enforcesPssControls('sysctls'),
  },
  settings: VERSION_SETTINGS,
  cel,
  *check(pod, ctx) {
    const minor = targetMinor(ctx.settings);
    const allowed = allowedSysctls(minor);
    const list = asList(podSecurityContext(pod)?.sysctls);
    for (let i = 0; i < list.length; i++) {
      const raw = asMap(list[i])?.name;
      const name = typeof raw === 'string' ? raw : '';
      if (allowed.has(name)) continue;
      let why = `is not in the Pod Security Standards safe set for ${formatMinor(minor)}`;
      const since = safeSince(name);
      if (since !== undefined) why += ` (it is safe from ${formatMinor(since)}: set k8sVersion if every target cluster runs that or newer)`;
      else if (name.includes('/') && allowed.has(dotted(name))) why = `is written with "/" separators: Pod Security Admission compares names literally, so write "${dotted(name)}"`;
      yield { message: `sysctl "${name}" ${why}`, path: podPath(pod, 'securityContext', 'sysctls', i, 'name') };
    }
  },
};
