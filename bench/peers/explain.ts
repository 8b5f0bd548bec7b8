/**
 * One-line judgement of a disagreement: whose verdict is right by the Pod Security Standards and
 * Kubernetes semantics (oracle.ts), and why the other side differs (the peer's documented or
 * observed behaviour). Disagreements with the same reason are grouped in RESULTS.md.
 *
 * Order: rules for a specific (check, peer) first — they know the peer's quirk and read the
 * object — then generic rules (kind or file the peer never scans), then the bare oracle.
 */
import type { Disagreement, Judgement, PeerContext, Right } from './model.js';
import { asList, asMap, type CorpusObject } from './corpus.js';
import { truthOf, type Truth } from './oracle.js';

type Input = Omit<Disagreement, 'judgement'>;

export interface JudgeContext extends PeerContext {
  all: readonly CorpusObject[];
}

const PEER_LABEL: Record<string, string> = { checkov: 'Checkov', kubeScore: 'kube-score', kubeLinter: 'kube-linter', polaris: 'Polaris', trivy: 'Trivy', kyverno: 'Kyverno' };

interface RuleResult {
  right: Right;
  reason: string;
  detail?: string;
}
type Rule = (d: Input, o: CorpusObject, t: Truth | undefined, ctx: JudgeContext) => RuleResult | undefined;

const containersOf = (o: CorpusObject): Array<{ name: string; kind: string; spec: Record<string, unknown> }> => o.pod?.containers ?? [];
const caps = (spec: Record<string, unknown>, list: 'add' | 'drop'): string[] => asList(asMap(asMap(spec.securityContext)?.capabilities)?.[list]).map(String);
/** The capabilities PSS baseline allows adding (check_capabilities_baseline.go). */
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const khAgrees = (d: Input, t: Truth | undefined): boolean => !!t && (d.kh === 'fail') === t.fail;
const peerAgrees = (d: Input, t: Truth | undefined): boolean => !!t && (d.peer === 'fail') === t.fail;

/** Rules for one kubeharden check and one peer. Key: `${check}|${peer}`; '*' matches any peer. */
const RULES: Record<string, Rule[]> = {
  'CTR-CAPS-DROP-ALL|*': [
    (d, o) => {
      const lower = containersOf(o).find((c) => caps(c.spec, 'drop').some((x) => x !== 'ALL' && x.toUpperCase() === 'ALL'));
      return (d.peer === 'pass' || d.containerLevel) && lower ? { right: 'kubeharden', reason: '{peer} {ids} accepts drop: [all] by a case-insensitive match; capability names are case-sensitive and PSS restricted requires the exact "ALL"' } : undefined;
    },
  ],
  'CTR-CAPS-DROP-NET-RAW|checkov': [
    (d, o) => {
      const lower = containersOf(o).find((c) => caps(c.spec, 'drop').some((x) => x !== 'ALL' && x.toUpperCase() === 'ALL'));
      return d.peer === 'pass' && lower ? { right: 'kubeharden', reason: 'Checkov CKV_K8S_28 accepts drop: [all] by a case-insensitive match; the runtime drops nothing for "all"' } : undefined;
    },
  ],
  'CTR-CAPS-ADD-NONDEFAULT|*': [
    (d, _o, t) =>
      d.peer === 'fail' && khAgrees(d, t) && !t?.fail ? { right: 'kubeharden', reason: '{peer} {ids} fails any capabilities.add; PSS baseline allows adding the 13 default capabilities (e.g. NET_BIND_SERVICE, CHOWN)' } : undefined,
  ],
  'CTR-CAPS-ADD-DANGEROUS|checkov': [
    (d, o) => {
      const added = containersOf(o).flatMap((c) => caps(c.spec, 'add'));
      return d.peer === 'pass' && d.kh === 'fail' && !added.includes('SYS_ADMIN') && added.length
        ? { right: 'kubeharden', reason: 'Checkov CKV_K8S_39 looks for SYS_ADMIN only; the capability added here is outside the PSS baseline set and grants host-level power', detail: `adds ${added.join(', ')}` }
        : undefined;
    },
  ],
  'CTR-RUN-AS-UID0|checkov': [
    (d, _o, t) =>
      d.peer === 'fail' && khAgrees(d, t)
        ? { right: 'both', reason: 'different definitions: CKV_K8S_23 fails a missing runAsNonRoot, CTR-RUN-AS-UID0 only an explicit runAsUser: 0 (the missing runAsNonRoot is CTR-RUN-AS-NON-ROOT\'s finding, where Checkov and kubeharden agree)' }
        : undefined,
  ],
  'CTR-SECCTX-PRESENT|checkov': [
    (d) =>
      d.peer === 'fail' && d.kh === 'pass'
        ? { right: 'both', reason: 'different definitions: Checkov requires a pod-level (CKV_K8S_29) and a container-level (CKV_K8S_30) securityContext; the catalogue\'s presence check passes when either level sets one, and the fields that matter are judged by the specific checks' }
        : undefined,
  ],
  'CTR-HIGH-*|*': [
    (d, _o, t) =>
      d.peer === 'fail' && d.kh === 'pass' && khAgrees(d, t)
        ? { right: 'both', reason: 'one problem, one finding: with no UID set the image decides, which kubeharden reports as CTR-RUN-AS-NON-ROOT or CTR-NONROOT-UNVERIFIABLE (with the fix runAsUser/runAsGroup 10001); {peer} reports the same gap here' }
        : undefined,
  ],
  'RES-*|checkov': [
    (d, o, t) =>
      d.peer === 'none' && khAgrees(d, t) && containersOf(o).some((c) => c.spec.resources !== undefined)
        ? { right: 'kubeharden', reason: 'Checkov CKV_K8S_10/12 give no verdict when the container has a resources block without requests (resources: {} or limits only)' }
        : undefined,
  ],
  'RES-*|*': [
    (d, o, t) =>
      d.peer === 'fail' && khAgrees(d, t) && !t?.fail && containersOf(o).some((c) => asMap(asMap(c.spec.resources)?.limits) && !asMap(asMap(c.spec.resources)?.requests))
        ? { right: 'kubeharden', reason: '{peer} ignores API defaulting: a request left unset takes the value of the limit, so the container has a request' }
        : undefined,
  ],
  'REL-PROBES|checkov': [
    (d) =>
      d.peer === 'fail' && d.kh === 'pass'
        ? { right: 'both', reason: 'scope: kubeharden skips bare Pods, Jobs, restartPolicy Never/OnFailure templates and init containers by design (probes need a controller to act); Checkov requires probes on every pod' }
        : undefined,
  ],
  'REL-PROBES|kubeScore': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && (o.kind === 'Pod' || o.kind === 'Job' || o.kind === 'CronJob')
        ? { right: 'both', reason: `scope: kubeharden skips bare Pods, Jobs and CronJobs by design (no controller restarts or replaces them on a failed probe); kube-score requires probes on them when a Service targets them` }
        : undefined,
    (d) =>
      d.peer === 'none' && d.kh === 'fail'
        ? { right: 'both', reason: 'scope: kube-score checks probes only for pods that a Service of the scan targets (it skips the rest); kubeharden requires liveness and readiness probes on every long-running workload' }
        : undefined,
  ],
  'META-DEFAULT-NS|checkov': [
    (d, o) =>
      d.kh === 'none' && !o.pod
        ? { right: 'both', reason: 'scope: kubeharden reports the default namespace on workloads only (where it changes isolation); Checkov CKV_K8S_21 on every namespaced object (ConfigMaps, Services, RBAC…)' }
        : undefined,
  ],
  'API-DEPRECATED|kubeScore': [
    (d, _o, t) => (d.peer === 'pass' && khAgrees(d, t) && t?.fail ? { right: 'kubeharden', reason: 'kube-score stable-version knows only part of the removed API versions (not policy/v1beta1, storage.k8s.io/v1beta1…)' } : undefined),
  ],
  'NET-NO-NETPOL|*': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && o.pod?.spec.hostNetwork === true
        ? { right: 'kubeharden', reason: '{peer} fails a hostNetwork pod; NetworkPolicies do not apply to host-network pods, so there is nothing to add (the finding belongs to POD-HOST-NETWORK)' }
        : undefined,
  ],
  'NET-NO-NETPOL|checkov': [
    (d, o, _t, ctx) => {
      if (d.peer !== 'pass' || d.kh !== 'fail') return undefined;
      const sel = ctx.all.filter((np) => np.kind === 'NetworkPolicy' && (np.namespace || 'default') === (o.namespace || 'default'));
      return sel.length && /egress|ingress/.test(truthOf('NET-NO-NETPOL', o, ctx.all)?.why.join(' ') ?? '') && /selected by/.test(truthOf('NET-NO-NETPOL', o, ctx.all)?.why.join(' ') ?? '')
        ? { right: 'both', reason: 'definition: Checkov CKV2_K8S_6 asks only that some NetworkPolicy select the Pod; kubeharden (like kube-score) also requires the other direction to be isolated — here egress (or ingress) stays open' }
        : undefined;
    },
    (d, _o, t) =>
      d.peer === 'pass' && khAgrees(d, t)
        ? { right: 'kubeharden', reason: 'Checkov CKV2_K8S_6 passes a Pod that no NetworkPolicy of its namespace selects: its graph links any NetworkPolicy of the namespace to the Pod' }
        : undefined,
  ],
  'NET-NS-DEFAULT-DENY|checkov': [
    () => ({ right: 'both', reason: 'granularity: kubeharden reports a namespace without a default-deny policy once (on one workload of it); Checkov CKV2_K8S_6 judges every Pod; per-object verdicts do not line up' }),
  ],
  'NET-NETPOL-DANGLING|kubeScore': [
    (d, _o, t) =>
      d.peer === 'pass' && khAgrees(d, t) && t?.why.every((w) => w.includes('peer podSelector'))
        ? { right: 'kubeharden', reason: 'kube-score networkpolicy-targets-pod checks the policy\'s own podSelector only; a peer podSelector of its rules matches no pod template of the scan (here pods an operator creates from a custom resource, which no scanner sees — the finding says "may allow nothing")' }
        : undefined,
  ],
  'CTR-CAPS-DROP-NET-RAW|*': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && containersOf(o).some((c) => asMap(c.spec.securityContext)?.privileged === true)
        ? { right: 'both', reason: 'privileged container: the runtime grants every capability whatever drop says, so kubeharden leaves it to CTR-PRIVILEGED (which fails it); {peer} still asks for the drop' }
        : undefined,
  ],
  'NET-SVC-EXPOSED|kubeScore': [
    (d, o) =>
      d.peer === 'pass' && d.kh === 'fail' && asMap(o.object.spec)?.type === 'LoadBalancer'
        ? { right: 'kubeharden', reason: 'kube-score service-type flags NodePort only; a LoadBalancer Service is reachable from outside the cluster as well (the catalogue flags both)' }
        : undefined,
  ],
  'CMP-RISKY|checkov': [
    (d) =>
      d.peer === 'pass' && d.kh === 'fail'
        ? { right: 'both', reason: 'scope: the Checkov ids cover Tiller, kubernetes-dashboard and git-sync; kubeharden also flags the ingress-nginx controller (retired upstream), which no Checkov check looks at' }
        : undefined,
  ],
  'RBAC-WILDCARD|checkov': [
    (d, o) => {
      const first = asList(o.object.rules)[0];
      const inFirst = ['apiGroups', 'resources', 'verbs'].some((f) => asList(asMap(first)?.[f]).includes('*'));
      return d.peer === 'pass' && d.kh === 'fail' && !inFirst ? { right: 'kubeharden', reason: 'Checkov CKV_K8S_49 reads rules[0] only; the "*" is in a later rule' } : undefined;
    },
  ],
  'RBAC-SECRETS|checkov': [
    (d, o, t) =>
      d.peer === 'pass' && d.kh === 'fail' && !t?.fail && asList(o.object.rules).some((r) => asList(asMap(r)?.resourceNames).length > 0 && asList(asMap(r)?.resources).includes('secrets'))
        ? { right: 'both', reason: 'get on secrets restricted by resourceNames to named Secrets: kubeharden still reports it (at medium, naming the Secrets), Checkov CKV2_K8S_5 passes a name-restricted rule; the least-privilege form the RBAC good-practices guide recommends, defensible either way' }
        : undefined,
  ],
  'RBAC-CSR-APPROVE|checkov': [
    (d, _o, t) =>
      d.kh === 'fail' && d.peer === 'pass' && t && !t.fail
        ? { right: 'peer', reason: 'approving a CSR needs update/patch on certificatesigningrequests/approval AND approve on a signer (certificates.k8s.io signers); this role has only one of the two, so it cannot approve — kubeharden fires on either permission alone (src/checks/rbac/RBAC-CSR-APPROVE targets are OR-ed)' }
        : undefined,
  ],
  'RBAC-ESCALATION|checkov': [
    (d) =>
      d.peer === 'pass' && d.kh === 'fail'
        ? { right: 'both', reason: 'create/update/patch on (cluster)rolebindings without bind: RBAC escalation prevention limits the holder to roles whose permissions it already has (Checkov passes); kubeharden flags it at medium as the catalogue asks — but its message "it lets the holder gain permissions it does not have" is wrong for this case' }
        : undefined,
  ],
  'RBAC-*|*': [
    (d, _o, t) =>
      d.peer === 'pass' && khAgrees(d, t) && t?.fail && t.why.some((w) => w.includes('through "*"'))
        ? { right: 'kubeharden', reason: '{peer} matches the literal resource names (secrets, pods/exec, configmaps…); the role grants them through a "*" in resources, apiGroups or verbs' }
        : undefined,
  ],
  // ---- Trivy (trivy-checks as embedded in v0.74.0) ----
  'IMG-REGISTRY|trivy': [
    (d) =>
      d.peer === 'fail' && d.kh === 'pass'
        ? { right: 'both', reason: 'different definitions: Trivy KSV125 trusts a fixed list of cloud registries by default (azurecr.io, the ECR regions, gcr.io and its regional hosts) and fails every image named with another registry host; kubeharden reports registries against the allowedRegistries / deniedRegistries you configure (none by default) and the frozen k8s.gcr.io' }
        : undefined,
  ],
  'SA-AUTOMOUNT|trivy': [
    (d, _o, t) =>
      d.peer === 'pass' && d.kh === 'fail' && khAgrees(d, t)
        ? { right: 'kubeharden', reason: 'Trivy KSV036 reads automountServiceAccountToken on the object\'s own spec (for a workload that is not the pod template) and otherwise fails only an explicit volumeMount of the token path; with the field unset the API server still mounts the ServiceAccount token' }
        : undefined,
  ],
  'SEC-CONFIGMAP|trivy': [
    (d) =>
      d.peer === 'fail' && d.kh === 'pass'
        ? { right: 'both', reason: 'Trivy KSV01010 matches key names (…key:, username:, email:) whatever the value; here the values are empty or placeholders (CHANGEME…), which kubeharden does not report as credentials' }
        : undefined,
  ],
  'META-KUBE-SYSTEM|trivy': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'none' && !o.pod
        ? { right: 'both', reason: `scope: kubeharden reports workloads in kube-system (where they escape admission policies); Trivy KSV037 every object there, here a ${o.kind}` }
        : undefined,
  ],
  'POD-SECCOMP-UNCONFINED|trivy': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && !JSON.stringify(o.pod?.spec ?? {}).includes('"Unconfined"') && !JSON.stringify(o.pod?.metadata ?? {}).includes('unconfined')
        ? { right: 'both', reason: 'one problem, one finding: Trivy KSV104 fails a container without a seccomp profile, which kubeharden reports as POD-SECCOMP (where Trivy KSV030 and kubeharden agree); POD-SECCOMP-UNCONFINED is about an explicit Unconfined' }
        : undefined,
  ],
  'VOL-HOSTPATH-SENSITIVE|trivy': [
    (d, o) =>
      d.peer === 'pass' && d.kh === 'fail' && asList(o.pod?.spec.volumes).some((v) => /^\/(usr|etc|var\/lib\/(kubelet|docker|containerd)|dev|proc|sys|boot|root|home|lib)\/./.test(String(asMap(asMap(v)?.hostPath)?.path ?? '')))
        ? { right: 'kubeharden', reason: 'Trivy KSV121 compares hostPath.path with its list (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr, /var/lib/docker…) for equality only; a path below one of them is just as sensitive' }
        : undefined,
  ],
  'VOL-NON-CORE|trivy': [
    (d, o) =>
      d.peer === 'pass' && d.kh === 'fail' && asList(o.pod?.spec.volumes).some((v) => asMap(v)?.cephfs !== undefined)
        ? { right: 'kubeharden', reason: 'Trivy KSV028 lists the volume type as "cephFS"; the API field is "cephfs", so a CephFS volume passes it' }
        : undefined,
  ],
  'CTR-CAPS-ADD-DANGEROUS|trivy': [
    (d, o) => {
      const added = containersOf(o).flatMap((c) => caps(c.spec, 'add'));
      return d.peer === 'pass' && d.kh === 'fail' && added.length && !added.some((x) => ['SYS_ADMIN', 'NET_RAW', 'SYS_MODULE'].includes(x.replace(/^CAP_/, '')))
        ? { right: 'kubeharden', reason: 'Trivy KSV005/KSV119/KSV120 look for SYS_ADMIN, NET_RAW and SYS_MODULE only; the capability added here is outside the PSS baseline set and grants host-level power', detail: `adds ${added.join(', ')}` }
        : undefined;
    },
  ],
  'CMP-RISKY|trivy': [
    (d) =>
      d.peer === 'pass' && d.kh === 'fail'
        ? { right: 'both', reason: 'scope: Trivy KSV102 looks for Tiller only; kubeharden also flags the ingress-nginx controller (retired upstream), which no Trivy check looks at' }
        : undefined,
  ],
  'API-DEPRECATED|trivy': [
    (d, _o, t) => (d.peer === 'pass' && khAgrees(d, t) && t?.fail ? { right: 'kubeharden', reason: 'Trivy KSV107 has no entry for this apiVersion and kind in its table of removed APIs (it files the extensions/v1beta1 kinds under apps/v1beta1 and has no PodSecurityPolicy)' } : undefined),
  ],
  'NET-NETPOL-DANGLING|trivy': [
    (d) =>
      d.peer === 'pass' && d.kh === 'fail'
        ? { right: 'both', reason: 'different definitions: Trivy KSV038 asks only that a NetworkPolicy use selectors at all; whether they match a pod template of the scan is not its question' }
        : undefined,
  ],
  'RBAC-CLUSTER-ADMIN|trivy': [
    (d, _o, t) =>
      d.peer === 'pass' && d.kh === 'fail' && khAgrees(d, t)
        ? { right: 'kubeharden', reason: 'Trivy KSV111 compares roleRef.name with cluster-admin, admin and edit; this binding grants a role of the scan with every verb on every resource, which is cluster-admin under another name' }
        : undefined,
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && ['admin', 'edit'].includes(String(asMap(o.object.roleRef)?.name))
        ? { right: 'both', reason: 'scope: Trivy KSV111 also fails bindings of the admin and edit ClusterRoles; kubeharden reports cluster-admin and its equivalents (every verb on every resource) only' }
        : undefined,
  ],
  'RBAC-SECRETS|trivy': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && !asList(o.object.rules).some((r) => asList(asMap(r)?.verbs).some((v) => ['get', 'list', 'watch', '*'].includes(String(v))) && asList(asMap(r)?.resources).some((x) => ['secrets', '*'].includes(String(x))))
        ? { right: 'both', reason: 'definition: RBAC-SECRETS is about reading Secrets (get/list/watch); Trivy KSV041 "Manage secrets" also fails create/update/delete without read, as here' }
        : undefined,
  ],
  'RBAC-CONFIG-NET|trivy': [
    (d, o) =>
      d.peer === 'fail' && d.kh === 'pass' && (d.peerNotes.join(' ').includes('"services"') || d.peerNotes.length === 0) && asList(o.object.rules).some((r) => asList(asMap(r)?.resources).includes('services') && asList(asMap(r)?.verbs).some((v) => ['patch', 'update', '*'].includes(String(v))))
        ? { right: 'both', reason: 'scope: Trivy KSV056 fails writes to Services themselves; RBAC-CONFIG-NET counts services/status (setting a LoadBalancer ingress IP, CVE-2020-8554) but not patching a Service, which it leaves to the workload-management checks' }
        : undefined,
    (d, o, t) =>
      d.peer === 'fail' && d.kh === 'pass' && khAgrees(d, t) && o.kind === 'Role' && o.namespace !== 'kube-system'
        ? { right: 'both', reason: 'scope: Trivy KSV049 fails write access to ConfigMaps in any namespace; RBAC-CONFIG-NET counts ConfigMaps only where cluster components read them (kube-system, or cluster-wide through a ClusterRole), not an application\'s own namespace' }
        : undefined,
  ],
  // ---- Kyverno (its podSecurity rule, Kyverno's fork of k8s.io/pod-security-admission) ----
  'PSS-*|kyverno': [
    (d, o) => {
      const overriding: Record<string, [string, (o: CorpusObject) => boolean]> = {
        'PSS-hostPathVolumes': ['restrictedVolumes', (x) => asList(x.pod?.spec.volumes).some((v) => asMap(v)?.hostPath !== undefined)],
        'PSS-capabilities_baseline': ['capabilities_restricted', (x) => containersOf(x).some((c) => caps(c.spec, 'add').some((a) => !BASELINE_CAPS.has(a)))],
        'PSS-seccompProfile_baseline': ['seccompProfile_restricted', () => true],
      };
      const o2 = overriding[d.mapping.khCheck];
      return d.peer === 'fail' && d.kh === 'pass' && o2 && o2[1](o)
        ? { right: 'kubeharden', reason: `at level restricted the upstream registry skips a baseline check that a restricted check overrides (${o2[0]} overrides ${d.mapping.peerChecks.join('')}): the violation is reported once, as ${o2[0]}, where kubeharden and Kyverno agree; Kyverno's evaluatePSS runs policy.DefaultChecks() without the overrides and reports it twice` }
        : undefined;
    },
    (d, o) =>
      d.mapping.khCheck === 'PSS-restrictedVolumes' && d.peer === 'fail' && d.kh === 'pass' && asList(o.pod?.spec.volumes).some((v) => Object.keys(asMap(v) ?? {}).every((k) => k === 'name'))
        ? { right: 'kubeharden', reason: 'a volume with no source is defaulted to emptyDir by the API server (SetDefaults_Volume) before admission sees it; Kyverno evaluates the manifest as written and calls it an "unknown" restricted volume type' }
        : undefined,
  ],
  'RBAC-*|checkov': [
    (d, o) =>
      d.peer === 'none' && d.kh === 'fail' && (o.kind === 'Role' || o.kind === 'ClusterRole')
        ? { right: 'both', reason: 'Checkov\'s graph checks (CKV2_K8S_*) judge a role only through a binding of the scan that grants it to a subject; this role has no such binding (kubeharden judges every role, bound or not)' }
        : undefined,
  ],
};

function rulesFor(check: string, peer: string): Rule[] {
  const parts = check.split('-');
  const families = [`${parts[0]}-*`, `${parts.slice(0, 2).join('-')}-*`];
  return [...(RULES[`${check}|${peer}`] ?? []), ...(RULES[`${check}|*`] ?? []), ...families.flatMap((f) => [...(RULES[`${f}|${peer}`] ?? []), ...(RULES[`${f}|*`] ?? [])])];
}

/** Generic: the peer never evaluates this kind of object, or skipped the whole file. */
const GENERIC: Rule[] = [
  (d, o, t, ctx) => {
    if (d.mapping.peer !== 'kubeScore' || !khAgrees(d, t) || d.peer === 'none') return undefined;
    const same = ctx.all.filter((x) => x.kind === o.kind && x.name === o.name && (x.namespace || 'default') === (o.namespace || 'default'));
    const distinct = new Set(same.map((x) => JSON.stringify(x.object))).size;
    return distinct > 1
      ? { right: 'kubeharden', reason: `kube-score merges objects of the same kind, namespace and name from different files into one entry (here ${distinct} different ${o.kind} objects), so its verdict mixes theirs` }
      : undefined;
  },
  (d, o, _t, ctx) => {
    const error = ctx.peerErrors?.get(d.key);
    return d.peer === 'none' && d.kh === 'fail' && error
      ? { right: 'both', reason: '{peer} reports an error instead of a verdict: the object does not decode into its Kubernetes type (a field of the wrong type), which the API server would reject as well; kubeharden judges its fields anyway', detail: error.slice(0, 200) }
      : undefined;
  },
  (d, o, _t, ctx) =>
    d.peer === 'none' && d.kh === 'fail' && o.duplicateKeys && !ctx.peerFiles.has(o.file)
      ? { right: 'kubeharden', reason: '{peer} skips the whole file without a word: a mapping key is repeated in it (kubectl and the API server keep the last value; kubeharden warns and does the same)' }
      : undefined,
  (d, o, t, ctx) => {
    if (d.peer !== 'none' || d.kh !== 'fail' || (t && !t.fail)) return undefined;
    if (/\{\{/.test(o.name) && !ctx.peerFiles.has(o.file)) {
      return { right: 'both', reason: '{peer} skips the file, an unrendered template (the object name holds {{ }} placeholders); kubeharden scans its valid YAML' };
    }
    if (!ctx.peerKinds.has(o.kind)) {
      return { right: 'kubeharden', reason: o.pod ? `{peer} does not scan ${o.kind} objects; kubeharden finds pod templates by shape` : `{peer} does not evaluate ${o.kind} objects` };
    }
    if (!ctx.peerFiles.has(o.file)) return { right: 'kubeharden', reason: '{peer} produced no verdict for any object of this file' };
    return undefined;
  },
];

export function judge(d: Input, khErrorFiles: Set<string>, ctx: JudgeContext): Judgement {
  const peer = PEER_LABEL[d.mapping.peer] ?? d.mapping.peer;
  const ids = d.mapping.peerChecks.join('/');
  const fill = (s: string): string => s.replace(/\{peer\}/g, peer).replace(/\{ids\}/g, ids);
  const o = d.object;
  if (!o) return { right: 'unjudged', reason: `object not in the corpus model (${d.key})`, detail: '' };
  const t = truthOf(d.mapping.khCheck, o, ctx.all);
  const detail = t ? describeTruth(t) : '';
  if (d.kh === 'none' && khErrorFiles.has(o.file)) {
    return { right: 'peer', reason: fill('kubeharden could not read the file (input error) and gave no verdict; {peer} {ids} did'), detail };
  }
  for (const rule of [...rulesFor(d.mapping.khCheck, d.mapping.peer), ...GENERIC]) {
    const r = rule(d, o, t, ctx);
    if (r) return { right: r.right, reason: fill(r.reason), detail: r.detail ?? detail };
  }
  if (!t) return { right: 'unjudged', reason: fill(`no oracle for ${d.mapping.khCheck} ({peer} ${d.peer}, kubeharden ${d.kh})`), detail: '' };
  const khRight = d.containerLevel ? sameSet(d.khContainers.filter(Boolean), t.containers.filter(Boolean)) : khAgrees(d, t);
  const peerRight = d.containerLevel ? sameSet(d.peerContainers.filter(Boolean), t.containers.filter(Boolean)) : peerAgrees(d, t);
  const says = (s: string): string => (s === 'none' ? 'gives no verdict' : s === 'fail' ? 'fails it' : 'passes it');
  if (khRight && !peerRight) return { right: 'kubeharden', reason: fill(`{peer} {ids} ${says(d.peer)} where the ${d.mapping.khCheck} definition says ${t.fail ? 'fail' : 'pass'}`), detail };
  if (peerRight && !khRight) return { right: 'peer', reason: `kubeharden ${d.mapping.khCheck} ${says(d.kh)} where the definition says ${t.fail ? 'fail' : 'pass'}`, detail };
  return { right: 'unjudged', reason: fill(`both sides differ from the oracle (kubeharden ${d.kh}, {peer} ${d.peer})`), detail };
}

function describeTruth(t: Truth): string {
  return t.why.join('; ');
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

