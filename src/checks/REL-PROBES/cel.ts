import { concat, perContainer, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    // Bare Pods and Jobs run to completion: no probes expected (runsToCompletion).
    if (['Pod', 'Job', 'CronJob'].includes(pod.shape.kind)) return '[]';
    const restarts = `!(${pod.spec}.?restartPolicy.orValue('') in ['Never', 'OnFailure'])`;
    const list = concat([
      perContainer(pod, (c) => (c.kind !== 'containers' ? undefined : { when: `!${c.v}.?livenessProbe.hasValue()`, message: `${c.describe} + ' has no livenessProbe: a hung process is never restarted'` })),
      perContainer(pod, (c) => (c.kind !== 'containers' ? undefined : { when: `!${c.v}.?readinessProbe.hasValue()`, message: `${c.describe} + ' has no readinessProbe: it receives traffic and counts as available before it can serve'` })),
    ]);
    return `(${restarts}) ? (${list}) : []`;
  },
};
