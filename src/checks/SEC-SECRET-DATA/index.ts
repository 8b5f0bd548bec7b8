import type { ObjectCheck } from '../../engine/types.js';
import { asMap, isMap } from '../../k8s/json.js';
import { ENCRYPT_SECRETS, SECRETS_GOOD_PRACTICES } from '../_lib/references.js';
import { isPlaceholder, scanText } from '../_lib/secrets.js';

function decode(v: string): string {
  try {
    return Buffer.from(v, 'base64').toString('utf8');
  } catch {
    return v;
  }
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Secret'],
  meta: {
    id: 'SEC-SECRET-DATA',
    title: 'Secret values committed in the manifest',
    severity: 'medium',
    category: 'secrets',
    attack: 'A Secret manifest with data is the credential itself: base64 is an encoding, not encryption. Whoever can read the repository, its history, forks, CI artefacts or the rendered chart has the values, and they stay in git history after the file is changed.',
    remediation: 'Do not commit Secret values. Deliver them with an external secrets operator (External Secrets, Secrets Store CSI driver), commit SealedSecrets or SOPS-encrypted files instead, or let the chart generate them at install time; rotate values that were committed.',
    references: [SECRETS_GOOD_PRACTICES, ENCRYPT_SECRETS],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'it is about Secrets committed to a repository: at admission every Secret carries its values, so it would deny them all' },
  *check(o) {
    // SOPS-encrypted manifests carry a top-level `sops` block and ENC[...] values.
    if (isMap(o.object.sops)) return;
    for (const field of ['data', 'stringData'] as const) {
      const m = asMap(o.object[field]);
      if (!m) continue;
      const keys: string[] = [];
      let placeholders = 0;
      let configOnly = 0;
      for (const [k, v] of Object.entries(m)) {
        if (typeof v !== 'string' && typeof v !== 'number') continue;
        const s = String(v);
        if (s.startsWith('ENC[')) continue;
        const plain = field === 'data' ? decode(s) : s;
        if (plain.trim() === '') continue;
        keys.push(k);
        if (isPlaceholder(plain)) placeholders++;
        // A whole configuration file in which no credential is recognisable (alertmanager.yaml…).
        else if (plain.includes('\n') && scanText(plain, 1).length === 0) configOnly++;
      }
      if (keys.length === 0) continue;
      const list = keys.slice(0, 5).map((k) => `"${k}"`).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');
      const how = field === 'data' ? 'base64-encoded (not encrypted)' : 'in plain text';
      if (placeholders + configOnly === keys.length && configOnly > 0) {
        yield { message: `Secret "${o.name}" commits ${field} ${list} ${how}; no credential is recognisable in ${keys.length === 1 ? 'this configuration file' : 'these configuration files'}, but it is kept in a Secret because it may hold one — keep real credentials out of the repository`, path: [field], severity: 'low' };
      } else if (placeholders === keys.length) {
        yield { message: `Secret "${o.name}" commits ${field} ${list} ${how}; the values look like placeholders — make sure real values are never committed here`, path: [field], severity: 'low' };
      } else {
        yield { message: `Secret "${o.name}" commits ${keys.length} value(s) ${how} in ${field}: ${list}; anyone with access to the repository can read them`, path: [field] };
      }
    }
  },
};
