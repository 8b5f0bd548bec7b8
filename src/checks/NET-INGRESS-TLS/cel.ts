import { strList, type CelForm } from '../../k8s/cel.js';
import { OUT_OF_BAND_TLS } from './constants.js';

export const cel: CelForm = {
  form: 'object',
  findings: ({ annotations, name }) => {
    const tls = 'object.spec.?tls.orValue([])';
    const hosts = `${tls}.map(t, t.?hosts.orValue([]))`;
    // tlsHostCovers: exact, or "*.example.com" for exactly one label to the left.
    const covers = "(t.lowerAscii() == h.lowerAscii() || (t.startsWith('*.') && h.lowerAscii().endsWith(t.lowerAscii().substring(1)) && h.size() > t.size() - 1 && !h.substring(0, h.size() - t.size() + 1).contains('.') && h.substring(0, h.size() - t.size() + 1) != '*'))";
    const all = `${tls}.map(x, x.?hosts.orValue([]).join('\\x1f')).join('\\x1f').split('\\x1f').filter(t, t != '')`;
    return `${tls}.size() == 0 ? (${strList(OUT_OF_BAND_TLS)}.exists(k, k in ${annotations}) ? [] : ['Ingress "' + ${name} + '" has no spec.tls: its hosts are served over plain HTTP']) : ${hosts}.exists(l, l.size() == 0) ? [] : object.spec.?rules.orValue([]).map(r, r.?host.orValue('') != '' && !${all}.exists(t, [r.host].exists(h, ${covers})), 'Ingress "' + ${name} + '" rule host "' + r.host + '" is not covered by any spec.tls hosts entry: it is served without TLS')`;
  },
};
