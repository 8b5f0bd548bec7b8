import { flatten, perContainerList, perHostPathVolume, VOL, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    flatten(perHostPathVolume(pod, perContainerList(pod, (c) => `${c.v}.?volumeMounts.orValue([]).map(m, m.name == ${VOL}.name && !m.?readOnly.orValue(false), ${c.describe} + ' mounts hostPath ' + (${VOL}.hostPath.path != '' ? ${VOL}.hostPath.path : '(no path)') + ' (volume "' + ${VOL}.name + '") writable at ' + (m.mountPath != '' ? m.mountPath : '(no mountPath)'))`))),
};
