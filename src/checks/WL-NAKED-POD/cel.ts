import type { CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ annotations, name }) =>
    `object.metadata.?ownerReferences.orValue([]).size() == 0 && !('kubernetes.io/config.mirror' in ${annotations}) && !('helm.sh/hook' in ${annotations}) ? ['Pod "' + ${name} + '" has no controller: it is not recreated if its node fails or it is evicted'] : []`,
};
