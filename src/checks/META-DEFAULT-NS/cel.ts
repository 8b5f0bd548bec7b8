import { lit, when, type CelForm } from '../../k8s/cel.js';

/** At admission every namespaced object has its namespace (the request's), so only "default" is left to report. */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, namespace, name }) => when(`${namespace} == 'default'`, `${lit(`${pod.shape.kind} "`)} + ${name} + '" is placed in the default namespace'`),
};
