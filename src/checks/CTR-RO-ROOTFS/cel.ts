import { effective, perContainer, unlessWindows, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    unlessWindows(pod, perContainer(pod, (c) => ({
      when: `!${effective(pod, c, 'readOnlyRootFilesystem')}.orValue(false)`,
      message: `${c.describe} + ' has a writable root filesystem (readOnlyRootFilesystem is not true)' + (${c.v}.?volumeMounts.orValue([]).exists(m, !m.?readOnly.orValue(false)) ? '' : '; mount an emptyDir for the paths it writes (e.g. /tmp)')`,
    }))),
};
