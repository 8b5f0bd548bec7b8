import type { ObjectCheck } from '../../engine/types.js';
import { CVE_2021_25742, INGRESS_NGINX_RETIREMENT } from '../_lib/references.js';
import { cel } from './cel.js';
import { CRITICAL } from './constants.js';

/** `<prefix>/<name>-snippet(s)` where the prefix names an NGINX controller. */
export const SNIPPET = /^([^/]*nginx[^/]*)\/([a-z-]*snippets?)$/i;

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Ingress'],
  meta: {
    id: 'NET-NGINX-SNIPPET',
    title: 'Ingress injects raw NGINX configuration through snippet annotations',
    severity: 'high',
    category: 'network',
    attack: 'Snippet annotations are copied verbatim into the controller\'s nginx.conf. Anyone who can create an Ingress can then read files of the controller pod, including its ServiceAccount token that can read every Secret in the cluster, or run Lua code in it (CVE-2021-25742 and the 2025 IngressNightmare family).',
    remediation: 'Remove the snippet annotations and use dedicated annotations or a ConfigMap owned by the platform team; keep allow-snippet-annotations: "false" (the default since ingress-nginx 1.9) and set annotations-risk-level to restrict what remains.',
    references: [CVE_2021_25742, INGRESS_NGINX_RETIREMENT],
    peers: { checkov: ['CKV_K8S_152', 'CKV_K8S_153', 'CKV_K8S_154'], kubescape: ['C-0059'] },
  },
  cel,
  *check(o) {
    for (const key of Object.keys(o.annotations)) {
      const m = SNIPPET.exec(key);
      if (!m) continue;
      const critical = CRITICAL.has(m[2].toLowerCase());
      yield {
        message: `annotation "${key}" injects raw NGINX configuration${critical ? ' at server/location level, where it can read the controller\'s files and Secrets (CVE-2021-25742)' : ''}`,
        path: ['metadata', 'annotations', key],
        severity: critical ? 'critical' : 'high',
      };
    }
  },
};
