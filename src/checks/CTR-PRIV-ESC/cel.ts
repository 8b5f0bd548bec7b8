import { effective, perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => {
      const e = effective(pod, c, 'allowPrivilegeEscalation');
      return { when: `${e}.orValue(true)`, message: `${c.describe} + (${e}.orValue(false) ? ' sets allowPrivilegeEscalation=true' : ' does not set allowPrivilegeEscalation=false')` };
    })),
};
