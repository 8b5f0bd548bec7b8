/**
 * `kubeharden audit install`: a CronJob that audits the cluster on a schedule and writes
 * PolicyReports, with a least-privilege identity (get/list on what the audit reads — generated
 * from the same catalogue — get on nodes/configz for the kubelets, plus writes on the report kinds
 * only) and the report CRDs. Hardened
 * so that `kubeharden scan --pss restricted` of the output has nothing at medium or above; the
 * one exemption it needs (listing Secrets, for legacy tokens) is stated on the objects.
 * Pure: options in, objects out.
 */
import { AUDITED, CRD_RESOURCE } from './catalogue.js';
import { reportCrds } from './crds.js';
import { REPORT_APIS, type ReportApi } from './policy-report.js';
import { hardenedContainerSecurityContext, restrictedNamespace } from '../k8s/own-workloads.js';

export const AUDIT_NAME = 'kubeharden-audit';
/** The fine-grained kubelet permission for /configz alone (src/audit/collectors/control-plane.ts). */
const KUBELET_CONFIGZ_RESOURCE = 'nodes/configz';
/** The kubelet's HTTPS port (its default; Node status.daemonEndpoints says the real one). */
const KUBELET_PORT = 10250;
export const DEFAULT_AUDIT_NAMESPACE = 'kubeharden-system';
export const DEFAULT_SCHEDULE = '0 * * * *';

export interface AuditInstallOptions {
  namespace: string;
  schedule: string;
  image: string;
  api: ReportApi;
  /** Also print the report CRDs (leave out where Kyverno or another tool already installed them). */
  crds: boolean;
  /** Extra `group/resource` the audit may list (custom resources with pod templates). */
  extraResources: readonly string[];
  /** Extra arguments for `kubeharden audit` in the CronJob (e.g. --pss restricted). */
  auditArgs: readonly string[];
}

type Obj = Record<string, unknown>;

const LABELS = { 'app.kubernetes.io/name': AUDIT_NAME, 'app.kubernetes.io/part-of': 'kubeharden' };
const SELECTOR = { 'app.kubernetes.io/name': AUDIT_NAME };

const SECRETS_EXEMPTION =
  'kubeharden audit lists Secrets only as metadata (PartialObjectMetadataList, type=kubernetes.io/service-account-token) to report legacy tokens; RBAC has no metadata-only verb. The token is short-lived and the pod has no writable filesystem and egress only to the API server and the kubelets (for /configz).';

/** The ClusterRole's rules: read what the audit reads, write the report kinds. */
export function auditRules(api: ReportApi, extraResources: readonly string[]): Obj[] {
  const byGroup = new Map<string, Set<string>>();
  const add = (group: string, resource: string) => {
    let s = byGroup.get(group);
    if (!s) byGroup.set(group, (s = new Set()));
    s.add(resource);
  };
  for (const r of AUDITED) add(r.group, r.resource);
  add(CRD_RESOURCE.group, CRD_RESOURCE.resource);
  for (const gr of extraResources) {
    const slash = gr.indexOf('/');
    if (slash <= 0 || slash === gr.length - 1 || gr.indexOf('/', slash + 1) >= 0) throw new Error(`--resource expects group/resource (e.g. argoproj.io/rollouts), got "${gr}"`);
    add(gr.slice(0, slash), gr.slice(slash + 1));
  }
  const k = REPORT_APIS[api];
  const rules: Obj[] = [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: ['get', 'list'] }));
  rules.push({ apiGroups: [k.group], resources: [k.namespaced.resource, k.cluster.resource], verbs: ['get', 'list', 'create', 'patch', 'update', 'delete'] });
  // Deprecated API usage comes from the API server's metrics.
  rules.push({ nonResourceURLs: ['/metrics'], verbs: ['get'] });
  // Each kubelet's effective configuration, asked of the kubelet itself (KubeletFineGrainedAuthz):
  // nodes/configz reads /configz only, where nodes/proxy would allow exec into every pod.
  rules.push({ apiGroups: [''], resources: [KUBELET_CONFIGZ_RESOURCE], verbs: ['get'] });
  return rules;
}

export function auditInstallManifests(o: AuditInstallOptions): Obj[] {
  const ns = o.namespace;
  const meta = (name: string, extra: Obj = {}): Obj => ({ name, namespace: ns, labels: LABELS, ...extra });
  const out: Obj[] = [];
  if (o.crds) out.push(...reportCrds(o.api));
  // The same namespace as `webhook install` makes (both can share one).
  out.push(restrictedNamespace(ns));
  out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(AUDIT_NAME), automountServiceAccountToken: false });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: AUDIT_NAME, labels: LABELS, annotations: { 'ignore.kubeharden.io/RBAC-SECRETS': SECRETS_EXEMPTION } },
    rules: auditRules(o.api, o.extraResources),
  });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: AUDIT_NAME, labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: AUDIT_NAME },
    subjects: [{ kind: 'ServiceAccount', name: AUDIT_NAME, namespace: ns }],
  });
  const args = ['audit', '--write-reports', `--report-api=${o.api}`, '--fail-on=none', ...o.auditArgs];
  out.push({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(AUDIT_NAME),
    spec: {
      schedule: o.schedule,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          // A failed audit (exit 2: something could not be read) is visible as a failed Job; retrying at once would fail the same way.
          backoffLimit: 0,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels: LABELS, annotations: { 'ignore.kubeharden.io/WL-SA-POWER': SECRETS_EXEMPTION } },
            spec: {
              serviceAccountName: AUDIT_NAME,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              restartPolicy: 'Never',
              securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'audit',
                  image: o.image,
                  imagePullPolicy: 'IfNotPresent',
                  args,
                  env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=768' }],
                  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                  securityContext: hardenedContainerSecurityContext(),
                  volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
                },
              ],
              volumes: [
                {
                  // The API token, explicit and short-lived, instead of automount.
                  name: 'kube-api-access',
                  projected: {
                    defaultMode: 0o440,
                    sources: [
                      { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
                      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
                    ],
                  },
                },
              ],
            },
          },
        },
      },
    },
  });
  out.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(AUDIT_NAME),
    spec: {
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress', 'Egress'],
      // It serves nothing; it talks to the API server (whose port differs per distribution) and
      // to the kubelets' port for their /configz.
      ingress: [],
      egress: [{ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }, { protocol: 'TCP', port: KUBELET_PORT }] }],
    },
  });
  out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  return out;
}
