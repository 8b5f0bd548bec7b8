import { perContainer, type CelForm } from '../../k8s/cel.js';
import { USER_NAMESPACE_RELAXATION_MINOR } from '../../pss/checks/procMount.js';
import { formatMinor, targetMinor } from '../_lib/k8s-version.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';

type Settings = { readonly k8sVersion: PssVersionSpec | undefined; readonly pss: PssPolicy | undefined };

export const cel: CelForm<Settings> = {
  form: 'pod',
  findings: ({ pod, settings }) => {
    const minor = targetMinor(settings);
    const userNs = `!${pod.spec}.?hostUsers.orValue(true)`;
    const pm = (c: { v: string }) => `${c.v}.?securityContext.?procMount`;
    const bad = (c: { v: string }) => `${pm(c)}.hasValue() && ${pm(c)}.value() != 'Default'`;
    const pss = minor >= USER_NAMESPACE_RELAXATION_MINOR ? 'baseline allows it with hostUsers: false, restricted does not' : `baseline allows it with hostUsers: false only from v1.35 (target ${formatMinor(minor)})`;
    return [
      { severity: 'low', messages: perContainer(pod, (c) => ({ when: `${userNs} && ${bad(c)}`, message: `${c.describe} + ' sets procMount: ' + ${pm(c)}.value() + ' inside a user namespace (${pss})'` })) },
      { messages: perContainer(pod, (c) => ({ when: `!(${userNs}) && ${bad(c)}`, message: `${c.describe} + ' sets procMount: ' + ${pm(c)}.value() + ': the host kernel\\'s /proc paths are no longer masked'` })) },
    ];
  },
};
