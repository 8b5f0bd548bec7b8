import type { CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ kind, name, namespace }) => {
    if (kind === 'ServiceAccount') {
      return `${name} == 'default' && object.?automountServiceAccountToken.orValue(true) ? ['the "default" ServiceAccount of namespace "' + ${namespace} + '" ' + (object.?automountServiceAccountToken.hasValue() ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false') + ': every pod that names no ServiceAccount gets its token'] : []`;
    }
    const ns = kind === 'RoleBinding' ? `s.?namespace.orValue('') != '' ? s.namespace : ${namespace}` : "s.?namespace.orValue('')";
    return `object.?subjects.orValue([]).map(s, s.kind == 'ServiceAccount' && s.name == 'default', ${JSON.stringify(kind).replace(/"/g, "'")} + ' "' + ${name} + '" grants ' + object.roleRef.kind + ' "' + object.roleRef.name + '" to the "default" ServiceAccount' + ((${ns}) != '' ? ' of namespace "' + (${ns}) + '"' : '') + ': every pod there that names no ServiceAccount holds it')`;
  },
};
