import { concat, lit, perContainer, podField, type Cel, type CelForm } from '../../k8s/cel.js';
import { SECCOMP_CONTAINER_ANNOTATION_PREFIX, SECCOMP_POD_ANNOTATION } from '../../pss/checks/seccompProfile.js';

const FIELD = 'seccompProfile.type is Unconfined';
const ANNOTATION = 'the deprecated annotation (copied into the unset field by the API server) sets seccomp to unconfined';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    // A setting: the field when present, else the deprecated annotation.
    const podProfile = podField(pod, 'seccompProfile');
    const podKey = lit(SECCOMP_POD_ANNOTATION);
    const podSet = `(${podProfile}.hasValue() || ${podKey} in ${pod.annotations})`;
    const podUnconfined = `(${podProfile}.hasValue() ? ${podProfile}.value().type == 'Unconfined' : ${pod.annotations}[?${podKey}].orValue('') == 'unconfined')`;
    const podWhy = `(${podProfile}.hasValue() ? ${lit(FIELD)} : ${lit(ANNOTATION)})`;
    const key = (c: { v: string }): Cel => `${lit(SECCOMP_CONTAINER_ANNOTATION_PREFIX)} + ${c.v}.name`;
    const ownSet = (c: { v: string }) => `(${c.v}.?securityContext.?seccompProfile.hasValue() || ${key(c)} in ${pod.annotations})`;
    const ownUnconfined = (c: { v: string }) => `(${c.v}.?securityContext.?seccompProfile.hasValue() ? ${c.v}.securityContext.seccompProfile.type == 'Unconfined' : ${pod.annotations}[?${key(c)}].orValue('') == 'unconfined')`;
    const inherited = perContainer(pod, (c) => ({ when: `!${ownSet(c)}`, message: c.describe }));
    const own = perContainer(pod, (c) => ({ when: `${ownSet(c)} && ${ownUnconfined(c)}`, message: `${c.describe} + ': ' + (${c.v}.?securityContext.?seccompProfile.hasValue() ? ${lit(FIELD)} : ${lit(ANNOTATION)})` }));
    const podBad = `${podSet} && ${podUnconfined}`;
    return [
      { messages: concat([`(${podBad} && (${inherited}).size() > 0) ? ['pod-level ' + ${podWhy} + ', which applies to ' + (${inherited}).join(', ')] : []`, own]) },
      { severity: 'low', messages: `(${podBad} && (${inherited}).size() == 0) ? ['pod-level ' + ${podWhy} + '; every container sets its own profile, but the baseline policy still rejects the pod and a container added later (e.g. by kubectl debug) would run unconfined'] : []` },
    ];
  },
};
