import { perContainerList, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const hostNetwork = `${pod.spec}.?hostNetwork.orValue(false)`;
    const own = (describe: string) => `${describe} + ' binds hostPort ' + string(q.hostPort) + (q.?containerPort.hasValue() ? ' (to containerPort ' + string(q.containerPort) + ')' : '') + ' on the node'`;
    return [
      { messages: perContainerList(pod, (c) => `${c.v}.?ports.orValue([]).map(q, q.?hostPort.orValue(0) != 0, ${own(c.describe)})`) },
      {
        // With hostNetwork the API server defaults hostPort to containerPort (not for ephemeral containers).
        severity: 'low',
        messages: perContainerList(pod, (c) => (c.kind === 'ephemeralContainers' ? undefined : `(${hostNetwork}) ? ${c.v}.?ports.orValue([]).map(q, q.?hostPort.orValue(0) == 0 && q.?containerPort.orValue(0) != 0, ${c.describe} + ' port ' + string(q.containerPort) + ' is a host port: with hostNetwork: true the API server sets hostPort to containerPort') : []`)),
      },
    ];
  },
};
