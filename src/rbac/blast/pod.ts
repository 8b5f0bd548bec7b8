/**
 * What a compromised container finds in its own pod: the ServiceAccount token (mounted or not,
 * projected audiences), Secrets mounted or in the environment, access to its node (privileged,
 * host namespaces, hostPath, runtime sockets) and cloud credentials (workload identities, keys
 * in the environment, credential files of the node). Reads the raw pod spec JSON, so offline
 * manifests and live pods go through the same code.
 */
import { asList, asMap, asString, getIn, isMap, type JsonMap } from '../../k8s/json.js';

export const DEFAULT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface TokenFacts {
  /** The ServiceAccount's API token is in the containers' filesystem. */
  mounted: boolean;
  why: string;
  /** Projected ServiceAccount tokens: audience '' = the API server. */
  projected: Array<{ volume: string; audience: string; path: string; expirationSeconds?: number }>;
  /** Legacy token Secrets mounted (kubernetes.io/service-account-token), by Secret name. */
  legacySecrets: string[];
}

export interface NodeAccess {
  what: string;
  severity: 'critical' | 'high' | 'medium';
  detail: string;
}

export interface CloudCredential {
  what: string;
  detail: string;
}

const SHAPES: ReadonlyArray<{ spec: string[]; meta: string[] }> = [
  { spec: ['spec'], meta: ['metadata'] },
  { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
  { spec: ['template', 'spec'], meta: ['template', 'metadata'] },
];

/** The pod spec and pod metadata of a Pod, a template, a CronJob or a PodTemplate (the first shape that fits). */
export function podOf(obj: unknown): { spec: JsonMap; meta: JsonMap } | undefined {
  for (const shape of SHAPES) {
    const s = getIn(obj, shape.spec);
    if (isMap(s) && Array.isArray(s.containers)) return { spec: s, meta: asMap(getIn(obj, shape.meta)) ?? {} };
  }
  return undefined;
}

function containers(spec: JsonMap): JsonMap[] {
  return [...asList(spec.containers), ...asList(spec.initContainers), ...asList(spec.ephemeralContainers)].filter(isMap);
}

function volumes(spec: JsonMap): JsonMap[] {
  return asList(spec.volumes).filter(isMap);
}

export function tokenFacts(spec: JsonMap, saAutomount: boolean | undefined, secretType: (name: string) => string | undefined): TokenFacts {
  const podAuto = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : undefined;
  const mounted = podAuto ?? saAutomount ?? true;
  const why =
    podAuto !== undefined
      ? `pod sets automountServiceAccountToken: ${podAuto}`
      : saAutomount !== undefined
        ? `ServiceAccount sets automountServiceAccountToken: ${saAutomount}`
        : 'automounted (the default)';
  const projected: TokenFacts['projected'] = [];
  const legacySecrets: string[] = [];
  for (const v of volumes(spec)) {
    const name = asString(v.name) ?? '';
    for (const src of asList(asMap(v.projected)?.sources)) {
      const t = asMap(asMap(src)?.serviceAccountToken);
      if (!t) continue;
      const exp = t.expirationSeconds;
      projected.push({ volume: name, audience: asString(t.audience) ?? '', path: asString(t.path) ?? '', ...(typeof exp === 'number' ? { expirationSeconds: exp } : {}) });
    }
    const secretName = asString(asMap(v.secret)?.secretName);
    if (secretName && secretType(secretName) === 'kubernetes.io/service-account-token') legacySecrets.push(secretName);
  }
  return { mounted, why, projected, legacySecrets };
}

/** Secrets the pod itself reads (volumes, projected sources, env, envFrom, image pull Secrets). */
export function podSecrets(spec: JsonMap): Array<{ name: string; how: string }> {
  const out = new Map<string, Set<string>>();
  const add = (name: string | undefined, how: string): void => {
    if (!name) return;
    let s = out.get(name);
    if (!s) out.set(name, (s = new Set()));
    s.add(how);
  };
  for (const v of volumes(spec)) {
    add(asString(asMap(v.secret)?.secretName), `volume ${asString(v.name) ?? ''}`);
    for (const src of asList(asMap(v.projected)?.sources)) add(asString(asMap(asMap(src)?.secret)?.name), `projected volume ${asString(v.name) ?? ''}`);
  }
  for (const c of containers(spec)) {
    const cname = asString(c.name) ?? '';
    for (const e of asList(c.env)) add(asString(asMap(getIn(e, ['valueFrom', 'secretKeyRef']))?.name), `env of container ${cname}`);
    for (const e of asList(c.envFrom)) add(asString(asMap(asMap(e)?.secretRef)?.name), `envFrom of container ${cname}`);
  }
  for (const p of asList(spec.imagePullSecrets)) add(asString(asMap(p)?.name), 'imagePullSecrets');
  return [...out].map(([name, hows]) => ({ name, how: [...hows].join(', ') })).sort((a, b) => a.name.localeCompare(b.name));
}

function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run/containerd/containerd.sock', '/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock', '/var/run/cri-dockerd.sock'];
/** Host paths whose exposure gives the node (root filesystem, kubelet credentials, container state). */
const NODE_PATHS = ['/', '/etc', '/root', '/var/lib/kubelet', '/etc/kubernetes', '/var/lib/docker', '/var/lib/containerd', '/proc', '/sys', '/dev', '/boot', '/var/run', '/run'];

const under = (p: string, base: string): boolean => base === '/' ? true : p === base || p.startsWith(`${base}/`);

export function nodeAccess(spec: JsonMap): NodeAccess[] {
  const out: NodeAccess[] = [];
  for (const c of containers(spec)) {
    const sc = asMap(c.securityContext) ?? {};
    const name = asString(c.name) ?? '';
    if (sc.privileged === true) out.push({ what: 'privileged container', severity: 'critical', detail: `container ${name} is privileged: every device and capability of the node` });
    const add = asList(asMap(sc.capabilities)?.add).map((x) => String(x).toUpperCase().replace(/^CAP_/, ''));
    for (const cap of ['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'NET_ADMIN'])
      if (add.includes(cap)) out.push({ what: `capability ${cap}`, severity: cap === 'NET_ADMIN' ? 'medium' : 'high', detail: `container ${name} adds ${cap}` });
  }
  for (const [field, what] of [['hostPID', 'host PID namespace'], ['hostIPC', 'host IPC namespace'], ['hostNetwork', 'host network']] as const)
    if (spec[field] === true) out.push({ what, severity: field === 'hostPID' ? 'high' : 'medium', detail: `${field}: true${field === 'hostNetwork' ? ' (the node\'s interfaces, localhost services and the instance metadata endpoint)' : ''}` });
  for (const v of volumes(spec)) {
    const hp = asString(asMap(v.hostPath)?.path);
    if (hp === undefined) continue;
    const p = normalizePath(hp);
    const vname = asString(v.name) ?? '';
    if (RUNTIME_SOCKETS.some((s) => under(p, s) || under(s, p) && p !== '/')) out.push({ what: 'container runtime socket', severity: 'critical', detail: `hostPath ${hp} (volume ${vname}): start privileged containers on the node` });
    else if (NODE_PATHS.some((b) => (b === '/' ? p === '/' : under(p, b)))) out.push({ what: 'sensitive hostPath', severity: p === '/' ? 'critical' : 'high', detail: `hostPath ${hp} (volume ${vname})` });
    else out.push({ what: 'hostPath', severity: 'medium', detail: `hostPath ${hp} (volume ${vname})` });
  }
  return out;
}

const CLOUD_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AWS access key',
  AWS_SECRET_ACCESS_KEY: 'AWS secret key',
  AWS_SESSION_TOKEN: 'AWS session token',
  AWS_WEB_IDENTITY_TOKEN_FILE: 'AWS web identity (IRSA) token',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'EKS Pod Identity credentials endpoint',
  GOOGLE_APPLICATION_CREDENTIALS: 'Google Cloud service account key file',
  AZURE_CLIENT_SECRET: 'Azure service principal secret',
  AZURE_CLIENT_CERTIFICATE_PATH: 'Azure service principal certificate',
  AZURE_FEDERATED_TOKEN_FILE: 'Azure workload identity token',
  ARM_CLIENT_SECRET: 'Azure (Terraform) client secret',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'Alibaba Cloud access key',
  DIGITALOCEAN_ACCESS_TOKEN: 'DigitalOcean token',
};

const CLOUD_AUDIENCES: ReadonlyArray<[RegExp, string]> = [
  [/^sts\.amazonaws\.com$/, 'AWS IAM role (IRSA)'],
  [/^pods\.eks\.amazonaws\.com$/, 'EKS Pod Identity'],
  [/^api:\/\/AzureADTokenExchange$/, 'Azure workload identity'],
  [/(\.svc\.id\.goog|identitynamespace:)/, 'Google Cloud workload identity'],
];

const SA_ANNOTATIONS: Record<string, string> = {
  'eks.amazonaws.com/role-arn': 'AWS IAM role (IRSA)',
  'iam.gke.io/gcp-service-account': 'Google Cloud service account (GKE workload identity)',
  'azure.workload.identity/client-id': 'Azure managed identity (workload identity)',
};

/** Node files holding cloud credentials (prefix match on the normalised host path). */
const CLOUD_FILES: ReadonlyArray<[string, string]> = [
  ['/etc/kubernetes/azure.json', 'the AKS service principal'],
  ['/etc/kubernetes/cloud.conf', 'the cloud-provider configuration'],
  ['/etc/kubernetes/cloud-config', 'the cloud-provider configuration'],
  ['/var/lib/waagent', 'the Azure VM agent\'s certificates'],
  ['/root/.aws', 'AWS credentials'],
  ['/root/.config/gcloud', 'Google Cloud credentials'],
  ['/root/.azure', 'Azure CLI credentials'],
];

export function cloudCredentials(spec: JsonMap, podLabels: Readonly<Record<string, string>>, saAnnotations: Readonly<Record<string, string>> | undefined, token: TokenFacts): CloudCredential[] {
  const out: CloudCredential[] = [];
  for (const [k, what] of Object.entries(SA_ANNOTATIONS)) if (saAnnotations?.[k]) out.push({ what, detail: `ServiceAccount annotation ${k}: ${saAnnotations[k]}` });
  if (podLabels['azure.workload.identity/use'] === 'true' && !out.some((c) => c.what.startsWith('Azure'))) out.push({ what: 'Azure workload identity', detail: 'pod label azure.workload.identity/use: "true"' });
  for (const p of token.projected) {
    const hit = CLOUD_AUDIENCES.find(([re]) => re.test(p.audience));
    if (hit) out.push({ what: hit[1], detail: `projected token for audience ${p.audience} (volume ${p.volume})` });
  }
  for (const c of containers(spec)) {
    for (const e of asList(c.env)) {
      const name = asString(asMap(e)?.name) ?? '';
      if (CLOUD_ENV[name]) out.push({ what: CLOUD_ENV[name], detail: `env ${name} of container ${asString(c.name) ?? ''}${getIn(e, ['valueFrom', 'secretKeyRef']) ? ` (from Secret ${asString(getIn(e, ['valueFrom', 'secretKeyRef', 'name'])) ?? ''})` : ''}` });
    }
  }
  for (const v of volumes(spec)) {
    const hp = asString(asMap(v.hostPath)?.path);
    if (hp === undefined) continue;
    const p = normalizePath(hp);
    for (const [file, what] of CLOUD_FILES) if (p !== '/' && (under(file, p) || under(p, file))) out.push({ what: `node file with ${what}`, detail: `hostPath ${hp} exposes ${file}` });
  }
  if (spec.hostNetwork === true) out.push({ what: 'node instance identity', detail: 'hostNetwork reaches the cloud metadata endpoint as the node (IMDSv2 hop limits do not apply)' });
  return out;
}
