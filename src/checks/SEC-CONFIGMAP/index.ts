import type { ObjectCheck } from '../../engine/types.js';
import { asMap } from '../../k8s/json.js';
import { NSA_CISA, SECRETS_GOOD_PRACTICES } from '../_lib/references.js';
import { detectNamed, scanText, type SecretHit } from '../_lib/secrets.js';

function describe(h: SecretHit): string {
  return h.line !== undefined ? `line ${h.line}${h.name ? ` ("${h.name}")` : ''}: ${h.reason}` : h.reason;
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['ConfigMap'],
  meta: {
    id: 'SEC-CONFIGMAP',
    title: 'ConfigMap holds what looks like a credential',
    severity: 'high',
    category: 'secrets',
    attack: 'ConfigMaps are not treated as secret: they are readable with the view role, not encrypted at rest by default, shown by kubectl describe and copied into logs and support bundles. A password or key in one is exposed to everyone who can read the namespace.',
    remediation: 'Move the credential into a Secret (delivered by an external-secrets operator, Sealed Secrets or SOPS) and reference it from the config (most formats support ${VAR} or a file include); rotate the exposed credential.',
    references: [SECRETS_GOOD_PRACTICES, NSA_CISA],
    peers: { polaris: ['sensitiveConfigmapContent'], trivy: ['KSV109', 'KSV01010'], kubescape: ['C-0012'] },
  },
  cel: { form: 'unsupported', reason: "it recognises credentials by their entropy and by patterns with look-around, neither of which CEL's RE2 regular expressions can express" },
  *check(o) {
    const data = asMap(o.object.data);
    if (!data) return;
    for (const [key, raw] of Object.entries(data)) {
      if (typeof raw !== 'string' && typeof raw !== 'number') continue;
      const value = String(raw);
      let hits: SecretHit[];
      if (!value.includes('\n')) {
        const h = detectNamed(key, value);
        hits = h ? [h] : [];
      } else {
        hits = scanText(value);
      }
      if (hits.length === 0) continue;
      const shown = hits.slice(0, 3).map(describe).join('; ');
      yield {
        message: `ConfigMap key "${key}" looks like it holds a credential — ${shown}${hits.length > 3 ? `; and ${hits.length - 3} more` : ''} (values not shown)`,
        path: ['data', key],
      };
    }
  },
};
