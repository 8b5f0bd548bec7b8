import { concat, describedWhere, ownSets, perContainerList, podField, strList, type Cel, type CelForm } from '../../k8s/cel.js';
import { allowedSELinuxTypes, SELINUX_ENGINE_TYPE_MINOR } from '../../pss/checks/seLinuxOptions.js';
import { formatMinor, targetMinor } from '../_lib/k8s-version.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';

type Settings = { readonly k8sVersion: PssVersionSpec | undefined; readonly pss: PssPolicy | undefined };

export const cel: CelForm<Settings> = {
  form: 'pod',
  findings: ({ pod, settings }) => {
    const minor = targetMinor(settings);
    const types = strList(allowedSELinuxTypes(minor));
    const note = minor < SELINUX_ENGINE_TYPE_MINOR ? ` (allowed: container_t, container_init_t, container_kvm_t; container_engine_t from v1.31, target ${formatMinor(minor)})` : '';
    /** The problems of one seLinuxOptions, in words, as a list (seLinuxViolations order: type, user, role). */
    const problems = (o: Cel, prefix: Cel, suffix: Cel): Cel =>
      concat([
        `!(${o}.?type.orValue('') in ${types}) ? [${prefix} + 'type "' + ${o}.?type.orValue('') + '" is not one of the container types${note}' + ${suffix}] : []`,
        `${o}.?user.orValue('') != '' ? [${prefix} + 'user "' + ${o}.user + '" is set' + ${suffix}] : []`,
        `${o}.?role.orValue('') != '' ? [${prefix} + 'role "' + ${o}.role + '" is set' + ${suffix}] : []`,
      ]);
    const breaks = (o: Cel) => `(!(${o}.?type.orValue('') in ${types}) || ${o}.?user.orValue('') != '' || ${o}.?role.orValue('') != '')`;
    const podOpts = podField(pod, 'seLinuxOptions');
    const inherited = describedWhere(pod, (c) => `!${ownSets(c, 'seLinuxOptions')}`);
    const podBad = `${podOpts}.hasValue() && ${breaks(`${podOpts}.value()`)}`;
    return [
      {
        messages: concat([
          perContainerList(pod, (c) => `${ownSets(c, 'seLinuxOptions')} ? (${problems(`${c.v}.securityContext.seLinuxOptions`, `${c.describe} + ' seLinuxOptions: '`, "''")}) : []`),
          `(${podBad} && (${inherited}).size() > 0) ? (${problems(`${podOpts}.value()`, "'pod seLinuxOptions: '", `', which applies to ' + (${inherited}).join(', ')`)}) : []`,
        ]),
      },
      { severity: 'low', messages: `(${podBad} && (${inherited}).size() == 0) ? (${problems(`${podOpts}.value()`, "'pod seLinuxOptions: '", "'; every container sets its own options, but the baseline policy still rejects the pod and a container added later would inherit it'")}) : []` },
    ];
  },
};
