import { effective, perContainer, t, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => perContainer(pod, (c) => ({ when: `${effective(pod, c, 'privileged')}.orValue(false)`, message: t`${c.describe} sets securityContext.privileged=true` })),
};
