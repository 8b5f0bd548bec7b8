import type { PodCheck } from '../../engine/types.js';
import { CONFIG_BEST_PRACTICES, NSA_CISA, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { portsOf } from '../_lib/ports.js';
import { yamlTrue } from '../../k8s/json.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-HOSTPORT',
    title: 'Container binds a port on the node (hostPort)',
    severity: 'medium',
    category: 'host-isolation',
    attack: 'A hostPort publishes the container on every address of its node, around Services and usually around NetworkPolicies (many CNIs do not apply them to host ports), and lets the pod claim node ports other services rely on.',
    remediation: 'Remove ports[].hostPort and expose the container through a Service (ClusterIP, or NodePort/LoadBalancer when it must be reachable from outside).',
    references: [PSS_BASELINE, CONFIG_BEST_PRACTICES, NSA_CISA],
    peers: { checkov: ['CKV_K8S_26'], polaris: ['hostPortSet'], trivy: ['KSV024'], kubescape: ['C-0044'] },
    ...enforcesPssControls('hostPorts'),
  },
  cel,
  *check(pod) {
    const hostNetwork = yamlTrue(pod.spec.hostNetwork);
    for (const c of pod.containers) {
      for (const p of portsOf(c)) {
        if (p.hostPort !== undefined && p.hostPort !== 0) {
          yield containerFinding(c, `${describeContainer(c)} binds hostPort ${p.hostPort}${p.containerPort !== undefined ? ` (to containerPort ${p.containerPort})` : ''} on the node`, [...p.path, 'hostPort']);
        } else if (hostNetwork && c.kind !== 'ephemeralContainers' && p.containerPort !== undefined && p.containerPort !== 0) {
          // With hostNetwork the API server defaults hostPort to containerPort before admission,
          // so the Pod Security Standards count these as host ports. POD-HOST-NETWORK carries the risk.
          yield {
            ...containerFinding(c, `${describeContainer(c)} port ${p.containerPort} is a host port: with hostNetwork: true the API server sets hostPort to containerPort`, [...p.path, 'containerPort']),
            severity: 'low',
          };
        }
      }
    }
  },
};
