import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { SERVICE_ACCOUNTS } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { podAccount, saIndex } from '../_lib/service-account.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SA-REF',
    title: 'Pod references its ServiceAccount through the deprecated field, or one missing from the bundle',
    severity: 'low',
    category: 'service-account',
    attack: 'spec.serviceAccount is a deprecated alias that is ignored whenever serviceAccountName is set, so reviewers can be misled about the identity a pod runs as. A ServiceAccount missing from a bundle that defines the others of its namespace is often a typo, and the pod then fails to start.',
    remediation: 'Use spec.serviceAccountName only, and ship the ServiceAccount with the workload.',
    references: [SERVICE_ACCOUNTS],
    peers: { kubeLinter: ['non-existent-service-account', 'deprecated-service-account-field'], kubescape: ['C-0307', 'C-0294'] },
  },
  cel: { form: 'unsupported', reason: 'the API server fills spec.serviceAccount from serviceAccountName before admission, and whether the account exists is cross-object' },
  *check(pod, ctx) {
    const deprecated = asString(pod.spec.serviceAccount);
    const current = asString(pod.spec.serviceAccountName);
    if (deprecated) {
      if (!current) {
        yield {
          message: `spec.serviceAccount is deprecated; use serviceAccountName: "${deprecated}"`,
          path: podPath(pod, 'serviceAccount'),
          fix: { description: `set serviceAccountName to "${deprecated}"`, ops: [{ op: 'set', path: podPath(pod, 'serviceAccountName'), value: deprecated }] },
        };
      } else if (current !== deprecated) {
        yield { message: `spec.serviceAccount "${deprecated}" is ignored: serviceAccountName "${current}" wins; remove the deprecated field`, path: podPath(pod, 'serviceAccount') };
      } else {
        yield { message: 'spec.serviceAccount is deprecated and duplicates serviceAccountName; remove it', path: podPath(pod, 'serviceAccount') };
      }
    }
    if (pod.serviceAccountName === 'default') return; // created by the cluster in every namespace
    const acct = podAccount(pod, ctx.index);
    if (acct.object) return;
    // Only when the bundle ships ServiceAccounts of this namespace is a missing one suspicious;
    // otherwise the accounts are managed elsewhere (complaint 7: never fail on an incomplete bundle).
    if (!saIndex(ctx.index).namespacesWithAccounts.has(acct.namespace)) return;
    yield {
      message: `ServiceAccount "${acct.name}" is not in the scanned set, which has other ServiceAccounts of namespace "${acct.namespace}": it may exist in the cluster; if not, the pod will not be created`,
      path: current ? podPath(pod, 'serviceAccountName') : podPath(pod, 'serviceAccount'),
      severity: 'info',
    };
  },
};
