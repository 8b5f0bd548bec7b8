import { containerCount, when, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    when(`${pod.spec}.?shareProcessNamespace.orValue(false)`, `'shareProcessNamespace: true lets the pod\\'s ' + (${containerCount(pod)} > 1 ? string(${containerCount(pod)}) + ' containers' : 'containers') + ' see and signal each other\\'s processes and read their /proc/<pid>/root and environment'`),
};
