import type { PodCheck } from '../../engine/types.js';
import { CIS, SERVICE_ACCOUNTS } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { automountState, describeObjects, podAccount } from '../_lib/service-account.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SA-DEFAULT-USED',
    title: 'Pod uses the namespace\'s default ServiceAccount with an API token',
    severity: 'low',
    category: 'service-account',
    attack: 'Every pod that names no ServiceAccount shares the namespace\'s "default" account. Any permission granted to it (often added for one workload) is then held by all of them, and a compromise of any pod yields it.',
    remediation: 'Give each workload its own ServiceAccount (serviceAccountName) with only the permissions it needs, or disable the token (automountServiceAccountToken: false) when the workload does not call the API.',
    references: [SERVICE_ACCOUNTS, CIS],
    peers: { kubeLinter: ['default-service-account'], kubesec: ['ServiceAccountName'], kubescape: ['C-0189'] },
  },
  cel: { form: 'unsupported', reason: "cross-object: whether the default account's token is mounted depends on the ServiceAccount object and its bindings, which a policy cannot read" },
  *check(pod, ctx) {
    if (pod.serviceAccountName !== 'default') return;
    const acct = podAccount(pod, ctx.index);
    const state = automountState(pod, acct);
    // kube-linter #135: with no token mounted, the account's identity is never used by the pod.
    if (state.mounted === false) return;
    const explicit = typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '';
    const path = explicit ? podPath(pod, 'serviceAccountName') : typeof pod.spec.serviceAccount === 'string' ? podPath(pod, 'serviceAccount') : pod.specPath;
    yield {
      message: `${explicit ? 'serviceAccountName is "default"' : 'no serviceAccountName is set'}: the pod runs as the namespace's shared "default" ServiceAccount and its token is mounted${acct.bindings.length ? ` (the scan binds ${describeObjects(acct.bindings)} to it)` : ''}`,
      path,
    };
  },
};
