import type { Severity } from '../../engine/types.js';
import { bind, capList, grantedCapCel, lit, perContainerList, type CelForm, type CelPart } from '../../k8s/cel.js';
import { DANGEROUS } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const table = constant('dangerous', `{${Object.entries(DANGEROUS).map(([cap, d]) => `${lit(cap)}: [${lit(d.severity)}, ${lit(d.why)}]`).join(', ')}}`);
    const severities = [...new Set(Object.values(DANGEROUS).map((d) => d.severity))] as Severity[];
    return severities.map((severity): CelPart => ({
      severity,
      messages: perContainerList(pod, (c) =>
        `${capList(c, 'add')}.map(a, ${grantedCapCel('a')} in ${table} && ${table}[${grantedCapCel('a')}][0] == ${lit(severity)}, ${bind(grantedCapCel('a'), 'g', `${c.describe} + ' adds ' + g + (a == g ? '' : ' (written "' + a + '"; runtimes read it as ' + g + ')') + ': ' + ${table}[g][1]`)})`),
    }));
  },
};
