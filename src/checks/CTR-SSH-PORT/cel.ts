import { perContainerList, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) => {
      const what = `(q.?containerPort.orValue(0) == 22 ? 'port 22/TCP' : q.?hostPort.orValue(0) == 22 ? 'node port 22/TCP (hostPort)' : 'a port named "' + q.name + '" (' + (q.?containerPort.hasValue() ? string(q.containerPort) : '?') + '/TCP)')`;
      return `${c.v}.?ports.orValue([]).map(q, q.?protocol.orValue('TCP').upperAscii() == 'TCP' && (q.?containerPort.orValue(0) == 22 || q.?hostPort.orValue(0) == 22 || q.?name.orValue('').lowerAscii() == 'ssh'), ${c.describe} + ' exposes ' + ${what} + ', the SSH port')`;
    }),
};
