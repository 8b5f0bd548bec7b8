import type { PodCheck, RawFinding, StructuredRemediation } from '../../engine/types.js';
import { CIS, NSA_CISA, SA_TOKENS, SERVICE_ACCOUNTS } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { automountState, describeObjects, podAccount } from '../_lib/service-account.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SA-AUTOMOUNT',
    title: 'Pod gets a Kubernetes API token it may not need',
    severity: 'medium',
    category: 'service-account',
    attack: 'Unless automountServiceAccountToken is false, every container gets a token for the pod\'s ServiceAccount at /var/run/secrets/kubernetes.io/serviceaccount. Code execution in any container (an RCE, a malicious dependency) then talks to the API server with the account\'s permissions: the usual path from one pod to the cluster.',
    remediation: 'Set automountServiceAccountToken: false on the pod spec (and on ServiceAccounts that no pod needs for API access). Workloads that call the API should mount a projected token explicitly (short expiry, specific audience) and only in the container that needs it.',
    references: [SERVICE_ACCOUNTS, SA_TOKENS, NSA_CISA, CIS],
    peers: { checkov: ['CKV_K8S_38'], polaris: ['automountServiceAccountToken'], kubesec: ['AutomountServiceAccountToken'], trivy: ['KSV036'], kubescape: ['C-0034', 'C-0190', 'C-0261'] },
  },
  cel: { form: 'unsupported', reason: "cross-object: whether the token is mounted, and how severe that is, depends on the ServiceAccount's automountServiceAccountToken and on the RoleBindings of the account, which a policy cannot read" },
  *check(pod, ctx) {
    const acct = podAccount(pod, ctx.index);
    const state = automountState(pod, acct);
    if (state.mounted === false) return;
    const field = podPath(pod, 'automountServiceAccountToken');
    const fix: StructuredRemediation = {
      description: 'set automountServiceAccountToken: false on the pod spec',
      ops: [{ op: 'set', path: field, value: false, overwrite: true }],
    };
    const sa = `ServiceAccount "${acct.name}"`;
    if (acct.bindings.length > 0) {
      // The account is bound to roles in the scan: the workload most likely calls the API. A
      // mounted token is then expected; removing it automatically would break the workload.
      const names = describeObjects(acct.bindings);
      yield {
        message: `the API token of ${sa} is mounted; the account is bound by ${names}, so the workload presumably uses the API: prefer a projected token with a short expiry mounted only where needed`,
        path: field,
        severity: 'info',
      };
      return;
    }
    let f: RawFinding;
    if (state.mounted === true && state.by === 'pod') {
      f = { message: `automountServiceAccountToken: true mounts the API token of ${sa} into every container, and the scan binds no role to that account`, path: state.path, fix };
    } else if (state.mounted === true) {
      f = { message: `the API token of ${sa} is mounted: neither the pod nor the ServiceAccount${state.explicit ? ' (which sets automountServiceAccountToken: true)' : ''} sets automountServiceAccountToken: false`, path: field, fix };
    } else if (state.mounted === 'default-account') {
      f = { message: `the pod runs as the namespace's "default" ServiceAccount, which the cluster creates without automountServiceAccountToken: false, and the pod does not disable the token either`, path: field, fix };
    } else {
      f = { message: `${sa} is not in the scanned set: its token is mounted unless that account sets automountServiceAccountToken: false; set it on the pod to be sure`, path: field, severity: 'info' };
    }
    yield f;
  },
};
