import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, yamlTrue } from '../../k8s/json.js';
import { capabilities, podSecurityContext } from '../../k8s/security-context.js';
import { CAPABILITIES_MAN, SYSCTLS } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { portsOf } from '../_lib/ports.js';
import { cel } from './cel.js';

/** net.ipv4.ip_unprivileged_port_start set by the pod (a safe, namespaced sysctl), if any. */
function unprivilegedPortStart(sysctls: unknown): number | undefined {
  for (const s of asList(sysctls)) {
    const m = asMap(s);
    if (m?.name !== 'net.ipv4.ip_unprivileged_port_start') continue;
    const n = Number(typeof m.value === 'string' ? m.value.trim() : m.value);
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-PRIV-PORT',
    title: 'Container listens on a privileged port (below 1024)',
    severity: 'low',
    category: 'container-security',
    attack: 'Binding a port below 1024 needs root or NET_BIND_SERVICE, so the port is a sign that the process runs, or must be able to run, with privileges it would not otherwise need; with hostNetwork it claims a privileged port of the node.',
    remediation: 'Listen on a port of 1024 or more (8080, 8443) and map the well-known port in the Service (port: 80, targetPort: 8080); or allow unprivileged binding with the safe sysctl net.ipv4.ip_unprivileged_port_start.',
    references: [CAPABILITIES_MAN, SYSCTLS],
    peers: { kubeLinter: ['privileged-ports'], trivy: ['KSV117'] },
  },
  cel,
  *check(pod) {
    const hostNetwork = yamlTrue(pod.spec.hostNetwork);
    // The sysctl is per network namespace: it does not apply on the host network.
    const start = hostNetwork ? undefined : unprivilegedPortStart(podSecurityContext(pod)?.sysctls);
    for (const c of pod.containers) {
      for (const p of portsOf(c)) {
        const port = p.containerPort;
        if (port === undefined || port < 1 || port >= 1024) continue;
        if (start !== undefined && port >= start) continue;
        const nbs = capabilities(c).add.some((a) => a.toUpperCase() === 'NET_BIND_SERVICE') ? ' (it adds NET_BIND_SERVICE for that)' : '';
        yield containerFinding(c, `${describeContainer(c)} listens on privileged port ${port}${hostNetwork ? ' of the node (hostNetwork)' : ''}: binding it needs root or NET_BIND_SERVICE${nbs}`, [...p.path, 'containerPort']);
      }
    }
  },
};
