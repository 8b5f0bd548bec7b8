import { concat, perContainerList, type CelForm } from '../../k8s/cel.js';
import { HOST_ACTIONS } from '../../pss/checks/hostProbesAndHostLifecycle.js';
import { HANDLER_PATHS } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) =>
      concat(HANDLER_PATHS.flatMap((base) => HOST_ACTIONS.map((action) => {
        const host = `${c.v}.${base.map((b) => `?${b}`).join('.')}.?${action}.?host.orValue('')`;
        return `${host} != '' ? [${c.describe} + ' ${base.join('.')}.${action}.host is "' + ${host} + '": the kubelet connects to it from the node, not to the pod'] : []`;
      })))),
};
