/**
 * The escalation catalogue (research notes §A.3, 20 rows): permissions that let their holder
 * gain more power. Each row is data: a condition over the rules a subject holds in one scope,
 * written as requests evaluated with the engine's exact matching (so `*∕*` and `pods/*` are
 * literals, `*` in apiGroups does not widen resources, resourceNames restrict).
 *
 * A condition is an AND of requirements; a requirement is an OR of requests. A request with
 * `cluster: true` names a cluster-scoped resource: only cluster-wide grants count for it.
 */
import type { Severity } from '../engine/types.js';

export interface ProbeRequest {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  /** Cluster-scoped resource: only ClusterRoleBindings grant it. */
  cluster?: boolean;
  /** `namespaces` itself: in namespace N, the request is for the object named N. */
  selfNamespace?: boolean;
}

export type Requirement = ProbeRequest[];

/** What holding the row lets the holder become (followed transitively). */
export type Edge = 'service-accounts' | 'token-service-accounts' | 'pod-service-accounts' | 'impersonate';

export interface CatalogueRow {
  /** Row number in §A.3. */
  row: number;
  id: string;
  title: string;
  severity: Severity;
  /** Severity when held cluster-wide or in kube-system (defaults to severity). */
  severityWide?: Severity;
  why: string;
  /** AND of ORs; absent for rows evaluated by shape (wildcards, special subjects). */
  all?: Requirement[];
  /** Only in these namespaces (or cluster-wide). */
  namespaces?: string[];
  edge?: Edge;
  source: string;
}

/**
 * Verbs on resources: a permission as the catalogue probes it (every verb on every resource, in
 * that order) and as the RBAC-* scan checks look for it in Role rules (checks/rbac/_lib.ts
 * targetsOf). Defined once here for both.
 */
export interface Permission {
  verbs: readonly string[];
  resources: ReadonlyArray<readonly [group: string, resource: string, subresource?: string]>;
  /** Cluster-scoped resources: only cluster-wide grants count. */
  cluster?: boolean;
  /** `namespaces` itself: in namespace N, the request is for the object named N. */
  selfNamespace?: boolean;
}

/** The requests a permission stands for, verb by verb: the order the catalogue tries them in. */
export function requestsOf(...permissions: Permission[]): ProbeRequest[] {
  return permissions.flatMap((p) =>
    p.verbs.flatMap((verb) =>
      p.resources.map(([group, resource, subresource]) => ({
        verb,
        group,
        resource,
        ...(subresource ? { subresource } : {}),
        ...(p.cluster ? { cluster: true } : {}),
        ...(p.selfNamespace ? { selfNamespace: true } : {}),
      })),
    ),
  );
}

const WORKLOADS: Permission['resources'] = [
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['', 'replicationcontrollers'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];

// A resource and group no cluster serves: only `*` can match it.
const ANY_GROUP = 'zz-any.kubeharden.invalid';
const ANY_RESOURCE = 'zz-any-resource';

const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';
const ADMISSION_OBJECTS: Permission['resources'] = [
  [ADMISSION, 'validatingwebhookconfigurations'],
  [ADMISSION, 'mutatingwebhookconfigurations'],
  [ADMISSION, 'validatingadmissionpolicies'],
  [ADMISSION, 'validatingadmissionpolicybindings'],
  [ADMISSION, 'mutatingadmissionpolicies'],
  [ADMISSION, 'mutatingadmissionpolicybindings'],
];

/** The permissions of the catalogue rows, by name. */
export const PERMISSIONS = {
  createPods: { verbs: ['create'], resources: [['', 'pods']] },
  writeWorkloads: { verbs: ['create', 'update', 'patch'], resources: WORKLOADS },
  readSecrets: { verbs: ['get', 'list', 'watch'], resources: [['', 'secrets']] },
  writeSecrets: { verbs: ['create', 'update'], resources: [['', 'secrets']] },
  requestTokens: { verbs: ['create'], resources: [['', 'serviceaccounts', 'token']] },
  execAttach: { verbs: ['create', 'get'], resources: [['', 'pods', 'exec'], ['', 'pods', 'attach']] },
  ephemeralContainers: { verbs: ['update', 'patch'], resources: [['', 'pods', 'ephemeralcontainers']] },
  updatePods: { verbs: ['update', 'patch'], resources: [['', 'pods']] },
  nodesProxy: { verbs: ['get', 'create'], resources: [['', 'nodes', 'proxy']], cluster: true },
  escalateRoles: { verbs: ['escalate'], resources: [[RBAC, 'roles'], [RBAC, 'clusterroles']] },
  bindRoles: { verbs: ['bind'], resources: [[RBAC, 'roles'], [RBAC, 'clusterroles']] },
  writeBindings: { verbs: ['create', 'update', 'patch'], resources: [[RBAC, 'rolebindings'], [RBAC, 'clusterrolebindings']] },
  impersonateUsersGroups: { verbs: ['impersonate'], resources: [['', 'users'], ['', 'groups']], cluster: true },
  impersonateExtras: { verbs: ['impersonate'], resources: [['authentication.k8s.io', 'uids'], ['authentication.k8s.io', 'userextras']], cluster: true },
  impersonateServiceAccounts: { verbs: ['impersonate'], resources: [['', 'serviceaccounts']] },
  createCsrs: { verbs: ['create'], resources: [['certificates.k8s.io', 'certificatesigningrequests']], cluster: true },
  approveCsrs: { verbs: ['update', 'patch'], resources: [['certificates.k8s.io', 'certificatesigningrequests', 'approval']], cluster: true },
  approveSigners: { verbs: ['approve'], resources: [['certificates.k8s.io', 'signers']], cluster: true },
  changeAdmission: { verbs: ['create', 'update', 'patch', 'delete'], resources: ADMISSION_OBJECTS, cluster: true },
  createPersistentVolumes: { verbs: ['create'], resources: [['', 'persistentvolumes']], cluster: true },
  modifyNamespaces: { verbs: ['patch', 'update'], resources: [['', 'namespaces']], selfNamespace: true },
  deletePods: { verbs: ['delete'], resources: [['', 'pods']] },
  evictPods: { verbs: ['create'], resources: [['', 'pods', 'eviction']] },
  patchNodes: { verbs: ['patch', 'update'], resources: [['', 'nodes'], ['', 'nodes', 'status']], cluster: true },
  updateServiceStatus: { verbs: ['update', 'patch'], resources: [['', 'services', 'status']] },
  writeConfigMaps: { verbs: ['update', 'patch', 'create'], resources: [['', 'configmaps']] },
  changePolicyEngines: {
    verbs: ['create', 'update', 'patch', 'delete'],
    resources: [
      ['templates.gatekeeper.sh', 'constrainttemplates'],
      ['config.gatekeeper.sh', 'configs'],
      ['constraints.gatekeeper.sh', ANY_RESOURCE],
      ['kyverno.io', 'clusterpolicies'],
      ['kyverno.io', 'policies'],
      ['kyverno.io', 'policyexceptions'],
    ],
  },
  deleteEverything: { verbs: ['deletecollection'], resources: [[ANY_GROUP, ANY_RESOURCE]] },
} as const satisfies Record<string, Permission>;

const P = PERMISSIONS;

export const CATALOGUE: readonly CatalogueRow[] = [
  {
    row: 1,
    id: 'create-workloads',
    title: 'Can create pods or workloads',
    severity: 'high',
    severityWide: 'critical',
    why: 'a pod can mount any Secret, ConfigMap or PVC of the namespace and run as any ServiceAccount in it, so the holder gets every ServiceAccount\'s rights there',
    all: [requestsOf(P.createPods, P.writeWorkloads)],
    edge: 'service-accounts',
    source: 'RBAC good practices "Workload creation"; rbac-police assign_sa',
  },
  {
    row: 2,
    id: 'read-secrets',
    title: 'Can read Secrets',
    severity: 'high',
    severityWide: 'critical',
    why: 'get, list and watch all return Secret contents, including legacy ServiceAccount tokens',
    all: [requestsOf(P.readSecrets)],
    source: 'RBAC good practices "Listing secrets"; rbac-police list_secrets',
  },
  {
    row: 3,
    id: 'write-secrets',
    title: 'Can create or update Secrets',
    severity: 'medium',
    severityWide: 'high',
    why: 'a kubernetes.io/service-account-token Secret gets a token for any ServiceAccount of the namespace; with read access that is a takeover',
    all: [requestsOf(P.writeSecrets)],
    source: 'rbac-police issue_token_secrets',
  },
  {
    row: 4,
    id: 'token-request',
    title: 'Can request ServiceAccount tokens',
    severity: 'high',
    severityWide: 'critical',
    why: 'TokenRequest issues a token for an existing ServiceAccount: the holder acts as it',
    all: [requestsOf(P.requestTokens)],
    edge: 'token-service-accounts',
    source: 'RBAC good practices "Token request"; rbac-police token_request',
  },
  {
    row: 5,
    id: 'exec-pods',
    title: 'Can execute code in running pods',
    severity: 'high',
    severityWide: 'critical',
    why: 'exec/attach (get suffices over WebSocket before 1.35), ephemeral containers or pod updates run code in existing pods and use their ServiceAccount tokens',
    all: [requestsOf(P.execAttach, P.ephemeralContainers, P.updatePods)],
    edge: 'pod-service-accounts',
    source: 'rbac-police pods_exec, pods_ephemeral_ctrs, modify_pods; KubiScan risky-exec-pods',
  },
  {
    row: 6,
    id: 'nodes-proxy',
    title: 'Can use the kubelet API through nodes/proxy',
    severity: 'critical',
    why: 'nodes/proxy reaches the full kubelet API, including exec in every pod of the node, bypassing audit and admission; get is enough over WebSocket',
    all: [requestsOf(P.nodesProxy)],
    source: 'RBAC good practices "Access to proxy subresource"',
  },
  {
    row: 7,
    id: 'escalate',
    title: 'Can escalate roles',
    severity: 'critical',
    why: 'the escalate verb lets the holder write rules it does not have',
    all: [requestsOf(P.escalateRoles)],
    source: 'RBAC good practices "Escalate verb"; rbac-police escalate_roles',
  },
  {
    row: 8,
    id: 'bind',
    title: 'Can bind any role',
    severity: 'critical',
    why: 'bind plus create on bindings grants any role to anyone, cluster-admin included',
    all: [requestsOf(P.bindRoles), requestsOf(P.writeBindings)],
    source: 'RBAC good practices "Bind verb"; rbac-police bind_roles',
  },
  {
    row: 9,
    id: 'impersonate',
    title: 'Can impersonate other identities',
    severity: 'critical',
    why: 'impersonation makes requests as another user, group (system:masters!) or ServiceAccount',
    all: [requestsOf(P.impersonateUsersGroups, P.impersonateExtras, P.impersonateServiceAccounts)],
    edge: 'impersonate',
    source: 'RBAC good practices "Impersonate verb"; rbac-police impersonate',
  },
  {
    row: 10,
    id: 'csr-approve',
    title: 'Can issue client certificates',
    severity: 'high',
    severityWide: 'critical',
    why: 'create + approve a CertificateSigningRequest mints a client certificate for any user or group',
    all: [requestsOf(P.createCsrs), requestsOf(P.approveCsrs), requestsOf(P.approveSigners)],
    source: 'RBAC good practices "CSRs and certificate issuing"; rbac-police approve_csrs',
  },
  {
    row: 11,
    id: 'admission-control',
    title: 'Can change admission control',
    severity: 'high',
    why: 'webhooks and admission policies see or mutate every object admitted, or switch policy off',
    all: [requestsOf(P.changeAdmission)],
    source: 'RBAC good practices "Control admission webhooks"; rbac-police control_webhooks',
  },
  {
    row: 12,
    id: 'create-pv',
    title: 'Can create PersistentVolumes',
    severity: 'high',
    why: 'a hostPath PersistentVolume exposes the node filesystem',
    all: [requestsOf(P.createPersistentVolumes)],
    source: 'RBAC good practices "Persistent volume creation"',
  },
  {
    row: 13,
    id: 'modify-namespaces',
    title: 'Can modify Namespaces',
    severity: 'medium',
    why: 'relabelling pod-security.kubernetes.io/* to privileged switches Pod Security off; labels also steer NetworkPolicy selectors',
    all: [requestsOf(P.modifyNamespaces)],
    source: 'RBAC good practices "Namespace modification"',
  },
  {
    row: 14,
    id: 'steal-pods',
    title: 'Can move pods onto a chosen node',
    severity: 'medium',
    why: 'evicting or deleting pods after cordoning (patching) nodes moves powerful pods to a node the holder controls',
    all: [requestsOf(P.deletePods, P.evictPods), requestsOf(P.patchNodes)],
    source: 'rbac-police steal_pods, modify_node_status',
  },
  {
    row: 15,
    id: 'service-status',
    title: 'Can update services/status',
    severity: 'medium',
    why: 'setting a LoadBalancer ingress IP intercepts traffic (CVE-2020-8554)',
    all: [requestsOf(P.updateServiceStatus)],
    source: 'rbac-police modify_service_status_cve_2020_8554',
  },
  {
    row: 16,
    id: 'kube-system-configmaps',
    title: 'Can modify ConfigMaps in kube-system',
    severity: 'high',
    why: 'kube-system ConfigMaps configure cluster components (EKS aws-auth maps IAM identities to system:masters; CoreDNS)',
    all: [requestsOf(P.writeConfigMaps)],
    namespaces: ['kube-system'],
    source: 'rbac-police eks_modify_aws_auth',
  },
  {
    row: 17,
    id: 'wildcard',
    title: 'Holds wildcard permissions',
    severity: 'high',
    why: '`*` in verbs or resources also grants every verb and resource added later (CRDs); `*` on everything is cluster-admin in its scope',
    source: 'RBAC good practices "Least privilege"; KubiScan risky-any-verb',
  },
  {
    row: 18,
    id: 'special-subjects',
    title: 'Grants to everyone',
    severity: 'high',
    severityWide: 'critical',
    why: 'bindings to system:unauthenticated, system:anonymous or system:authenticated give access to anyone who can reach (or authenticate to) the API',
    source: 'RBAC good practices "Hardening"; krane unauthenticated-subject-access',
  },
  {
    row: 19,
    id: 'policy-engines',
    title: 'Can change policy-engine configuration',
    severity: 'medium',
    why: 'Gatekeeper and Kyverno policies and exceptions are guardrails; write access switches them off',
    all: [requestsOf(P.changePolicyEngines)],
    source: 'rbac-tool default-rules.yaml',
  },
  {
    row: 20,
    id: 'mass-delete',
    title: 'Can delete every kind of object',
    severity: 'medium',
    why: 'deletecollection on `*` wipes whole namespaces\' worth of objects, including types added later',
    all: [requestsOf(P.deleteEverything)],
    source: 'RBAC good practices "Object creation DoS"',
  },
];

export { ANY_GROUP, ANY_RESOURCE };
