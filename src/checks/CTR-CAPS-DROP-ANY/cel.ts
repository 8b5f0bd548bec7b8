import { capList, effective, perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => {
      const drop = capList(c, 'drop');
      return {
        when: `!${effective(pod, c, 'privileged')}.orValue(false) && !${drop}.exists(d, d != '' && !d.matches('^(?i)CAP_'))`,
        message: `${c.describe} + (${drop}.size() > 0 ? ' drops only ' + ${drop}.map(d, '"' + d + '"').join(', ') + ', which drops nothing: runtimes add the CAP_ prefix themselves' : ' does not drop any capability')`,
      };
    })),
};
