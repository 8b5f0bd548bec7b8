import { any, perContainer, type Cel, type CelForm } from '../../k8s/cel.js';

const CONTAINER_FIELDS = ['capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile'];
const POD_FIELDS = ['seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups', 'supplementalGroupsPolicy', 'fsGroup', 'sysctls', 'fsGroupChangePolicy', 'seccompProfile', 'appArmorProfile', 'seLinuxChangePolicy'];

/** A securityContext with at least one field set (an empty one changes nothing). */
function nonEmpty(sc: Cel, fields: readonly string[]): Cel {
  return any(fields.map((f) => `${sc}.?${f}.hasValue()`));
}

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    `(${nonEmpty(`${pod.spec}.?securityContext`, POD_FIELDS)}) ? [] : (${perContainer(pod, (c) => ({ when: `!(${nonEmpty(`${c.v}.?securityContext`, CONTAINER_FIELDS)})`, message: `${c.describe} + ' has no securityContext, and neither has its pod: every insecure default applies'` }))})`,
};
