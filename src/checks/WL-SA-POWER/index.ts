import type { PodCheck, Severity } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import { asList, asMap } from '../../k8s/json.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { bootstrapInputs } from '../../rbac/defaults.js';
import { buildPolicy, CONTEXT_KINDS, inputsFromLoaded, RBAC_KINDS } from '../../rbac/policy.js';
import { analyzeRisks, describeSubjectShort, type RiskFinding } from '../../rbac/risks.js';
import { RBAC_GOOD_PRACTICES, SERVICE_ACCOUNTS } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { automountState, podAccount } from '../_lib/service-account.js';

interface SaRisks {
  risks: Map<string, RiskFinding[]>;
  /** ServiceAccounts named by a binding whose role is not in the scan (nor built in). */
  dangling: Map<string, RiskFinding[]>;
}

/**
 * The RBAC engine (src/rbac) evaluates every binding of the scan against the escalation
 * catalogue, with the built-in bootstrap roles (cluster-admin, admin, edit…) resolved, and follows
 * transitive paths (create pods in N ⇒ act as any ServiceAccount of N). Built once per scan.
 */
function risksBySa(index: ObjectIndex): SaRisks {
  const r: SaRisks = { risks: new Map(), dangling: new Map() };
  const rbacObjects = index.objects.filter((o) => RBAC_KINDS.has(o.kind) || CONTEXT_KINDS.has(o.kind));
  if (rbacObjects.some((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const policy = buildPolicy([...bootstrapInputs(), ...inputsFromLoaded(rbacObjects)], { aggregate: true, defaultNamespace: 'default' });
    for (const f of analyzeRisks(policy, { includeBuiltin: false }).findings) {
      if (f.subject.kind !== 'ServiceAccount' || !f.subject.namespace) continue;
      const k = `${f.subject.namespace}/${f.subject.name}`;
      const target = f.id === 'dangling-role' ? r.dangling : r.risks;
      const list = target.get(k) ?? [];
      list.push(f);
      target.set(k, list);
    }
  }
  return r;
}

/** A projected serviceAccountToken volume gives the pod a token even with automount off. */
function projectsToken(pod: PodTarget): boolean {
  return asList(pod.spec.volumes).some((v) => asList(asMap(asMap(v)?.projected)?.sources).some((s) => asMap(s)?.serviceAccountToken !== undefined));
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'WL-SA-POWER',
    title: 'Workload runs as a ServiceAccount that can take over its namespace or the cluster',
    severity: 'high',
    category: 'rbac',
    attack: 'A pod\'s ServiceAccount token is the credential an attacker gets with code execution in the pod. When that account is bound to cluster-admin, admin or edit, or may create pods, read Secrets, escalate or bind roles, one compromised container becomes control of the namespace or the cluster.',
    remediation: 'Give the workload a dedicated ServiceAccount bound to a Role with only the verbs and resources it uses (resourceNames where possible); never bind cluster-admin/admin/edit to workload accounts; disable the token where the API is not used.',
    references: [RBAC_GOOD_PRACTICES, SERVICE_ACCOUNTS],
    peers: { kubescape: ['C-0267', 'C-0272', 'C-0053'] },
  },
  cel: { form: 'unsupported', reason: "cross-object: the power of the pod's ServiceAccount comes from the RoleBindings and Roles of the manifest set" },
  *check(pod, ctx) {
    const acct = podAccount(pod, ctx.index);
    const key = `${acct.namespace}/${acct.name}`;
    const { risks, dangling } = ctx.index.derived(risksBySa);
    const found = (risks.get(key) ?? []).filter((f) => severityRank(f.severity) >= severityRank('high'));
    const state = automountState(pod, acct);
    const tokenless = state.mounted === false && !projectsToken(pod);
    const path = pod.spec.serviceAccountName !== undefined ? podPath(pod, 'serviceAccountName') : pod.specPath;
    if (found.length > 0) {
      found.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
      let severity: Severity = found[0].severity;
      const prefix = `${describeSubjectShort(found[0].subject)} `;
      // Direct holdings first; transitive ones ("can become X (…), which …") only add a count.
      const direct = found.filter((f) => !f.path || f.path.length === 0);
      const transitive = found.length - direct.length;
      // "ServiceAccount ns/x can read Secrets cluster-wide: <why>" → "can read Secrets cluster-wide"
      const what = [...new Set((direct.length ? direct : found).map((f) => (f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message).split(': ')[0]))];
      const via = [...new Map(direct.flatMap((f) => f.grants).map((g) => [`${g.role.kind}/${g.role.name}`, g])).values()]
        .slice(0, 2)
        .map((g) => `${g.role.kind} "${g.role.name}" (${g.binding.kind} "${g.binding.name}")`)
        .join(', ');
      const more = what.length > 3 ? `; and ${what.length - 3} more` : '';
      const chain = direct.length && transitive ? `; through them it can also become other identities (${transitive} escalation path${transitive === 1 ? '' : 's'})` : '';
      let note = '';
      if (tokenless) {
        severity = 'low';
        note = '; the pod does not mount its token, so only someone who can create pods or tokens as this account can use it';
      }
      yield {
        message: `the pod runs as ServiceAccount "${acct.name}" of namespace "${acct.namespace}", which${via ? ` through ${via}` : ''} ${what.slice(0, 3).join('; ')}${more}${chain}${note}`,
        path,
        severity,
      };
      return;
    }
    const d = dangling.get(key);
    if (d && d.length && !tokenless) {
      yield { message: `ServiceAccount "${acct.name}" is bound to role(s) that are not in the scanned set (${d.slice(0, 2).map((f) => f.message).join('; ')}): its permissions cannot be evaluated`, path, severity: 'info' };
    }
  },
};
