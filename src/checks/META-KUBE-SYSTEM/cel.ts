import { inList, lit, when, type CelForm } from '../../k8s/cel.js';
import { SYSTEM_NAMESPACES } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, namespace, name }) => {
    const system = inList(namespace, SYSTEM_NAMESPACES);
    const priority = `${pod.spec}.?priorityClassName.orValue('')`;
    const critical = inList(priority, ['system-cluster-critical', 'system-node-critical']);
    const who = `${lit(`${pod.shape.kind} "`)} + ${name} + '"'`;
    return [
      { severity: 'low', messages: when(`${system} && ${critical}`, `${who} + ' runs in ' + ${namespace} + ' and declares itself ' + ${priority} + '; make sure it is a cluster add-on and not an application'`) },
      { messages: when(`${system} && !(${critical})`, `${who} + ' is deployed into ' + ${namespace} + ', which is reserved for cluster components and usually exempt from admission policies'`) },
    ];
  },
};
