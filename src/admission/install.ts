/**
 * `kubeharden webhook install`: the manifests that run the webhook, hardened so that
 * `kubeharden scan` of the output has nothing at medium or above. Pure: options in, objects out
 * (the CLI prints them as YAML).
 *
 * failurePolicy by mode: enforce → Fail for the namespaced webhook (a webhook that fails open
 * enforces nothing while it is down), warn/audit → Ignore (advice must never block). The
 * cluster-scoped RBAC webhook and the mutating webhook are always Ignore: cluster-scoped
 * objects are where admission deadlocks happen (no namespaceSelector can exempt them), and a
 * skipped mutation is caught by validation.
 */
import { parse, stringify } from 'yaml';
import { loadConfig } from '../engine/config.js';
import { isMap } from '../k8s/json.js';
import { inlineImageKeys, imageInstallNeeds } from './images.js';
import { compilePolicy, DEFAULT_POLICY, type Mode, type PolicySpec } from './policy.js';
import type { GeneratedCerts } from './tls.js';
import { hardenedContainerSecurityContext, restrictedNamespace } from '../k8s/own-workloads.js';

export const DEFAULT_NAMESPACE = 'kubeharden-system';
export const NAME = 'kubeharden-webhook';
export const VALIDATING_WEBHOOK = 'validate.kubeharden.io';
export const VALIDATING_CLUSTER_WEBHOOK = 'validate-cluster.kubeharden.io';
export const MUTATING_WEBHOOK = 'mutate.kubeharden.io';
export const PORT = 8443;

export type CertSource =
  | { kind: 'generated'; certs: GeneratedCerts }
  | { kind: 'cert-manager' }
  | { kind: 'secret'; secretName: string; caPem: string };

export interface InstallOptions {
  namespace: string;
  image: string;
  replicas: number;
  /** The mode of the default policy's catch-all rule, and the failurePolicy of the namespaced webhook. */
  mode: Mode;
  failurePolicy?: 'Fail' | 'Ignore';
  /** Register the mutating webhook (namespaces opt in with the kubeharden.io/mutate=true label). */
  mutate: boolean;
  certs: CertSource;
  /** Policy document (already parsed); default: the built-in policy in `mode`. */
  policy?: unknown;
  /** Directory of the policy file, for configFile references (inlined into the ConfigMap). */
  policyDir?: string;
  timeoutSeconds: number;
  /** Extra `group/version/resource` with pod templates (custom resources). */
  extraResources: string[];
}

type Obj = Record<string, unknown>;

const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'kubeharden' };
const SELECTOR = { 'app.kubernetes.io/name': NAME };

interface RuleSpec {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope: string;
}

/** Namespaced resources the validating webhook sees. Secrets and ConfigMaps are left out on purpose: sending their values to a webhook widens who sees them. */
const NAMESPACED_RULES: Omit<RuleSpec, 'operations' | 'scope'>[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers', 'podtemplates', 'replicationcontrollers', 'services'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
  { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses', 'networkpolicies'] },
  { apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['roles', 'rolebindings'] },
];

const MUTATED_RULES: Omit<RuleSpec, 'operations' | 'scope'>[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'podtemplates', 'replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
];

function extraRules(extra: readonly string[]): Omit<RuleSpec, 'operations' | 'scope'>[] {
  return extra.map((gvr) => {
    const parts = gvr.split('/');
    if (parts.length !== 3 || parts.some((p) => !p)) throw new Error(`--resource expects group/version/resource (e.g. argoproj.io/v1alpha1/rollouts), got "${gvr}"`);
    return { apiGroups: [parts[0]], apiVersions: [parts[1]], resources: [parts[2]] };
  });
}

/** The policy to ship: the file's (configFile references inlined, since only the policy is mounted) or the default in `mode`. */
export function policyForInstall(opts: Pick<InstallOptions, 'policy' | 'policyDir' | 'mode'>, webhookNamespace: string): PolicySpec {
  let spec: PolicySpec;
  if (opts.policy !== undefined) {
    spec = structuredClone(opts.policy) as PolicySpec;
    if (isMap(spec) && isMap(spec.profiles)) {
      for (const [name, p] of Object.entries(spec.profiles)) {
        if (!isMap(p) || typeof p.configFile !== 'string') continue;
        const { configFile, ...rest } = p;
        const base = loadConfig(opts.policyDir ? `${opts.policyDir}/${configFile}` : configFile);
        const { exclude: _exclude, ...usable } = base;
        spec.profiles[name] = { ...usable, ...rest } as (typeof spec.profiles)[string];
      }
      inlineImageKeys(spec.profiles as Record<string, unknown>, opts.policyDir);
    }
  } else {
    spec = structuredClone(DEFAULT_POLICY);
    spec.rules = [{ name: 'default', [opts.mode]: 'default' }];
    spec.clusterScoped = { [opts.mode]: 'default' };
  }
  // Throws PolicyError with the field at fault. The files an image policy names are paths in the pod: not read here.
  compilePolicy(spec, { webhookNamespace, source: 'policy', images: { validateOnly: true } });
  return spec;
}

function excludedNamespaces(ns: string): Obj {
  return { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set(['kube-system', ns])] }] };
}

type ImageNeeds = ReturnType<typeof imageInstallNeeds>;

/** What every part of the install names: the namespace, the TLS Secret, the metadata helper. */
interface Names {
  ns: string;
  tlsSecret: string;
  meta: (name: string, extra?: Obj) => Obj;
}

export function installManifests(o: InstallOptions): Obj[] {
  const ns = o.namespace;
  const names: Names = {
    ns,
    tlsSecret: o.certs.kind === 'secret' ? o.certs.secretName : `${NAME}-tls`,
    meta: (name, extra = {}) => ({ name, namespace: ns, labels: LABELS, ...extra }),
  };
  const policy = policyForInstall(o, ns);
  // Image rules need registries (DNS, HTTPS) and a writable cache directory.
  const images = imageInstallNeeds(policy.profiles as Record<string, unknown>);
  return [
    ...accessObjects(policy, names),
    ...tlsObjects(o.certs, names),
    deployment(o, names, images),
    ...networkObjects(names, images),
    ...webhookConfigurations(o, names),
  ];
}

/** The Namespace (Pod Security restricted), the ServiceAccount and its one permission, the policy ConfigMap. */
function accessObjects(policy: PolicySpec, { ns, meta }: Names): Obj[] {
  const policyYaml = stringify(policy, { lineWidth: 0 });
  return [
    restrictedNamespace(ns),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME), automountServiceAccountToken: false },
    // The only API access: reading Namespace labels (the profiles kubeharden.io/<mode> labels pick).
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: NAME, labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: NAME, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: ns }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${NAME}-policy`), data: { 'policy.yaml': policyYaml } },
  ];
}

/** The serving certificate: a generated Secret, cert-manager issuers and certificates, or nothing (an existing Secret). */
function tlsObjects(certs: CertSource, { ns, tlsSecret, meta }: Names): Obj[] {
  if (certs.kind === 'generated') {
    return [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta(tlsSecret, {
          annotations: {
            // The values are generated by this command for this cluster, which is what the check
            // asks for; the warning on stderr and the header say not to commit them.
            'ignore.kubeharden.io/SEC-SECRET-DATA': 'generated by kubeharden webhook install for this cluster: apply it, do not commit it (or use --cert-manager)',
          },
        }),
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': certs.certs.cert, 'tls.key': certs.certs.key, 'ca.crt': certs.certs.caPem },
      },
    ];
  }
  if (certs.kind !== 'cert-manager') return [];
  const service = NAME;
  const sans = [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
  // A self-signed root, a CA issuer from it, and the serving certificate it renews: the CA
  // (injected into caBundle) stays while the serving certificate rotates and is reloaded.
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta(`${NAME}-selfsigned`), spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(`${NAME}-ca`),
      spec: {
        isCA: true,
        commonName: `${NAME}-ca`,
        secretName: `${NAME}-ca`,
        duration: '43800h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: `${NAME}-selfsigned`, kind: 'Issuer' },
      },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta(`${NAME}-ca`), spec: { ca: { secretName: `${NAME}-ca` } } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(NAME),
      spec: {
        secretName: tlsSecret,
        dnsNames: sans,
        duration: '2160h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature', 'key encipherment'],
        issuerRef: { name: `${NAME}-ca`, kind: 'Issuer' },
      },
    },
  ];
}

/** The webhook Deployment, hardened: restricted, read-only, no automounted token, spread over nodes and zones. */
function deployment(o: InstallOptions, { tlsSecret, meta }: Names, images: ImageNeeds): Obj {
  const probe = (path: string, period: number, failures: number): Obj => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: failures,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(NAME),
    spec: {
      replicas: o.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: SELECTOR } } }],
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } }],
          containers: [
            {
              name: 'webhook',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args: [
                'webhook',
                'serve',
                `--listen=0.0.0.0:${PORT}`,
                '--tls-cert=/etc/kubeharden/tls/tls.crt',
                '--tls-key=/etc/kubeharden/tls/tls.key',
                '--policy=/etc/kubeharden/policy/policy.yaml',
                '--shutdown-delay=5s',
              ],
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'NODE_OPTIONS', value: '--max-old-space-size=192' },
              ],
              ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              startupProbe: probe('/readyz', 2, 30),
              readinessProbe: probe('/readyz', 5, 2),
              livenessProbe: probe('/healthz', 10, 3),
              securityContext: hardenedContainerSecurityContext(),
              volumeMounts: [
                { name: 'tls', mountPath: '/etc/kubeharden/tls', readOnly: true },
                { name: 'policy', mountPath: '/etc/kubeharden/policy', readOnly: true },
                { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
                ...images.cacheDirs.map((d, i) => ({ name: `image-cache-${i}`, mountPath: d })),
              ],
            },
          ],
          volumes: [
            { name: 'tls', secret: { secretName: tlsSecret, defaultMode: 0o440 } },
            { name: 'policy', configMap: { name: `${NAME}-policy`, defaultMode: 0o440 } },
            ...images.cacheDirs.map((_d, i) => ({ name: `image-cache-${i}`, emptyDir: { sizeLimit: '256Mi' } })),
            {
              // The token for the Namespace watch, explicit and short-lived, instead of automount.
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
  };
}

/** The PodDisruptionBudget, the Service and the NetworkPolicies (webhook port in, API server (and registries) out, the rest denied). */
function networkObjects({ meta }: Names, images: ImageNeeds): Obj[] {
  return [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(NAME),
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(NAME),
      spec: { type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(NAME),
      spec: {
        podSelector: { matchLabels: SELECTOR },
        policyTypes: ['Ingress', 'Egress'],
        // The API server calls from outside the pod network (its address differs per
        // distribution), so ingress is limited by port; egress only reaches the API server.
        ingress: [{ ports: [{ protocol: 'TCP', port: PORT }] }],
        egress: [
          { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
          // Image signature rules fetch from registries by name: DNS too.
          ...(images.registries ? [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] : []),
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
  ];
}

/** The validating webhooks (namespaced and cluster-scoped) and, when asked for, the mutating one. */
function webhookConfigurations(o: InstallOptions, { ns }: Names): Obj[] {
  const caBundle = o.certs.kind === 'generated' ? o.certs.certs.caPem : o.certs.kind === 'secret' ? o.certs.caPem : undefined;
  const clientConfig = (path: string): Obj => ({
    service: { name: NAME, namespace: ns, path, port: 443 },
    ...(caBundle ? { caBundle: Buffer.from(caBundle).toString('base64') } : {}),
  });
  const configMeta = (): Obj => ({
    name: 'kubeharden',
    labels: LABELS,
    ...(o.certs.kind === 'cert-manager' ? { annotations: { 'cert-manager.io/inject-ca-from': `${ns}/${NAME}-ca` } } : {}),
  });
  const extra = extraRules(o.extraResources);
  const failurePolicy = o.failurePolicy ?? (o.mode === 'enforce' ? 'Fail' : 'Ignore');
  const common = { sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: o.timeoutSeconds, matchPolicy: 'Equivalent' };
  const out: Obj[] = [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: configMeta(),
      webhooks: [
        {
          name: VALIDATING_WEBHOOK,
          clientConfig: clientConfig('/validate'),
          failurePolicy,
          ...common,
          namespaceSelector: excludedNamespaces(ns),
          rules: [
            ...[...NAMESPACED_RULES, ...extra].map((r) => ({ ...r, operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' })),
            // Namespace label changes (the namespaceSelector also applies to Namespace objects).
            { apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], operations: ['CREATE', 'UPDATE'], scope: 'Cluster' },
          ],
        },
        {
          name: VALIDATING_CLUSTER_WEBHOOK,
          clientConfig: clientConfig('/validate'),
          failurePolicy: 'Ignore',
          ...common,
          rules: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['clusterroles', 'clusterrolebindings'], operations: ['CREATE', 'UPDATE'], scope: 'Cluster' }],
        },
      ],
    },
  ];
  if (o.mutate) {
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: configMeta(),
      webhooks: [
        {
          name: MUTATING_WEBHOOK,
          clientConfig: clientConfig('/mutate'),
          failurePolicy: 'Ignore',
          reinvocationPolicy: 'IfNeeded',
          ...common,
          namespaceSelector: { matchExpressions: [...(excludedNamespaces(ns).matchExpressions as Obj[]), { key: 'kubeharden.io/mutate', operator: 'In', values: ['true'] }] },
          rules: [...MUTATED_RULES, ...extra].map((r) => ({ ...r, operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' })),
        },
      ],
    });
  }
  return out;
}

/** Multi-document YAML, with a header saying what it is and how it was made. */
export function renderManifests(objects: readonly Obj[], header: string[]): string {
  const head = header.map((l) => `# ${l}`).join('\n');
  return `${head}\n${objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('')}`;
}

/** Parses a policy file's text for install (YAML or JSON). */
export function parsePolicyText(text: string): unknown {
  return parse(text);
}
