import { capList, perContainerList, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const hostNetwork = `${pod.spec}.?hostNetwork.orValue(false)`;
    // net.ipv4.ip_unprivileged_port_start, when an integer (per network namespace: not on the host network); -1 when none.
    const found = `${pod.spec}.?securityContext.?sysctls.orValue([]).filter(s, s.name == 'net.ipv4.ip_unprivileged_port_start' && s.value.trim().matches('^[0-9]{0,9}$')).map(s, s.value.trim() == '' ? 0 : int(s.value.trim()))`;
    const start = constant('start', `(${hostNetwork}) ? -1 : (${found}.size() > 0 ? ${found}[0] : -1)`);
    return perContainerList(pod, (c) => `${c.v}.?ports.orValue([]).map(q, q.containerPort >= 1 && q.containerPort < 1024 && !(${start} != -1 && q.containerPort >= ${start}), ${c.describe} + ' listens on privileged port ' + string(q.containerPort) + ((${hostNetwork}) ? ' of the node (hostNetwork)' : '') + ': binding it needs root or NET_BIND_SERVICE' + (${capList(c, 'add')}.exists(a, a.upperAscii() == 'NET_BIND_SERVICE') ? ' (it adds NET_BIND_SERVICE for that)' : ''))`);
  },
};
