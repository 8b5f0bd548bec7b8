import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { NSA_CISA, SECRETS_GOOD_PRACTICES } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { detectNamed, detectValue, nameSensitivity } from '../_lib/secrets.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SEC-ENV-LITERAL',
    title: 'Credential written literally in the pod spec',
    severity: 'high',
    category: 'secrets',
    attack: 'A password, token or key written into a manifest is readable by everyone with access to the repository, the CI logs, the rendered chart, and anyone allowed to get the workload (view/edit roles can read Deployments but not Secrets). It cannot be rotated without a commit and outlives the person who wrote it.',
    remediation: 'Move the value into a Secret (created by an external-secrets operator, Sealed Secrets or SOPS — not committed in clear) and mount it as a file; rotate the exposed credential, it must be considered leaked.',
    references: [SECRETS_GOOD_PRACTICES, NSA_CISA],
    peers: { kubeLinter: ['env-var-secret'], polaris: ['sensitiveContainerEnvVar'], kubescape: ['C-0012', 'C-0259'], checkov: ['CKV_SECRET_*'] },
  },
  cel: { form: 'unsupported', reason: "it recognises credentials by their entropy and by patterns with look-around, neither of which CEL's RE2 regular expressions can express" },
  *check(pod) {
    for (const c of pod.containers) {
      const env = asList(c.spec.env);
      for (let i = 0; i < env.length; i++) {
        const e = asMap(env[i]);
        const name = asString(e?.name);
        const value = e?.value;
        if (!e || name === undefined || (typeof value !== 'string' && typeof value !== 'number')) continue;
        const hit = detectNamed(name, String(value));
        if (!hit) continue;
        // The fix takes the literal out of the manifest: the variable reads a Secret key that
        // the user creates out of band (never generated: that would commit the value again).
        const secret = `${pod.owner.name}-secrets`;
        const fix = /^[-._a-zA-Z0-9]+$/.test(name)
          ? {
              description: `read env "${name}" from key "${name}" of Secret "${secret}" instead of a literal (create that Secret out of band and rotate the leaked value)`,
              ops: [{ op: 'set' as const, path: [...c.path, 'env', i], value: { name, valueFrom: { secretKeyRef: { name: secret, key: name } } }, overwrite: true }],
            }
          : undefined;
        yield containerFinding(c, `${describeContainer(c)}: env "${name}" holds a literal credential (${hit.reason}); the value is not shown`, [...c.path, 'env', i, 'value'], fix);
      }
      // Command-line flags: --db-password=…, or --token … (flag and value as two items).
      for (const field of ['command', 'args'] as const) {
        const list = asList(c.spec[field]);
        for (let i = 0; i < list.length; i++) {
          const arg = list[i];
          if (typeof arg !== 'string') continue;
          const flag = /^--?([A-Za-z][\w.-]*)(?:=(.*))?$/s.exec(arg);
          let hit;
          let at = i;
          if (flag && flag[2] !== undefined) hit = detectNamed(flag[1], flag[2]);
          else if (flag && nameSensitivity(flag[1]) && typeof list[i + 1] === 'string' && !(list[i + 1] as string).startsWith('-')) {
            hit = detectNamed(flag[1], list[i + 1] as string);
            at = i + 1;
          } else hit = detectValue(arg);
          if (hit) {
            yield containerFinding(c, `${describeContainer(c)}: ${field}[${at}] holds a literal credential (${hit.reason}); the value is not shown`, [...c.path, field, at]);
            if (at > i) i = at;
          }
        }
      }
    }
  },
};
