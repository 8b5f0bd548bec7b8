import { mountSummary, perHostPathVolume, VOL, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perHostPathVolume(pod, `'volume "' + ${VOL}.name + '" is hostPath ' + (${VOL}.hostPath.path != '' ? ${VOL}.hostPath.path : '(no path)') + (${VOL}.hostPath.?type.orValue('') != '' ? ' (type ' + ${VOL}.hostPath.type + ')' : '') + ', ' + ${mountSummary(pod)}`),
};
