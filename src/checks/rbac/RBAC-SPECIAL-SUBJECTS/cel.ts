import type { Severity } from '../../../engine/types.js';
import { lit, strList, type CelForm, type CelPart } from '../../../k8s/cel.js';
import { roleLabelCel } from '../cel.js';
import { DEFAULTS, SPECIAL } from './constants.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ kind }) => {
    const bootstrap = kind === 'ClusterRoleBinding' ? `(object.roleRef.kind == 'ClusterRole' && object.metadata.name == object.roleRef.name && (object.roleRef.name + '/' + s.name) in ${strList(DEFAULTS)})` : 'false';
    const bySeverity = new Map<Severity, typeof SPECIAL>();
    for (const sp of SPECIAL) bySeverity.set(sp.severity, [...(bySeverity.get(sp.severity) ?? []), sp]);
    return [...bySeverity].map(([severity, specials]): CelPart => ({
      severity,
      messages: specials.map((sp) => `object.?subjects.orValue([]).map(s, s.kind == ${lit(sp.kind)} && s.name == ${lit(sp.name)} && !${bootstrap}, ${roleLabelCel(kind)} + ' grants ' + object.roleRef.kind + ' ' + object.roleRef.name + ' to ' + s.kind + ' ' + s.name + ${lit(`: ${sp.who}`)})`).join(' + '),
    }));
  },
};
