import { capList, concat, perContainer, perContainerList, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, concat([
      perContainer(pod, (c) => {
        const drop = capList(c, 'drop');
        const near = `${drop}.filter(x, x.matches('^(?i)(CAP_)?ALL$'))`;
        return { when: `!('ALL' in ${drop})`, message: `${c.describe} + (${near}.size() > 0 ? ' drops "' + ${near}[0] + '", which is not "ALL": Pod Security Admission compares names exactly' : ' does not drop ALL capabilities')` };
      }),
      perContainerList(pod, (c) => `${capList(c, 'add')}.map(a, a != 'NET_BIND_SERVICE', ${c.describe} + ' adds "' + a + '": the restricted policy allows adding only NET_BIND_SERVICE')`),
    ])),
};
