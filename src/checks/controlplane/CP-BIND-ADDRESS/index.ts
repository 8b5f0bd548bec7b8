import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, NSA, SCHEDULER_REF } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

function loopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === 'localhost';
}

export const check = processCheck(
  {
    id: 'CP-BIND-ADDRESS',
    title: 'Controller manager or scheduler listens beyond localhost',
    severity: 'medium',
    category: 'control-plane',
    attack: 'The controller manager and the scheduler only need to be reached by local health checks; listening on every interface exposes their HTTPS endpoints (metrics, health, profiling with a token) to the whole node network and gives attackers one more service to probe.',
    remediation: 'Set --bind-address=127.0.0.1 on kube-controller-manager and kube-scheduler (kubeadm does).',
    references: [KCM_REF, SCHEDULER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_113', 'CKV_K8S_115'] },
    controls: { cis: ['1.3.7', '1.4.2'], nsa: [NSA.controlPlane] },
  },
  ['kube-controller-manager', 'kube-scheduler'],
  function* (p) {
    const f = p.flags.nonEmpty('bind-address');
    if (f && loopback(f.value)) return;
    yield {
      message: f
        ? `${p.component} listens on --bind-address=${f.value}, beyond the loopback interface`
        : `${p.component} does not set --bind-address, which defaults to 0.0.0.0: it listens on every interface`,
      path: f?.arg.path ?? p.flags.last('bind-address')?.arg.path ?? p.anchor,
    };
  },
);
