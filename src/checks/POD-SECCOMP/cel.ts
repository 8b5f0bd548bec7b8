import { containerCount, perContainer, podField, unlessWindows, type CelForm } from '../../k8s/cel.js';

const ALLOWED = "['RuntimeDefault', 'Localhost']";

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const podType = `${podField(pod, 'seccompProfile')}.?type`;
    const own = perContainer(pod, (c) => ({
      when: `${c.v}.?securityContext.?seccompProfile.hasValue() && !(${c.v}.securityContext.seccompProfile.type in ${ALLOWED})`,
      message: `${c.describe} + ' sets seccompProfile.type=' + ${c.v}.securityContext.seccompProfile.type`,
    }));
    // Containers that set no profile and inherit none the control allows.
    const uncovered = perContainer(pod, (c) => ({ when: `!${c.v}.?securityContext.?seccompProfile.hasValue() && !(${podType}.orValue('') in ${ALLOWED})`, message: `'"' + ${c.v}.name + '"'` }));
    const podMessage = `(${uncovered}).size() == 0 ? [] : [${podType}.hasValue() ? 'pod sets seccompProfile.type=' + ${podType}.value() + ', which applies to container(s) ' + (${uncovered}).join(', ') : 'no seccompProfile on the pod or on ' + ((${uncovered}).size() == ${containerCount(pod)} ? 'its containers' : 'container(s) ' + (${uncovered}).join(', '))]`;
    return unlessWindows(pod, `(${own}) + (${podMessage})`);
  },
};
