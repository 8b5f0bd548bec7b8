import { effective, ownSets, perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => ({
      when: `${effective(pod, c, 'runAsNonRoot')}.orValue(false) && !${effective(pod, c, 'runAsUser')}.hasValue()`,
      message: `${c.describe} + ' has runAsNonRoot: true' + (${ownSets(c, 'runAsNonRoot')} ? '' : ' (from the pod)') + ' but no numeric runAsUser: only the image\\'s USER decides, and the kubelet refuses a named one ("cannot verify user is non-root")'`,
    }))),
};
