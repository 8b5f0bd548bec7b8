import type { PodCheck } from '../../engine/types.js';
import { resourceCheck } from '../_lib/resources.js';

export const check: PodCheck = resourceCheck({
  id: 'RES-CPU-REQ',
  resource: 'cpu',
  kind: 'requests',
  severity: 'low',
  title: 'Container has no CPU request',
  attack: 'Without a CPU request the scheduler reserves nothing for the container and, under contention, it gets the smallest CPU share (BestEffort): a noisy or compromised neighbour can starve it, and capacity planning is blind to it.',
  remediation: 'Set resources.requests.cpu to the container\'s normal usage (or give the namespace a LimitRange with a defaultRequest). A CPU limit alone also sets the request to the same value.',
  peers: { checkov: ['CKV_K8S_10'], kubeLinter: ['unset-cpu-requirements'], kubeScore: ['container-resources'], polaris: ['cpuRequestsMissing'], kubesec: ['RequestsCPU'], trivy: ['KSV015'], kubescape: ['C-0268'] },
});
