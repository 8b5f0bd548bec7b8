import type { PodCheck } from '../../engine/types.js';
import { resourceCheck } from '../_lib/resources.js';

export const check: PodCheck = resourceCheck({
  id: 'RES-MEM-REQ',
  resource: 'memory',
  kind: 'requests',
  severity: 'low',
  title: 'Container has no memory request',
  attack: 'Without a memory request the scheduler reserves nothing for the container, so nodes get overcommitted and, under memory pressure, this pod is among the first evicted or OOM-killed.',
  remediation: 'Set resources.requests.memory to the container\'s normal working set (or give the namespace a LimitRange with a defaultRequest). A memory limit alone also sets the request to the same value.',
  peers: { checkov: ['CKV_K8S_12'], kubeLinter: ['unset-memory-requirements'], kubeScore: ['container-resources'], polaris: ['memoryRequestsMissing'], kubesec: ['RequestsMemory'], trivy: ['KSV016'], kubescape: ['C-0269'] },
});
