import { perContainer, type CelForm } from '../../k8s/cel.js';
import { hasResource, PODS_ONLY_REASON } from '../_lib/resources-cel.js';

const STORAGE = 'ephemeral-storage';

export const cel: CelForm = {
  form: 'pod',
  shapes: ['Pod'],
  shapesReason: PODS_ONLY_REASON,
  findings: ({ pod }) =>
    perContainer(pod, (c) => {
      if (c.kind === 'ephemeralContainers') return undefined;
      const limit = hasResource(pod, c, STORAGE, 'limits');
      const request = hasResource(pod, c, STORAGE, 'requests');
      return {
        when: `!(${limit} && ${request})`,
        message: `${c.describe} + ' has ' + (!${limit} && !${request} ? 'no ephemeral-storage request or limit' : !${limit} ? 'an ephemeral-storage request but no limit' : 'no ephemeral-storage request') + ', and no LimitRange in the scan gives it a default'`,
      };
    }),
};
