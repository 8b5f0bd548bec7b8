/**
 * What `kubeharden audit` reads from a cluster: every kind a check looks at, and nothing else.
 * The same table gives the ClusterRole of `audit install` and the list in docs/audit.md, so the
 * permissions never drift from what the audit does.
 *
 * `global` kinds are held for the whole audit, because checks of one namespace read them:
 * cluster-scoped objects (Namespace labels, ClusterRoles), and the RBAC objects and
 * ServiceAccounts of every namespace (a RoleBinding in one namespace can grant a ServiceAccount
 * of another). Everything else is read and checked one namespace at a time.
 */

export interface AuditedResource {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Held for the whole audit (see above). */
  global: boolean;
  /** Read with `-n` too, as context for the namespaces audited (cluster-scoped kinds only). */
  namespaceContext?: boolean;
  /** Only the metadata of these objects is transferred. */
  metadataOnly?: boolean;
  /** A field selector that narrows the list. */
  fieldSelector?: string;
  /** What it is read for (docs and the ClusterRole). */
  why: string;
}

export const AUDITED: readonly AuditedResource[] = [
  { group: '', resource: 'namespaces', kind: 'Namespace', namespaced: false, global: true, namespaceContext: true, why: 'Pod Security labels; the namespaces to audit' },
  { group: '', resource: 'nodes', kind: 'Node', namespaced: false, global: true, why: 'public addresses, kubelet versions' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, global: true, namespaceContext: true, why: 'RBAC checks; what ServiceAccounts may do' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, global: true, namespaceContext: true, why: 'RBAC checks; what ServiceAccounts may do' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', kind: 'Role', namespaced: true, global: true, why: 'RBAC checks; what ServiceAccounts may do' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, global: true, why: 'RBAC checks; what ServiceAccounts may do' },
  { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, global: true, why: 'token automount, references from pods' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, global: true, why: 'admission posture (failurePolicy)' },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false, global: true, why: 'admission posture' },
  { group: '', resource: 'pods', kind: 'Pod', namespaced: true, global: false, why: 'bare, static and mirror pods (pods of controllers are folded into them)' },
  { group: '', resource: 'podtemplates', kind: 'PodTemplate', namespaced: true, global: false, why: 'pod templates' },
  { group: '', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true, global: false, why: 'pod templates' },
  { group: 'apps', resource: 'deployments', kind: 'Deployment', namespaced: true, global: false, why: 'pod templates' },
  { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, global: false, why: 'pod templates (folded into their Deployment)' },
  { group: 'apps', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, global: false, why: 'pod templates' },
  { group: 'apps', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, global: false, why: 'pod templates' },
  { group: 'batch', resource: 'jobs', kind: 'Job', namespaced: true, global: false, why: 'pod templates (folded into their CronJob)' },
  { group: 'batch', resource: 'cronjobs', kind: 'CronJob', namespaced: true, global: false, why: 'pod templates' },
  { group: '', resource: 'services', kind: 'Service', namespaced: true, global: false, why: 'exposure (LoadBalancer, NodePort, externalIPs)' },
  { group: 'networking.k8s.io', resource: 'ingresses', kind: 'Ingress', namespaced: true, global: false, why: 'TLS, risky annotations' },
  { group: 'networking.k8s.io', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, global: false, why: 'isolation of pods' },
  { group: '', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, global: false, why: 'credentials stored in ConfigMaps' },
  { group: '', resource: 'limitranges', kind: 'LimitRange', namespaced: true, global: false, why: 'default requests and limits' },
  { group: '', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, global: false, why: 'quotas' },
  {
    group: '',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    global: false,
    metadataOnly: true,
    fieldSelector: 'type=kubernetes.io/service-account-token',
    why: 'legacy ServiceAccount token Secrets, metadata only (their values are never transferred)',
  },
];

/** CustomResourceDefinitions: read to find custom resources with pod templates (not checked themselves). */
export const CRD_RESOURCE = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition' } as const;

/** The Secret type a metadata-only Secret is known to have (from its list's field selector). */
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';

/** Kinds held for the whole audit, whatever their scope. */
export const GLOBAL_KINDS: ReadonlySet<string> = new Set(AUDITED.filter((r) => r.global).map((r) => r.kind));
