import type { PodCheck } from '../../engine/types.js';
import { EPHEMERAL_STORAGE, LIMIT_RANGES, RESOURCES } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { resourceContainers, resourcePath, resourceSource } from '../_lib/resources.js';
import { cel } from './cel.js';

const STORAGE = 'ephemeral-storage';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'RES-OTHER',
    title: 'Container has no ephemeral-storage request and limit',
    severity: 'low',
    optIn: true,
    category: 'resources',
    attack: 'Without an ephemeral-storage limit a container can fill its node\'s disk through logs, its writable layer or emptyDir volumes, until the kubelet evicts pods wholesale under disk pressure; without a request the scheduler ignores its disk use.',
    remediation: 'Set resources.limits.ephemeral-storage (the request then defaults to it) or both a request and a limit, or give the namespace a LimitRange with defaults for ephemeral-storage.',
    references: [EPHEMERAL_STORAGE, RESOURCES, LIMIT_RANGES],
    peers: { kubeScore: ['container-ephemeral-storage-request-and-limit'], trivy: ['KSV039', 'KSV040'] },
  },
  cel,
  *check(pod, ctx) {
    for (const c of resourceContainers(pod)) {
      const limit = resourceSource(pod, c, STORAGE, 'limits', ctx);
      const request = resourceSource(pod, c, STORAGE, 'requests', ctx);
      if (limit && request) continue;
      const missing = !limit && !request ? 'no ephemeral-storage request or limit' : !limit ? 'an ephemeral-storage request but no limit' : 'no ephemeral-storage request';
      yield { message: `${describeContainer(c)} has ${missing}, and no LimitRange in the scan gives it a default`, path: resourcePath(c, limit ? 'requests' : 'limits', STORAGE), container: c.name };
    }
  },
};
