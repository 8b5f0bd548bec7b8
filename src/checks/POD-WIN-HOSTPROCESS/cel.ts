import { concat, perContainer, podField, when, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    concat([
      when(`${podField(pod, 'windowsOptions')}.?hostProcess.orValue(false)`, "'pod sets securityContext.windowsOptions.hostProcess=true: every container runs as a process on the Windows node'"),
      perContainer(pod, (c) => ({ when: `${c.v}.?securityContext.?windowsOptions.?hostProcess.orValue(false)`, message: `${c.describe} + ' sets securityContext.windowsOptions.hostProcess=true: it runs as a process on the Windows node'` })),
    ]),
};
