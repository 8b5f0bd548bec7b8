import type { ObjectCheck, RawFinding, Severity } from '../../engine/types.js';
import { asList, asMap, asString, asStringList } from '../../k8s/json.js';
import { WEBHOOK_FAILURE } from '../_lib/cluster-references.js';

/** Names of policy and security admission engines (webhook or configuration names). */
const SECURITY_ENGINES = /\b(kyverno|gatekeeper|opa|kubeharden|kubewarden|polaris|datree|k-rail|jspolicy|kubescape|policy\.sigstore|policy-controller|connaisseur|ratify|neuvector|sysdig|prisma|twistlock|stackrox|aqua|falco)\b/i;

/** Resources whose admission is where pod security is enforced. */
const WORKLOAD_RESOURCES = new Set(['*', 'pods', 'pods/*', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers', '*/*']);

/** API groups of pods and the built-in controllers. */
const WORKLOAD_GROUPS = new Set(['*', '', 'apps', 'batch']);

function guardsWorkloads(hook: Record<string, unknown>): boolean {
  return asList(hook.rules).some((r) => {
    const m = asMap(r);
    const ops = asStringList(m?.operations);
    const groups = asStringList(m?.apiGroups);
    return (
      groups.some((g) => WORKLOAD_GROUPS.has(g)) && asStringList(m?.resources).some((x) => WORKLOAD_RESOURCES.has(x)) && ops.some((op) => op === '*' || op === 'CREATE')
    );
  });
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['ValidatingWebhookConfiguration'],
  meta: {
    id: 'CLU-WEBHOOK-FAIL-OPEN',
    title: 'A validating webhook that enforces policy fails open (failurePolicy: Ignore)',
    severity: 'medium',
    category: 'cluster',
    attack: 'With failurePolicy: Ignore, requests are admitted whenever the webhook does not answer in time: an attacker who can slow it down, crash it or wait for a restart creates the privileged pod the policy forbids, and nothing records that it was skipped.',
    remediation: 'Use failurePolicy: Fail for webhooks that enforce security policy, run them with several replicas and a PodDisruptionBudget, and exempt only the namespaces the webhook itself needs (kube-system, its own) with a namespaceSelector.',
    references: [WEBHOOK_FAILURE],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'a hygiene check of the live cluster (kubeharden audit): judging webhook configurations at admission would block the installers of the very policy engines it is about' },
  *check(o) {
    const out: RawFinding[] = [];
    asList(o.object.webhooks).forEach((w, i) => {
      const hook = asMap(w);
      if (!hook || asString(hook.failurePolicy) !== 'Ignore') return;
      const name = asString(hook.name) ?? `#${i}`;
      const engine = SECURITY_ENGINES.test(name) || SECURITY_ENGINES.test(o.name);
      const workloads = guardsWorkloads(hook);
      if (!engine && !workloads) return;
      // A policy engine's webhook over pods and workloads is where Pod Security is enforced. Its
      // webhooks over cluster-scoped objects only often fail open on purpose (no namespaceSelector
      // can exempt what the webhook itself needs, so Fail risks an admission deadlock).
      const severity: Severity | undefined = engine && workloads ? undefined : 'low';
      const what = engine ? (workloads ? 'a policy engine\'s webhook over pods and workloads' : 'a policy engine\'s webhook') : 'it validates pod or workload creation';
      out.push({
        message: `webhook "${name}" of ValidatingWebhookConfiguration "${o.name}" has failurePolicy: Ignore (${what}): while it is down or slow, what it would deny is admitted`,
        path: ['webhooks', i, 'failurePolicy'],
        ...(severity ? { severity } : {}),
      });
    });
    yield* out;
  },
};
