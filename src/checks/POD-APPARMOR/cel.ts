import { concat, describedWhere, lit, ownSets, perContainer, podField, SCAN_ORDER, containerList, type CelForm } from '../../k8s/cel.js';
import { APPARMOR_ANNOTATION_PREFIX } from '../../pss/checks/appArmorProfile.js';

const ALLOWED = "['RuntimeDefault', 'Localhost']";

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const podProfile = podField(pod, 'appArmorProfile');
    const podBad = `${podProfile}.hasValue() && !(${podProfile}.value().type in ${ALLOWED})`;
    const inherited = describedWhere(pod, (c) => `!${ownSets(c, 'appArmorProfile')}`);
    const prefix = lit(APPARMOR_ANNOTATION_PREFIX);
    const names = `(${SCAN_ORDER.map((k) => `${containerList(pod, k)}.map(x, x.name)`).join(' + ')})`;
    const annotationBad = (v: string) => `!(${v} == '' || ${v} == 'runtime/default' || ${v}.startsWith('localhost/'))`;
    const target = `(k.substring(${APPARMOR_ANNOTATION_PREFIX.length}) in ${names} ? 'container "' + k.substring(${APPARMOR_ANNOTATION_PREFIX.length}) + '"' : '"' + k.substring(${APPARMOR_ANNOTATION_PREFIX.length}) + '" (no container of that name)')`;
    const annotations = `${pod.annotations}.filter(k, k.startsWith(${prefix}) && ${annotationBad(`${pod.annotations}[k]`)}).map(k, 'annotation ' + k + ': ' + ${pod.annotations}[k] + ' sets the AppArmor profile of ' + ${target} + ' to something other than runtime/default or localhost/<profile>')`;
    return [
      {
        messages: concat([
          perContainer(pod, (c) => ({ when: `${ownSets(c, 'appArmorProfile')} && !(${c.v}.securityContext.appArmorProfile.type in ${ALLOWED})`, message: `${c.describe} + ' sets appArmorProfile.type ' + ${c.v}.securityContext.appArmorProfile.type` })),
          `(${podBad} && (${inherited}).size() > 0) ? ['pod sets appArmorProfile.type ' + ${podProfile}.value().type + ', which applies to ' + (${inherited}).join(', ')] : []`,
          annotations,
        ]),
      },
      { severity: 'low', messages: `(${podBad} && (${inherited}).size() == 0) ? ['pod sets appArmorProfile.type ' + ${podProfile}.value().type + '; every container sets its own profile, but the baseline policy still rejects the pod and a container added later would inherit it'] : []` },
    ];
  },
};
