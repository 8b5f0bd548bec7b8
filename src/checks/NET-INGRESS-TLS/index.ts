import type { ObjectCheck } from '../../engine/types.js';
import { asList, asMap, asString, asStringList } from '../../k8s/json.js';
import { INGRESS_TLS, NSA_CISA } from '../_lib/references.js';
import { cel } from './cel.js';
import { OUT_OF_BAND_TLS } from './constants.js';

/** RFC 6125 style: "*.example.com" covers exactly one label to the left. */
export function tlsHostCovers(tlsHost: string, host: string): boolean {
  const t = tlsHost.toLowerCase();
  const h = host.toLowerCase();
  if (t === h) return true;
  if (!t.startsWith('*.')) return false;
  const suffix = t.slice(1); // ".example.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.') && label !== '*';
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Ingress'],
  meta: {
    id: 'NET-INGRESS-TLS',
    title: 'Ingress serves hosts without TLS',
    severity: 'medium',
    category: 'network',
    attack: 'Without TLS, credentials, session cookies and data cross the network in clear text and can be read or altered by anyone on the path (shared Wi-Fi, a compromised hop, the cloud network).',
    remediation: 'Add spec.tls entries whose hosts cover every rule host (cert-manager can issue the certificates), and redirect HTTP to HTTPS.',
    references: [INGRESS_TLS, NSA_CISA],
    peers: { polaris: ['tlsSettingsMissing'], kubescape: ['C-0263'] },
  },
  cel,
  *check(o) {
    const spec = asMap(o.object.spec);
    if (!spec) return;
    const tls = asList(spec.tls).map(asMap).filter((t): t is Record<string, unknown> => t !== undefined);
    if (tls.length === 0) {
      if (OUT_OF_BAND_TLS.some((k) => o.annotations[k] !== undefined)) return; // terminated by the cloud load balancer
      yield { message: `Ingress "${o.name}" has no spec.tls: its hosts are served over plain HTTP`, path: ['spec'] };
      return;
    }
    // A TLS entry without hosts uses the controller's default certificate for every host.
    if (tls.some((t) => asStringList(t.hosts).length === 0)) return;
    const tlsHosts = tls.flatMap((t) => asStringList(t.hosts));
    const rules = asList(spec.rules);
    for (let i = 0; i < rules.length; i++) {
      const host = asString(asMap(rules[i])?.host);
      if (!host) continue;
      if (tlsHosts.some((t) => tlsHostCovers(t, host))) continue;
      yield { message: `Ingress "${o.name}" rule host "${host}" is not covered by any spec.tls hosts entry: it is served without TLS`, path: ['spec', 'rules', i, 'host'] };
    }
  },
};
