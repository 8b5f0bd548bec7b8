import { effective, perContainer, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainer(pod, (c) => {
      const nonRoot = effective(pod, c, 'runAsNonRoot');
      const user = effective(pod, c, 'runAsUser');
      return {
        when: `!${nonRoot}.orValue(false) && !(${user}.orValue(0) > 0)`,
        message: `${c.describe} + (${nonRoot}.orValue(true) ? ' may run as root: runAsNonRoot is not true and no non-zero runAsUser is set' : ' sets runAsNonRoot=false')`,
      };
    }),
};
