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

const w = (verbs: string[], resources: Array<[string, string, string?]>, extra: Partial<ProbeRequest> = {}): ProbeRequest[] =>
  verbs.flatMap((verb) => resources.map(([group, resource, subresource]) => ({ verb, group, resource, ...(subresource ? { subresource } : {}), ...extra })));

const WORKLOADS: Array<[string, string]> = [
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

export const CATALOGUE: readonly CatalogueRow[] = [
  {
    row: 1,
    id: 'create-workloads',
    title: 'Can create pods or workloads',
    severity: 'high',
    severityWide: 'critical',
    why: 'a pod can mount any Secret, ConfigMap or PVC of the namespace and run as any ServiceAccount in it, so the holder gets every ServiceAccount\'s rights there',
    all: [[...w(['create'], [['', 'pods']]), ...w(['create', 'update', 'patch'], WORKLOADS)]],
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
    all: [w(['get', 'list', 'watch'], [['', 'secrets']])],
    source: 'RBAC good practices "Listing secrets"; rbac-police list_secrets',
  },
  {
    row: 3,
    id: 'write-secrets',
    title: 'Can create or update Secrets',
    severity: 'medium',
    severityWide: 'high',
    why: 'a kubernetes.io/service-account-token Secret gets a token for any ServiceAccount of the namespace; with read access that is a takeover',
    all: [w(['create', 'update'], [['', 'secrets']])],
    source: 'rbac-police issue_token_secrets',
  },
  {
    row: 4,
    id: 'token-request',
    title: 'Can request ServiceAccount tokens',
    severity: 'high',
    severityWide: 'critical',
    why: 'TokenRequest issues a token for an existing ServiceAccount: the holder acts as it',
    all: [w(['create'], [['', 'serviceaccounts', 'token']])],
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
    all: [
      [
        ...w(['create', 'get'], [
          ['', 'pods', 'exec'],
          ['', 'pods', 'attach'],
        ]),
        ...w(['update', 'patch'], [['', 'pods', 'ephemeralcontainers']]),
        ...w(['update', 'patch'], [['', 'pods']]),
      ],
    ],
    edge: 'pod-service-accounts',
    source: 'rbac-police pods_exec, pods_ephemeral_ctrs, modify_pods; KubiScan risky-exec-pods',
  },
  {
    row: 6,
    id: 'nodes-proxy',
    title: 'Can use the kubelet API through nodes/proxy',
    severity: 'critical',
    why: 'nodes/proxy reaches the full kubelet API, including exec in every pod of the node, bypassing audit and admission; get is enough over WebSocket',
    all: [w(['get', 'create'], [['', 'nodes', 'proxy']], { cluster: true })],
    source: 'RBAC good practices "Access to proxy subresource"',
  },
  {
    row: 7,
    id: 'escalate',
    title: 'Can escalate roles',
    severity: 'critical',
    why: 'the escalate verb lets the holder write rules it does not have',
    all: [w(['escalate'], [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles']])],
    source: 'RBAC good practices "Escalate verb"; rbac-police escalate_roles',
  },
  {
    row: 8,
    id: 'bind',
    title: 'Can bind any role',
    severity: 'critical',
    why: 'bind plus create on bindings grants any role to anyone, cluster-admin included',
    all: [
      w(['bind'], [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles']]),
      w(['create', 'update', 'patch'], [['rbac.authorization.k8s.io', 'rolebindings'], ['rbac.authorization.k8s.io', 'clusterrolebindings']]),
    ],
    source: 'RBAC good practices "Bind verb"; rbac-police bind_roles',
  },
  {
    row: 9,
    id: 'impersonate',
    title: 'Can impersonate other identities',
    severity: 'critical',
    why: 'impersonation makes requests as another user, group (system:masters!) or ServiceAccount',
    all: [
      [
        ...w(['impersonate'], [['', 'users'], ['', 'groups'], ['authentication.k8s.io', 'uids'], ['authentication.k8s.io', 'userextras']], { cluster: true }),
        ...w(['impersonate'], [['', 'serviceaccounts']]),
      ],
    ],
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
    all: [
      w(['create'], [['certificates.k8s.io', 'certificatesigningrequests']], { cluster: true }),
      w(['update', 'patch'], [['certificates.k8s.io', 'certificatesigningrequests', 'approval']], { cluster: true }),
      w(['approve'], [['certificates.k8s.io', 'signers']], { cluster: true }),
    ],
    source: 'RBAC good practices "CSRs and certificate issuing"; rbac-police approve_csrs',
  },
  {
    row: 11,
    id: 'admission-control',
    title: 'Can change admission control',
    severity: 'high',
    why: 'webhooks and admission policies see or mutate every object admitted, or switch policy off',
    all: [
      w(
        ['create', 'update', 'patch', 'delete'],
        [
          ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
          ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'],
          ['admissionregistration.k8s.io', 'validatingadmissionpolicies'],
          ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings'],
          ['admissionregistration.k8s.io', 'mutatingadmissionpolicies'],
          ['admissionregistration.k8s.io', 'mutatingadmissionpolicybindings'],
        ],
        { cluster: true },
      ),
    ],
    source: 'RBAC good practices "Control admission webhooks"; rbac-police control_webhooks',
  },
  {
    row: 12,
    id: 'create-pv',
    title: 'Can create PersistentVolumes',
    severity: 'high',
    why: 'a hostPath PersistentVolume exposes the node filesystem',
    all: [w(['create'], [['', 'persistentvolumes']], { cluster: true })],
    source: 'RBAC good practices "Persistent volume creation"',
  },
  {
    row: 13,
    id: 'modify-namespaces',
    title: 'Can modify Namespaces',
    severity: 'medium',
    why: 'relabelling pod-security.kubernetes.io/* to privileged switches Pod Security off; labels also steer NetworkPolicy selectors',
    all: [w(['patch', 'update'], [['', 'namespaces']], { selfNamespace: true })],
    source: 'RBAC good practices "Namespace modification"',
  },
  {
    row: 14,
    id: 'steal-pods',
    title: 'Can move pods onto a chosen node',
    severity: 'medium',
    why: 'evicting or deleting pods after cordoning (patching) nodes moves powerful pods to a node the holder controls',
    all: [
      [...w(['delete'], [['', 'pods']]), ...w(['create'], [['', 'pods', 'eviction']])],
      w(['patch', 'update'], [['', 'nodes'], ['', 'nodes', 'status']], { cluster: true }),
    ],
    source: 'rbac-police steal_pods, modify_node_status',
  },
  {
    row: 15,
    id: 'service-status',
    title: 'Can update services/status',
    severity: 'medium',
    why: 'setting a LoadBalancer ingress IP intercepts traffic (CVE-2020-8554)',
    all: [w(['update', 'patch'], [['', 'services', 'status']])],
    source: 'rbac-police modify_service_status_cve_2020_8554',
  },
  {
    row: 16,
    id: 'kube-system-configmaps',
    title: 'Can modify ConfigMaps in kube-system',
    severity: 'high',
    why: 'kube-system ConfigMaps configure cluster components (EKS aws-auth maps IAM identities to system:masters; CoreDNS)',
    all: [w(['update', 'patch', 'create'], [['', 'configmaps']])],
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
    all: [
      w(
        ['create', 'update', 'patch', 'delete'],
        [
          ['templates.gatekeeper.sh', 'constrainttemplates'],
          ['config.gatekeeper.sh', 'configs'],
          ['constraints.gatekeeper.sh', ANY_RESOURCE],
          ['kyverno.io', 'clusterpolicies'],
          ['kyverno.io', 'policies'],
          ['kyverno.io', 'policyexceptions'],
        ],
      ),
    ],
    source: 'rbac-tool default-rules.yaml',
  },
  {
    row: 20,
    id: 'mass-delete',
    title: 'Can delete every kind of object',
    severity: 'medium',
    why: 'deletecollection on `*` wipes whole namespaces\' worth of objects, including types added later',
    all: [w(['deletecollection'], [[ANY_GROUP, ANY_RESOURCE]])],
    source: 'RBAC good practices "Object creation DoS"',
  },
];

export const CATALOGUE_BY_ID = new Map(CATALOGUE.map((r) => [r.id, r]));
export { ANY_GROUP, ANY_RESOURCE };
