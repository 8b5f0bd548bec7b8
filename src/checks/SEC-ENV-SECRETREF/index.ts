import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { SECRETS_GOOD_PRACTICES } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SEC-ENV-SECRETREF',
    title: 'Secret exposed to a container as an environment variable',
    severity: 'low',
    category: 'secrets',
    attack: 'Environment variables leak more easily than files: they are inherited by every child process, readable in /proc/<pid>/environ by anything running as the same user, printed by crash handlers, debug endpoints and "print the config" logging, and they cannot be rotated without a restart.',
    remediation: 'Mount the Secret as a read-only volume (or a projected volume) and have the application read the file; rotate it by updating the Secret.',
    references: [SECRETS_GOOD_PRACTICES],
    peers: { checkov: ['CKV_K8S_35'], kubeLinter: ['read-secret-from-env-var'], kubesec: ['SecretsAsEnvironmentVariables'], kubescape: ['C-0207'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const env = asList(c.spec.env);
      for (let i = 0; i < env.length; i++) {
        const e = asMap(env[i]);
        const ref = asMap(asMap(e?.valueFrom)?.secretKeyRef);
        if (!e || !ref) continue;
        yield containerFinding(c, `${describeContainer(c)}: env "${asString(e.name) ?? `#${i}`}" reads key "${asString(ref.key) ?? '?'}" of Secret "${asString(ref.name) ?? '?'}"`, [...c.path, 'env', i, 'valueFrom', 'secretKeyRef']);
      }
      const envFrom = asList(c.spec.envFrom);
      for (let i = 0; i < envFrom.length; i++) {
        const ref = asMap(asMap(envFrom[i])?.secretRef);
        if (!ref) continue;
        yield containerFinding(c, `${describeContainer(c)}: envFrom turns every key of Secret "${asString(ref.name) ?? '?'}" into an environment variable`, [...c.path, 'envFrom', i, 'secretRef']);
      }
    }
  },
};
