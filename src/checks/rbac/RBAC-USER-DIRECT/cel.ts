import type { CelForm } from '../../../k8s/cel.js';
import { roleLabelCel } from '../cel.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ kind }) =>
    `object.?subjects.orValue([]).map(s, s.kind == 'User' && !s.name.startsWith('system:'), ${roleLabelCel(kind)} + ' binds User "' + s.name + '" directly to ' + object.roleRef.kind + ' ' + object.roleRef.name)`,
};
