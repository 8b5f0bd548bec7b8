import type { Severity } from '../../engine/types.js';
import { capList, grantedCapCel, lit, perContainerList, SCAN_ORDER, type CelForm, type CelPart } from '../../k8s/cel.js';
import { DANGEROUS } from './index.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const bySeverity = new Map<Severity, string[]>();
    for (const [cap, d] of Object.entries(DANGEROUS)) bySeverity.set(d.severity, [...(bySeverity.get(d.severity) ?? []), cap]);
    const parts: CelPart[] = [];
    for (const [severity, caps] of bySeverity) {
      const why = (cap: string) => caps.reduceRight((els, k) => `(${cap} == ${lit(k)} ? ${lit(DANGEROUS[k].why)} : ${els})`, "''");
      parts.push({
        severity,
        messages: perContainerList(pod, (c) => {
          const g = grantedCapCel('a');
          return `${capList(c, 'add')}.map(a, ${g} in ${`[${caps.map(lit).join(', ')}]`}, ${c.describe} + ' adds ' + ${g} + (a == ${g} ? '' : ' (written "' + a + '"; runtimes read it as ' + ${g} + ')') + ': ' + ${why(g)})`;
        }, SCAN_ORDER),
      });
    }
    return parts;
  },
};
