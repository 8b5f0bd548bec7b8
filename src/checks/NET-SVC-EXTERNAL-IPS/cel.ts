import type { CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ name }) =>
    "object.spec.?externalIPs.orValue([]).size() == 0 ? [] : [" + `'Service "' + ${name} + '" sets ' + string(object.spec.externalIPs.size()) + ' externalIP(s) (' + object.spec.externalIPs.filter(ip, object.spec.externalIPs.indexOf(ip) < 3).join(', ') + '): kube-proxy intercepts traffic to them on every node (CVE-2020-8554)'` + ']',
};
