import type { ObjectCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { CVE_2020_8554, SERVICE_TYPES } from '../_lib/references.js';
import { cel } from './cel.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Service'],
  meta: {
    id: 'NET-SVC-EXTERNAL-IPS',
    title: 'Service sets externalIPs (CVE-2020-8554 traffic interception)',
    severity: 'high',
    category: 'network',
    attack: 'kube-proxy routes traffic for any address listed in spec.externalIPs to the Service, cluster-wide. Anyone allowed to create or edit a Service can list the IP of another service or an external site and intercept that traffic from every pod and node (CVE-2020-8554, unfixed by design).',
    remediation: 'Remove spec.externalIPs and use a LoadBalancer or Ingress. Enable the DenyServiceExternalIPs admission plugin (or a policy that allows specific Services only).',
    references: [CVE_2020_8554, SERVICE_TYPES],
    peers: { trivy: ['KSV108'] },
  },
  cel,
  *check(o) {
    const ips = asList(asMap(o.object.spec)?.externalIPs);
    if (ips.length === 0) return;
    yield { message: `Service "${o.name}" sets ${ips.length} externalIP(s) (${ips.slice(0, 3).map(String).join(', ')}): kube-proxy intercepts traffic to them on every node (CVE-2020-8554)`, path: ['spec', 'externalIPs'] };
  },
};
