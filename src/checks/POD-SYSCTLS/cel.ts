import { lit, strList, type CelForm } from '../../k8s/cel.js';
import { allowedSysctls } from '../../pss/checks/sysctls.js';
import { LATEST_MINOR } from '../../pss/version.js';
import { formatMinor, targetMinor } from '../_lib/k8s-version.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';

type Settings = { readonly k8sVersion: PssVersionSpec | undefined; readonly pss: PssPolicy | undefined };

export const cel: CelForm<Settings> = {
  form: 'pod',
  findings: ({ pod, settings }) => {
    const minor = targetMinor(settings);
    const allowed = strList(allowedSysctls(minor));
    // The names safe in a later version than the target, with that version (safeSince).
    const later = [...allowedSysctls(LATEST_MINOR)].filter((n) => !allowedSysctls(minor).has(n));
    const since = (n: string) => {
      for (let m = 0; m <= LATEST_MINOR; m++) if (allowedSysctls(m).has(n)) return m;
      return LATEST_MINOR;
    };
    const laterMap = later.length ? `{${later.map((n) => `${lit(n)}: ${lit(formatMinor(since(n)))}`).join(', ')}}` : '{}';
    const dotted = "s.name.replace('.', '\\x00').replace('/', '.').replace('\\x00', '/')";
    const why = `(s.name in ${laterMap} ? ${lit(`is not in the Pod Security Standards safe set for ${formatMinor(minor)} (it is safe from `)} + ${laterMap}[s.name] + ': set k8sVersion if every target cluster runs that or newer)' : s.name.contains('/') && ${dotted} in ${allowed} ? 'is written with "/" separators: Pod Security Admission compares names literally, so write "' + ${dotted} + '"' : ${lit(`is not in the Pod Security Standards safe set for ${formatMinor(minor)}`)})`;
    return `${pod.spec}.?securityContext.?sysctls.orValue([]).map(s, !(s.name in ${allowed}), 'sysctl "' + s.name + '" ' + ${why})`;
  },
};
