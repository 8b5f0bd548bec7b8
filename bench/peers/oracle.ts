/**
 * The reference verdict of each catalogue check on one object, written from the Pod Security
 * Standards (k8s.io/pod-security-admission policy/check_*.go) and Kubernetes API semantics,
 * independently of kubeharden's code. The agreement report uses it to say whose verdict is right.
 *
 * Conventions (PSA's): "all containers" = containers, initContainers and ephemeralContainers; a
 * container-only field is read from the container; an inherited field is the container's value,
 * else the pod's; pods with spec.os.name=windows are exempt from the restricted Linux controls.
 * A check without an oracle here is reported as "unjudged".
 */
import { asList, asMap, type ContainerInfo, type CorpusObject, type JsonMap, type PodInfo } from './corpus.js';

export interface Truth {
  fail: boolean;
  /** Failing containers; '' for a pod-level failure. */
  containers: string[];
  /** Why, in a few words (e.g. 'initContainer "setup" unset'). */
  why: string[];
}

type Oracle = (o: CorpusObject) => Truth | undefined;

const sc = (c: ContainerInfo): JsonMap | undefined => asMap(c.spec.securityContext);
const psc = (p: PodInfo): JsonMap | undefined => asMap(p.spec.securityContext);
export const isWindows = (p: PodInfo): boolean => asMap(p.spec.os)?.name === 'windows';

/** Container value of an inherited field, else the pod's. */
export function effective(p: PodInfo, c: ContainerInfo, field: string): { value: unknown; from: 'container' | 'pod' | 'unset' } {
  const cv = sc(c)?.[field];
  if (cv !== undefined && cv !== null) return { value: cv, from: 'container' };
  const pv = psc(p)?.[field];
  if (pv !== undefined && pv !== null) return { value: pv, from: 'pod' };
  return { value: undefined, from: 'unset' };
}

export const label = (c: ContainerInfo): string => `${c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? 'initContainer' : 'ephemeralContainer'} "${c.name}"`;

function perContainer(o: CorpusObject, bad: (p: PodInfo, c: ContainerInfo) => string | undefined, exemptWindows = false): Truth | undefined {
  const p = o.pod;
  if (!p) return undefined;
  if (exemptWindows && isWindows(p)) return { fail: false, containers: [], why: ['Windows pod (exempt)'] };
  const t: Truth = { fail: false, containers: [], why: [] };
  for (const c of p.containers) {
    const why = bad(p, c);
    if (why !== undefined) {
      t.fail = true;
      t.containers.push(c.name);
      t.why.push(`${label(c)}: ${why}`);
    }
  }
  return t;
}

function podField(field: string): Oracle {
  return (o) => {
    if (!o.pod) return undefined;
    const v = o.pod.spec[field];
    return v === true ? { fail: true, containers: [''], why: [`spec.${field}: true`] } : { fail: false, containers: [], why: [] };
  };
}

/** Image reference without a tag or with :latest, and no digest. */
export function imageTagProblem(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'no tag';
  return image.slice(colon + 1) === 'latest' ? ':latest' : undefined;
}

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

export const ORACLES: Record<string, Oracle> = {
  'POD-HOST-NETWORK': podField('hostNetwork'),
  'POD-HOST-PID': podField('hostPID'),
  'POD-HOST-IPC': podField('hostIPC'),
  'CTR-PRIVILEGED': (o) => perContainer(o, (_p, c) => (sc(c)?.privileged === true ? 'privileged: true' : undefined)),
  // PSS restricted allowPrivilegeEscalation: must be explicitly false; Windows pods exempt (1.25+).
  'CTR-PRIV-ESC': (o) =>
    perContainer(
      o,
      (_p, c) => {
        const v = sc(c)?.allowPrivilegeEscalation;
        return v === false ? undefined : v === true ? 'allowPrivilegeEscalation: true' : 'allowPrivilegeEscalation unset';
      },
      true,
    ),
  // Catalogue: effective runAsNonRoot true, or a numeric runAsUser > 0 (a non-zero UID cannot be root).
  'CTR-RUN-AS-NON-ROOT': (o) =>
    perContainer(o, (p, c) => {
      const nr = effective(p, c, 'runAsNonRoot');
      if (nr.value === true) return undefined;
      const u = effective(p, c, 'runAsUser');
      if (typeof u.value === 'number' && u.value > 0) return undefined;
      return nr.value === false ? `runAsNonRoot: false (${nr.from})` : `runAsNonRoot unset and runAsUser ${u.value === undefined ? 'unset' : String(u.value)}`;
    }),
  'CTR-RO-ROOTFS': (o) => perContainer(o, (_p, c) => (sc(c)?.readOnlyRootFilesystem === true ? undefined : `readOnlyRootFilesystem ${sc(c)?.readOnlyRootFilesystem === false ? 'false' : 'unset'}`), true),
  // PSS restricted capabilities: drop must contain the exact string "ALL"; Windows pods exempt.
  'CTR-CAPS-DROP-ALL': (o) =>
    perContainer(
      o,
      (_p, c) => {
        const drop = asList(asMap(sc(c)?.capabilities)?.drop).filter((x): x is string => typeof x === 'string');
        if (drop.includes('ALL')) return undefined;
        const lower = drop.find((d) => d.toUpperCase() === 'ALL');
        return lower ? `drop: [${lower}] (not the exact "ALL")` : drop.length ? `drop: [${drop.join(', ')}] without ALL` : 'no capabilities.drop';
      },
      true,
    ),
  // PSS restricted seccomp (1.19+): effective seccompProfile.type RuntimeDefault or Localhost for every container; annotations do not count.
  'POD-SECCOMP': (o) =>
    perContainer(
      o,
      (p, c) => {
        const r = effective(p, c, 'seccompProfile');
        const t = asMap(r.value)?.type;
        if (typeof t === 'string' && SECCOMP_OK.has(t)) return undefined;
        return t === undefined ? 'seccompProfile unset' : `seccompProfile.type ${String(t)} (${r.from})`;
      },
      true,
    ),
  'IMG-TAG': (o) =>
    perContainer(o, (_p, c) => {
      const img = c.spec.image;
      return typeof img === 'string' ? imageTagProblem(img) : undefined;
    }),
};


// ---- Checks with cross-object or non-PSS definitions (catalogue definitions, Kubernetes semantics) ----

type Labels = Record<string, string>;

function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  for (const [k, x] of Object.entries(asMap(v) ?? {})) if (typeof x === 'string') out[k] = x;
  return out;
}

/** metav1.LabelSelector semantics (matchLabels AND matchExpressions; empty selects everything). */
export function selects(selector: unknown, labels: Labels): boolean {
  const s = asMap(selector);
  if (!s) return true;
  for (const [k, v] of Object.entries(asMap(s.matchLabels) ?? {})) if (labels[k] !== v) return false;
  for (const e of asList(s.matchExpressions)) {
    const m = asMap(e);
    if (!m) continue;
    const key = String(m.key);
    const values = asList(m.values).map(String);
    const has = key in labels;
    if (m.operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (m.operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (m.operator === 'Exists' && !has) return false;
    if (m.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const nsOf = (o: CorpusObject): string => o.namespace || 'default';

export function podLabels(o: CorpusObject): Labels {
  return labelsOf(asMap(o.pod?.metadata)?.labels);
}

/** The NetworkPolicies selecting the pod, and whether they isolate ingress and egress. */
export function netpolCoverage(o: CorpusObject, all: readonly CorpusObject[]): { policies: string[]; ingress: boolean; egress: boolean } {
  const labels = podLabels(o);
  const res = { policies: [] as string[], ingress: false, egress: false };
  for (const np of all) {
    if (np.kind !== 'NetworkPolicy' || nsOf(np) !== nsOf(o)) continue;
    const spec = asMap(np.object.spec) ?? {};
    if (!selects(spec.podSelector ?? {}, labels)) continue;
    res.policies.push(np.name);
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : ['Ingress', ...(spec.egress ? ['Egress'] : [])];
    if (types.includes('Ingress')) res.ingress = true;
    if (types.includes('Egress')) res.egress = true;
  }
  return res;
}

/** LimitRange defaults (type Container) for a resource in the object's namespace. */
function limitRangeDefault(o: CorpusObject, all: readonly CorpusObject[], field: 'default' | 'defaultRequest', resource: string): boolean {
  return all.some(
    (lr) =>
      lr.kind === 'LimitRange' &&
      nsOf(lr) === nsOf(o) &&
      asList(asMap(lr.object.spec)?.limits).some((l) => {
        const m = asMap(l);
        if (!m || m.type !== 'Container') return false;
        return asMap(m[field])?.[resource] !== undefined || (field === 'defaultRequest' && asMap(m.default)?.[resource] !== undefined);
      }),
  );
}

function resourceOracle(kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): CrossOracle {
  return (o, all) =>
    perContainer(o, (_p, c) => {
      if (c.kind === 'ephemeralContainers') return undefined; // the API forbids resources there
      const r = asMap(c.spec.resources);
      if (asMap(r?.[kind])?.[resource] !== undefined) return undefined;
      // API defaulting: an unset request takes the limit's value.
      if (kind === 'requests' && asMap(r?.limits)?.[resource] !== undefined) return undefined;
      if (limitRangeDefault(o, all, kind === 'requests' ? 'defaultRequest' : 'default', resource)) return undefined;
      return `no ${kind}.${resource}`;
    });
}

/** API versions removed from Kubernetes (kind → removed-in), per the deprecated API migration guide. */
const REMOVED: Record<string, string> = {
  'extensions/v1beta1': '1.16/1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'policy/v1beta1': '1.25',
  'batch/v1beta1': '1.25',
  'batch/v2alpha1': '1.21',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'rbac.authorization.k8s.io/v1alpha1': '1.22',
  'networking.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1': '1.22 (CSIStorageCapacity 1.27)',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1alpha1': '1.17',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
  'settings.k8s.io/v1alpha1': '1.20',
};

function rules(o: CorpusObject): JsonMap[] {
  return asList(o.object.rules).map((r) => asMap(r)).filter((r): r is JsonMap => !!r);
}
const strs = (v: unknown): string[] => asList(v).map(String);

type CrossOracle = (o: CorpusObject, all: readonly CorpusObject[]) => Truth | undefined;

const DEFAULT_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const capsOf = (c: ContainerInfo, list: 'add' | 'drop'): string[] => strs(asMap(sc(c)?.capabilities)?.[list]);
const isRbacRole = (o: CorpusObject): boolean => o.kind === 'Role' || o.kind === 'ClusterRole';

/** Whether a rule of the role grants one of the verbs on group/resource ("*" matches anything; "pods/*" any subresource). */
export function grants(o: CorpusObject, verbs: string[], group: string, resource: string): { hit: boolean; wildcard: boolean } {
  let hit = false;
  let wildcard = true;
  for (const r of rules(o)) {
    const vs = strs(r.verbs);
    const gs = strs(r.apiGroups);
    const rs = strs(r.resources);
    const [res, sub] = resource.split('/');
    const v = vs.includes('*') || verbs.some((x) => vs.includes(x));
    const g = gs.includes('*') || gs.includes(group);
    const rr = rs.includes('*') || rs.includes(resource) || (sub !== undefined && (rs.includes(`${res}/*`) || rs.includes(`*/${sub}`)));
    if (v && g && rr && strs(r.resourceNames).length === 0) {
      hit = true;
      const literal = (vs.some((x) => verbs.includes(x)) && gs.includes(group) && rs.includes(resource));
      if (literal) wildcard = false;
    }
  }
  return { hit, wildcard: hit && wildcard };
}

/** verbs, API group, resource (or resource/subresource), and when the grant counts (default: in any Role or ClusterRole). */
type GrantTarget = [string[], string, string, ((o: CorpusObject) => boolean)?];

/** Cluster-scoped resources: only a ClusterRole can grant them. */
const clusterOnly = (o: CorpusObject): boolean => o.kind === 'ClusterRole';

function grantOracle(targets: GrantTarget[]): CrossOracle {
  return (o) => {
    if (!isRbacRole(o)) return undefined;
    const hit = targets.filter(([v, g, r, when]) => (when?.(o) ?? true) && grants(o, v, g, r).hit);
    const hits = hit.map(([v, g, r]) => `${v.join('/')} on ${r}${g ? `.${g}` : ''}`);
    const viaWildcard = hit.every(([v, g, r]) => grants(o, v, g, r).wildcard);
    return { fail: hits.length > 0, containers: hits.length ? [''] : [], why: hits.length ? [`grants ${hits.join(', ')}${viaWildcard ? ' (through "*")' : ''}`] : [] };
  };
}

const WRITE = ['create', 'update', 'patch', 'delete'];
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const ADMISSION_GROUP = 'admissionregistration.k8s.io';

export const CROSS_ORACLES: Record<string, CrossOracle> = {
  // Long-running workloads only (not bare Pods, Jobs, CronJobs, run-to-completion templates); regular containers.
  'REL-PROBES': (o) => {
    if (!o.pod || ['Pod', 'Job', 'CronJob'].includes(o.kind) || o.pod.spec.restartPolicy === 'Never' || o.pod.spec.restartPolicy === 'OnFailure') return o.pod ? { fail: false, containers: [], why: ['not a long-running workload'] } : undefined;
    return perContainer(o, (_p, c) => (c.kind !== 'containers' ? undefined : !c.spec.livenessProbe ? 'no livenessProbe' : !c.spec.readinessProbe ? 'no readinessProbe' : undefined));
  },
  'RBAC-SECRETS': grantOracle([[['get', 'list', 'watch'], '', 'secrets']]),
  'RBAC-EXEC-ATTACH': grantOracle([
    [['create', 'get'], '', 'pods/exec'],
    [['create', 'get'], '', 'pods/attach'],
  ]),
  'RBAC-NODES-PROXY': grantOracle([[['get', 'create', 'update', 'patch', 'delete'], '', 'nodes/proxy']]),
  // Catalogue: ConfigMaps count where cluster components read them (a ClusterRole, or kube-system);
  // services/status, NetworkPolicies, Endpoints(Slices) and Ingresses anywhere.
  'RBAC-CONFIG-NET': grantOracle([
    [['update', 'patch', 'create', 'delete'], '', 'configmaps', (o) => o.kind === 'ClusterRole' || o.namespace === 'kube-system'],
    [['update', 'patch'], '', 'services/status'],
    [WRITE, 'networking.k8s.io', 'networkpolicies'],
    [WRITE, '', 'endpoints'],
    [WRITE, 'discovery.k8s.io', 'endpointslices'],
    [WRITE, 'networking.k8s.io', 'ingresses'],
  ]),
  'RBAC-CREATE-WORKLOADS': grantOracle([
    [['create'], '', 'pods'],
    ...['deployments', 'daemonsets', 'statefulsets', 'replicasets'].map((r): GrantTarget => [['create', 'update', 'patch'], 'apps', r]),
    [['create', 'update', 'patch'], '', 'replicationcontrollers'],
    [['create', 'update', 'patch'], 'batch', 'jobs'],
    [['create', 'update', 'patch'], 'batch', 'cronjobs'],
  ]),
  // Escalate/bind on roles, impersonation, writing bindings (RBAC's escalation check still applies to the last).
  'RBAC-ESCALATION': grantOracle([
    [['escalate', 'bind'], RBAC_GROUP, 'roles'],
    [['escalate', 'bind'], RBAC_GROUP, 'clusterroles'],
    [['impersonate'], '', 'users', clusterOnly],
    [['impersonate'], '', 'groups', clusterOnly],
    [['impersonate'], '', 'serviceaccounts'],
    [['impersonate'], 'authentication.k8s.io', 'uids', clusterOnly],
    [['impersonate'], 'authentication.k8s.io', 'userextras', clusterOnly],
    [['create', 'update', 'patch'], RBAC_GROUP, 'rolebindings'],
    [['create', 'update', 'patch'], RBAC_GROUP, 'clusterrolebindings', clusterOnly],
  ]),
  'RBAC-WEBHOOKCFG': grantOracle(
    ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'].map(
      (r): GrantTarget => [[...WRITE, 'deletecollection'], ADMISSION_GROUP, r, clusterOnly],
    ),
  ),
  // Events and pod logs (covering tracks), or delete on every resource ("*").
  'RBAC-DELETE': grantOracle([
    [['delete', 'deletecollection'], '', 'events'],
    [['delete', 'deletecollection'], 'events.k8s.io', 'events'],
    [['delete', 'deletecollection'], '', 'pods/log'],
    [['delete', 'deletecollection'], '', '*'],
  ]),
  // A binding of cluster-admin, or of a role of the scan with every verb on every resource; the
  // bootstrap binding of system:masters and bindings without subjects do not count.
  'RBAC-CLUSTER-ADMIN': (o, all) => {
    if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') return undefined;
    const ref = asMap(o.object.roleRef) ?? {};
    const subjects = asList(o.object.subjects).map((x) => asMap(x)).filter((x): x is JsonMap => !!x);
    if (subjects.length === 0 || subjects.every((x) => x.kind === 'Group' && x.name === 'system:masters')) return { fail: false, containers: [], why: ['no subject but system:masters'] };
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') return { fail: true, containers: [''], why: ['binds ClusterRole cluster-admin'] };
    const role = all.find((r) => r.kind === ref.kind && r.name === ref.name && (ref.kind === 'ClusterRole' || nsOf(r) === nsOf(o)));
    const everything = !!role && rules(role).some((r) => ['verbs', 'apiGroups', 'resources'].every((f) => strs(r[f]).includes('*')) && strs(r.resourceNames).length === 0);
    return { fail: everything, containers: everything ? [''] : [], why: [everything ? `binds ${String(ref.kind)} ${String(ref.name)}, which allows every verb on every resource` : `binds ${String(ref.kind)} ${String(ref.name)}`] };
  },
  // The API server's precedence: the pod's field when set, else its ServiceAccount's (when the
  // scan has it), else the token is mounted.
  'SA-AUTOMOUNT': (o, all) => {
    if (!o.pod) return undefined;
    const own = o.pod.spec.automountServiceAccountToken;
    if (own === false) return { fail: false, containers: [], why: ['automountServiceAccountToken: false'] };
    if (own === true) return { fail: true, containers: [''], why: ['automountServiceAccountToken: true'] };
    const sa = String(o.pod.spec.serviceAccountName ?? o.pod.spec.serviceAccount ?? 'default');
    // The corpus holds the same ServiceAccount in several files (kube-prometheus and an example both ship monitoring/prometheus-adapter): the one of the pod's file first.
    const accounts = all.filter((x) => x.kind === 'ServiceAccount' && x.name === sa && nsOf(x) === nsOf(o));
    const account = accounts.find((x) => x.file === o.file) ?? accounts[0];
    if (account?.object.automountServiceAccountToken === false) return { fail: false, containers: [], why: [`ServiceAccount "${sa}" sets automountServiceAccountToken: false`] };
    return { fail: true, containers: [''], why: [`the token of ServiceAccount "${sa}" is mounted (automountServiceAccountToken unset${account ? ' on the pod and the ServiceAccount' : ''})`] };
  },
  'RES-CPU-REQ': resourceOracle('requests', 'cpu'),
  'RES-CPU-LIM': resourceOracle('limits', 'cpu'),
  'RES-MEM-REQ': resourceOracle('requests', 'memory'),
  'RES-MEM-LIM': resourceOracle('limits', 'memory'),
  'IMG-DIGEST': (o) => perContainer(o, (_p, c) => (typeof c.spec.image === 'string' && !c.spec.image.includes('@sha256:') ? 'no @sha256 digest' : undefined)),
  'CTR-RUN-AS-UID0': (o) => perContainer(o, (p, c) => (effective(p, c, 'runAsUser').value === 0 ? 'runAsUser: 0' : undefined)),
  // Catalogue (one problem, one finding): a set UID below 10000; an unset one is CTR-RUN-AS-NON-ROOT's / CTR-NONROOT-UNVERIFIABLE's.
  'CTR-HIGH-UID': (o) =>
    o.pod && isWindows(o.pod)
      ? { fail: false, containers: [], why: [] }
      : perContainer(o, (p, c) => {
          const v = effective(p, c, 'runAsUser').value;
          return typeof v === 'number' && v < 10000 ? `runAsUser ${v}` : undefined;
        }),
  // A set GID below 10000, or none while a UID is set (with neither set, CTR-RUN-AS-NON-ROOT reports it).
  'CTR-HIGH-GID': (o) =>
    o.pod && isWindows(o.pod)
      ? { fail: false, containers: [], why: [] }
      : perContainer(o, (p, c) => {
          const g = effective(p, c, 'runAsGroup').value;
          const u = effective(p, c, 'runAsUser').value;
          if (typeof g === 'number') return g < 10000 ? `runAsGroup ${g}` : undefined;
          return u !== undefined ? 'runAsGroup unset while runAsUser is set' : undefined;
        }),
  'CTR-CAPS-ADD-NONDEFAULT': (o) =>
    perContainer(o, (_p, c) => {
      const extra = capsOf(c, 'add').filter((x) => !DEFAULT_CAPS.has(x.replace(/^CAP_/, '')));
      return extra.length ? `adds ${extra.join(', ')}` : undefined;
    }),
  // A privileged container gets every capability whatever drop says: that is CTR-PRIVILEGED's finding.
  'CTR-CAPS-DROP-NET-RAW': (o) =>
    o.pod && isWindows(o.pod)
      ? { fail: false, containers: [], why: [] }
      : perContainer(o, (_p, c) => (sc(c)?.privileged === true || capsOf(c, 'drop').some((d) => d === 'ALL' || d === 'NET_RAW') ? undefined : 'NET_RAW not dropped')),
  'META-DEFAULT-NS': (o) => (o.pod ? (o.namespace === '' || o.namespace === 'default' ? { fail: true, containers: [''], why: [o.namespace ? 'namespace: default' : 'no metadata.namespace'] } : { fail: false, containers: [], why: [] }) : undefined),
  'API-DEPRECATED': (o) => {
    const gone = REMOVED[o.apiVersion];
    if (!gone) return { fail: false, containers: [], why: [] };
    return { fail: true, containers: [''], why: [`${o.apiVersion} ${o.kind} removed in ${gone}`] };
  },
  'NET-NO-NETPOL': (o, all) => {
    if (!o.pod) return undefined;
    if (o.pod.spec.hostNetwork === true) return { fail: false, containers: [], why: ['hostNetwork pod: NetworkPolicy does not apply'] };
    const c = netpolCoverage(o, all);
    if (c.ingress && c.egress) return { fail: false, containers: [], why: [`isolated by ${c.policies.join(', ')}`] };
    return { fail: true, containers: [''], why: [c.policies.length ? `selected by ${c.policies.join(', ')} but ${c.ingress ? 'egress' : 'ingress'} is not isolated` : `no NetworkPolicy of namespace "${nsOf(o)}" selects labels ${JSON.stringify(podLabels(o))}`] };
  },
  // The policy's podSelector, or a same-namespace peer podSelector of a rule, matches no pod template.
  'NET-NETPOL-DANGLING': (o, all) => {
    if (o.kind !== 'NetworkPolicy') return undefined;
    const spec = asMap(o.object.spec) ?? {};
    const matchesAny = (sel: unknown): boolean => all.some((w) => w.pod && nsOf(w) === nsOf(o) && selects(sel, podLabels(w)));
    const why: string[] = [];
    if (!matchesAny(spec.podSelector ?? {})) why.push('its podSelector matches no pod template of the scan');
    for (const dir of ['ingress', 'egress'] as const) {
      for (const rule of asList(spec[dir])) {
        for (const peer of asList(asMap(rule)?.[dir === 'ingress' ? 'from' : 'to'])) {
          const pm = asMap(peer);
          if (pm?.podSelector !== undefined && pm.namespaceSelector === undefined && !matchesAny(pm.podSelector)) why.push(`an ${dir} peer podSelector ${JSON.stringify(pm.podSelector)} matches no pod template of the namespace`);
        }
      }
    }
    return { fail: why.length > 0, containers: why.length ? [''] : [], why };
  },
  'NET-SVC-EXPOSED': (o) => {
    if (o.kind !== 'Service') return undefined;
    const t = asMap(o.object.spec)?.type;
    return t === 'NodePort' || t === 'LoadBalancer' ? { fail: true, containers: [''], why: [`type ${String(t)}`] } : { fail: false, containers: [], why: [] };
  },
  'RBAC-WILDCARD': (o) => {
    if (!isRbacRole(o)) return undefined;
    const hits = rules(o).flatMap((r, i) => (['apiGroups', 'resources', 'verbs'].some((f) => strs(r[f]).includes('*')) ? [`rule ${i}`] : []));
    return { fail: hits.length > 0, containers: hits.length ? [''] : [], why: hits.length ? [`"*" in ${hits.join(', ')}`] : [] };
  },
  // Approving a CSR needs update/patch on certificatesigningrequests/approval AND approve on signers.
  'RBAC-CSR-APPROVE': (o) => {
    if (o.kind !== 'ClusterRole') return undefined;
    const grants = (verbs: string[], group: string, resource: string): boolean =>
      rules(o).some((r) => strs(r.verbs).some((v) => v === '*' || verbs.includes(v)) && strs(r.apiGroups).some((g) => g === '*' || g === group) && strs(r.resources).some((x) => x === '*' || x === resource || x === `${resource.split('/')[0]}/*`));
    const approval = grants(['update', 'patch'], 'certificates.k8s.io', 'certificatesigningrequests/approval');
    const signers = grants(['approve'], 'certificates.k8s.io', 'signers');
    return { fail: approval && signers, containers: approval && signers ? [''] : [], why: [`approval subresource ${approval ? 'granted' : 'not granted'}, approve on signers ${signers ? 'granted' : 'not granted'}`] };
  },
};

export function truthOf(check: string, o: CorpusObject | undefined, all: readonly CorpusObject[] = []): Truth | undefined {
  if (!o) return undefined;
  const f = ORACLES[check] as Oracle | undefined;
  if (f) return f(o);
  const g = CROSS_ORACLES[check] as CrossOracle | undefined;
  return g ? g(o, all) : undefined;
}
