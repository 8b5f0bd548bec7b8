import type { PodCheck } from '../../engine/types.js';
import { resourceCheck } from '../_lib/resources.js';

export const check: PodCheck = resourceCheck({
  id: 'RES-CPU-LIM',
  resource: 'cpu',
  kind: 'limits',
  severity: 'low',
  title: 'Container has no CPU limit',
  attack: 'Without a CPU limit a runaway or compromised container (a crypto-miner, a request flood) can use every idle core of its node, slowing every other pod there.',
  remediation: 'Set resources.limits.cpu (or give the namespace a LimitRange with a default). Keep it generous: CPU limits throttle, they never kill, so a tight limit costs latency.',
  peers: { checkov: ['CKV_K8S_11'], kubeScore: ['container-resources'], polaris: ['cpuLimitsMissing'], kubesec: ['LimitsCPU'], trivy: ['KSV011'], kubescape: ['C-0270'] },
});
