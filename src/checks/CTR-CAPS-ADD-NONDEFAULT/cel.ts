import { capList, perContainerList, strList, type CelForm } from '../../k8s/cel.js';
import { BASELINE_CAPABILITIES } from '../../pss/checks/capabilities.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const baseline = strList(BASELINE_CAPABILITIES);
    const upper = "(a.upperAscii().startsWith('CAP_') ? a.upperAscii().substring(4) : a.upperAscii())";
    return perContainerList(pod, (c) => `${capList(c, 'add')}.map(a, !(a in ${baseline}), ${c.describe} + ' adds capability "' + a + '", which is not in the baseline set' + (${upper} in ${baseline} ? ' (Pod Security Admission compares names exactly: write "' + ${upper} + '")' : ''))`);
  },
};
