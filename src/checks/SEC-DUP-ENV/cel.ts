import { bind, perContainerList, type CelForm } from '../../k8s/cel.js';

/**
 * CEL has no position in a comprehension: every entry of a name defined more than once gives one
 * message naming the first and the last position, so a name defined k times gives k messages
 * where the scan gives k-1 (the verdict and the check are the same). Names are bound once per
 * container: a pod of 20 containers with 50 env vars each stays far inside the cost limit.
 */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) =>
      bind(`${c.v}.?env.orValue([]).map(x, x.name)`, 'ns', `ns.filter(n, ns.indexOf(n) != ns.lastIndexOf(n)).map(n, ${c.describe} + ': env "' + n + '" is defined again at env[' + string(ns.lastIndexOf(n)) + '] (first at env[' + string(ns.indexOf(n)) + ']); the last definition wins')`)),
};
