import type { CelForm } from '../../../k8s/cel.js';
import { effectiveRulesCel, roleLabelCel } from '../cel.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ kind }) => {
    const rules = effectiveRulesCel(kind);
    const all = "('*' in r.?verbs.orValue([]) && '*' in r.?resources.orValue([]) && '*' in r.?apiGroups.orValue([]))";
    const head = `${roleLabelCel(kind)} + ' rule ' + string(${rules}.indexOf(r))`;
    const what: Record<string, string> = {
      verbs: "' has \"*\" in verbs: every verb (escalate, bind, impersonate, delete…) on ' + (r.?resources.orValue([]).size() > 0 ? r.resources.join(', ') : r.?nonResourceURLs.orValue([]).join(', '))",
      resources: "' has \"*\" in resources: every resource and subresource (secrets, pods/exec…) of ' + r.?apiGroups.orValue([]).map(g, g == '' ? 'core' : g).join(', ')",
      apiGroups: "' has \"*\" in apiGroups: ' + r.?resources.orValue([]).join(', ') + ' in every API group, including groups added later'",
    };
    // One finding per "*" entry (rules with the same content read as the first one's index).
    const per = (field: string, cond: string, message: string) => `${rules}.map(r, ${cond} ? r.?${field}.orValue([]).filter(x, x == '*').map(x, ${message}) : []).map(l, l.join('\\x1e')).filter(s, s != '').join('\\x1e').split('\\x1e').filter(s, s != '')`;
    const everything = `${head} + ' grants every verb on every resource of every API group: cluster-admin in its scope'`;
    return [
      { severity: 'critical', messages: ['verbs', 'resources', 'apiGroups'].map((f) => `(${per(f, all, everything)})`).join(' + ') },
      { messages: ['verbs', 'resources'].map((f) => `(${per(f, `!${all}`, `${head} + ${what[f]}`)})`).join(' + ') },
      { severity: 'low', messages: per('apiGroups', `!${all}`, `${head} + ${what.apiGroups}`) },
    ];
  },
};
