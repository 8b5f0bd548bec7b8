import type { LoadedObject } from '../../../load/types.js';
import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, NETWORK_POLICIES, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, type Hit, type Target } from '../_lib.js';

const WRITE = ['create', 'update', 'patch', 'delete'];
const targets: Target[] = [
  { verbs: ['update', 'patch', 'create', 'delete'], group: '', resource: 'configmaps', label: 'configmaps' },
  { verbs: ['update', 'patch'], group: '', resource: 'services', subresource: 'status' },
  { verbs: WRITE, group: 'networking.k8s.io', resource: 'networkpolicies' },
  { verbs: WRITE, group: '', resource: 'endpoints' },
  { verbs: WRITE, group: 'discovery.k8s.io', resource: 'endpointslices' },
  { verbs: WRITE, group: 'networking.k8s.io', resource: 'ingresses' },
];

/** ConfigMaps matter where cluster components read them: kube-system, aws-auth, coredns. */
function keep(o: LoadedObject, h: Hit): boolean {
  if (h.target.resource !== 'configmaps') return true;
  if (h.names) return h.names.some((n) => n === 'aws-auth' || n === 'coredns');
  return o.kind === 'ClusterRole' || o.namespace === 'kube-system';
}

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-CONFIG-NET',
    title: 'Role can change cluster configuration or networking',
    severity: 'medium',
    category: 'rbac',
    attack: 'Writing kube-system ConfigMaps rewrites cluster components (EKS aws-auth maps IAM identities to system:masters; CoreDNS answers every lookup); services/status sets a LoadBalancer IP to intercept traffic (CVE-2020-8554); NetworkPolicies, Endpoints and Ingresses redirect or expose traffic.',
    remediation: 'Keep write access to kube-system ConfigMaps, services/status, NetworkPolicies, Endpoints(lices) and Ingresses with the controllers and platform team that own them; name the objects with resourceNames.',
    references: [RBAC_GOOD_PRACTICES, NETWORK_POLICIES, CIS],
    peers: { checkov: ['CKV2_K8S_4'], trivy: ['KSV049', 'KSV115', 'KSV056'], kubescape: ['C-0037'] },
  },
  targets,
  impact: 'it steers cluster configuration or network traffic',
  keep,
  keepCel: (t, kind) => (t.resource !== 'configmaps' ? undefined : `r.?resourceNames.orValue([]).size() > 0 ? r.resourceNames.exists(n, n == 'aws-auth' || n == 'coredns') : ${kind === 'ClusterRole' ? 'true' : "object.metadata.?namespace.orValue('') == 'kube-system'"}`),
});
