import { perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => {
      const drop = `${c.v}.?securityContext.?capabilities.?drop.orValue([])`;
      return {
        when: `!('ALL' in ${drop})`,
        message: `${c.describe} + (${drop}.exists(d, d.upperAscii() == 'ALL') ? ' drops "' + ${drop}.filter(d, d.upperAscii() == 'ALL')[0] + '", which is not "ALL": capability names are case-sensitive' : ' does not drop ALL capabilities')`,
      };
    })),
};
