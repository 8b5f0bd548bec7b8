import { capList, effective, perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => {
      const drops = `${capList(c, 'drop')}.map(x, x.upperAscii())`;
      const adds = `${capList(c, 'add')}.map(x, x.upperAscii())`;
      const prefixed = `${capList(c, 'drop')}.filter(x, x.matches('^(?i)CAP_(NET_RAW|ALL)$'))`;
      // capabilities.ts holdsCap: drop NET_RAW, add NET_RAW, drop ALL, add ALL, in that order.
      const holds = `!${effective(pod, c, 'privileged')}.orValue(false) && !('NET_RAW' in ${drops}) && ('NET_RAW' in ${adds} || !('ALL' in ${drops}))`;
      return {
        when: holds,
        message: `${c.describe} + ('NET_RAW' in ${adds} ? ' adds NET_RAW back in capabilities.add' : 'ALL' in ${adds} ? ' adds ALL capabilities, NET_RAW included' : ${prefixed}.size() > 0 ? ' drops "' + ${prefixed}[0] + '", which drops nothing: runtimes add the CAP_ prefix themselves (write ' + ${prefixed}[0].substring(4).upperAscii() + ')' : ' does not drop NET_RAW (nor ALL), so it keeps the runtime\\'s default NET_RAW')`,
      };
    })),
};
