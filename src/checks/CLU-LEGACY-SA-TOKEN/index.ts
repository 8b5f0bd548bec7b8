import type { ObjectCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { LEGACY_TOKENS } from '../_lib/cluster-references.js';
import { SA_TOKENS } from '../_lib/references.js';

const LAST_USED = 'kubernetes.io/legacy-token-last-used';
const INVALID_SINCE = 'kubernetes.io/legacy-token-invalid-since';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Secret'],
  meta: {
    id: 'CLU-LEGACY-SA-TOKEN',
    title: 'Legacy ServiceAccount token Secret (a token that never expires)',
    severity: 'medium',
    category: 'service-account',
    attack: 'A Secret of type kubernetes.io/service-account-token holds a token that never expires and is not bound to a pod: whoever reads it once (a backup, a log, get on secrets) acts as the ServiceAccount until the Secret is deleted.',
    remediation: 'Delete legacy token Secrets; pods get short-lived projected tokens automatically, and `kubectl create token` issues time-bound ones. Enable the legacy token cleaner (--legacy-service-account-token-clean-up-period) to remove unused ones.',
    references: [LEGACY_TOKENS, SA_TOKENS],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'it reports how long-lived tokens are used (the last-used labels the cluster keeps), which only the live cluster knows' },
  *check(o) {
    if (asString(o.object.type) !== 'kubernetes.io/service-account-token') return;
    const account = o.annotations['kubernetes.io/service-account.name'];
    const who = account ? `ServiceAccount "${account}"` : 'a ServiceAccount';
    const lastUsed = o.labels[LAST_USED];
    const invalid = o.labels[INVALID_SINCE];
    if (invalid) {
      yield {
        message: `legacy token Secret "${o.name}" of ${who} was invalidated on ${invalid} (last used ${lastUsed ?? 'never, since tracking began'}): delete it`,
        path: ['metadata', 'labels', INVALID_SINCE],
        severity: 'low',
      };
      return;
    }
    yield lastUsed
      ? { message: `legacy token Secret "${o.name}" holds a non-expiring token of ${who}, last used on ${lastUsed}`, path: ['metadata', 'labels', LAST_USED] }
      : { message: `legacy token Secret "${o.name}" holds a non-expiring token of ${who}, not used since usage tracking began (Kubernetes 1.28 records the last use): delete it`, path: ['type'] };
  },
};
