import type { PodCheck } from '../../engine/types.js';
import { resourceCheck } from '../_lib/resources.js';

export const check: PodCheck = resourceCheck({
  id: 'RES-MEM-LIM',
  resource: 'memory',
  kind: 'limits',
  severity: 'medium',
  title: 'Container has no memory limit',
  attack: 'Without a memory limit a leaking or compromised container can take all of its node\'s memory: the kernel then OOM-kills other pods and node daemons, a denial of service for everything on the node.',
  remediation: 'Set resources.limits.memory (or give the namespace a LimitRange with a default), at the peak working set plus headroom; for most workloads set the request equal to it.',
  peers: { checkov: ['CKV_K8S_13'], kubeLinter: ['unset-memory-requirements'], kubeScore: ['container-resources'], polaris: ['memoryLimitsMissing'], kubesec: ['LimitsMemory'], trivy: ['KSV018'], kubescape: ['C-0271'] },
});
