import { when, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const aliases = `${pod.spec}.?hostAliases.orValue([])`;
    const entry = `(a.?hostnames.orValue([]).size() > 0 ? a.hostnames.join(', ') : '(no hostnames)') + ' → ' + a.?ip.orValue('?')`;
    // The first three entries (by position; equal entries count once), then how many more.
    const shown = `${aliases}.filter(a, ${aliases}.indexOf(a) < 3).map(a, ${entry}).join('; ')`;
    return when(`${aliases}.size() > 0`, `'pod overrides /etc/hosts with hostAliases (' + ${shown} + (${aliases}.size() > 3 ? '; and ' + string(${aliases}.size() - 3) + ' more' : '') + ')'`);
  },
};
