/**
 * Live mode: what a cluster's API exposes of its control plane and kubelets, as objects the
 * engine scans like files.
 *
 * - The mirror pods in kube-system labelled tier=control-plane (kubeadm, RKE2…): the same command
 *   lines as the static pod files. Needs `list pods` in kube-system.
 * - Each node's effective kubelet configuration, `GET /api/v1/nodes/<node>/proxy/configz`: flags,
 *   drop-ins and defaults already merged by the kubelet itself. Needs `list nodes` and
 *   `get nodes/proxy`, which also allows exec into every pod through the kubelet — grant it to the
 *   auditing identity only. Where that is refused, the kubelet is asked directly
 *   (`https://<node>:<port>/configz`), which kubelets with fine-grained authorization
 *   (KubeletFineGrainedAuthz, GA in v1.36) allow with `get nodes/configz` alone.
 * - One unauthenticated `GET /api`: 401 means anonymous authentication is off.
 * - No mirror pods: a managed control plane (named when recognized) or one that does not run as
 *   static pods — reported as not assessable, never as a pass or a fail.
 *
 * Failures to read what is needed are input errors (the scan exits 2), except where the
 * missing piece is itself the finding (a kubelet whose /configz is refused, a managed control
 * plane): those go into the ControlPlaneProbe object and surface as CP-NOT-ASSESSABLE.
 */
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { InputError, LoadedObject } from '../load/types.js';
import { objectFromJson } from '../load/plain-object.js';
import { loadKubeConfig } from '../rbac/live.js';
import { KUBEHARDEN_GROUP, PROBE_KIND } from './config-kinds.js';
import { CONFIGZ_ANNOTATION, KUBELET_VERSION_ANNOTATION } from './model.js';
import type { KubeletProbe, ProbeStatus } from './probe.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Parallel /configz requests (default 8). */
  concurrency?: number;
  timeoutMs?: number;
}

export interface LiveResult {
  objects: LoadedObject[];
  errors: InputError[];
  /** `cluster:<context>`: the prefix of every live object's file. */
  source: string;
}

interface Http {
  status: number;
  body: string;
}

type Json = Record<string, unknown>;

function send(url: URL, opts: RequestOptions, timeoutMs: number): Promise<Http> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ...opts, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The kubeconfig's credentials and CA, as options for node:https. */
async function authOptions(kc: KubeConfig): Promise<RequestOptions> {
  const opts: RequestOptions = { headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

function statusMessage(h: Http): string {
  try {
    const m = (JSON.parse(h.body) as { message?: unknown }).message;
    if (typeof m === 'string') return `${h.status} ${m}`;
  } catch {
    /* not a Status */
  }
  return `HTTP ${h.status}`;
}

async function getJson(kc: KubeConfig, base: string, path: string, auth: RequestOptions, timeoutMs: number): Promise<{ json?: Json; status: number; error?: string }> {
  try {
    const h = await send(new URL(path, base), auth, timeoutMs);
    if (h.status !== 200) return { status: h.status, error: statusMessage(h) };
    return { status: 200, json: JSON.parse(h.body) as Json };
  } catch (e) {
    return { status: 0, error: (e as Error).message };
  }
}

/** Managed control planes, recognized from the version string, the server name and node labels. */
export function managedProvider(gitVersion: string, server: string, nodes: readonly Json[]): { name: string; evidence: string } | undefined {
  const host = (() => {
    try {
      return new URL(server).hostname;
    } catch {
      return '';
    }
  })();
  if (/-eks-/.test(gitVersion)) return { name: 'EKS', evidence: `the server version is ${gitVersion}` };
  if (/\.eks\.amazonaws\.com$/.test(host)) return { name: 'EKS', evidence: `the server is ${host}` };
  if (/-gke\./.test(gitVersion)) return { name: 'GKE', evidence: `the server version is ${gitVersion}` };
  if (/\.azmk8s\.io$/.test(host)) return { name: 'AKS', evidence: `the server is ${host}` };
  const labels = nodes.map((n) => ((n.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>);
  if (labels.some((l) => 'kubernetes.azure.com/cluster' in l)) return { name: 'AKS', evidence: 'nodes carry the kubernetes.azure.com/cluster label' };
  if (labels.some((l) => 'cloud.google.com/gke-nodepool' in l)) return { name: 'GKE', evidence: 'nodes carry the cloud.google.com/gke-nodepool label' };
  if (labels.some((l) => 'eks.amazonaws.com/nodegroup' in l)) return { name: 'EKS', evidence: 'nodes carry the eks.amazonaws.com/nodegroup label' };
  return undefined;
}

/** One unauthenticated GET, verifying the server with the kubeconfig's CA only. */
export async function probeAnonymous(server: string, auth: RequestOptions, timeoutMs: number): Promise<ProbeStatus['anonymous']> {
  const path = '/api';
  const opts: RequestOptions = { headers: { Accept: 'application/json' }, agent: false, ca: auth.ca, servername: auth.servername };
  if (auth.rejectUnauthorized === false) opts.rejectUnauthorized = false;
  try {
    const h = await send(new URL(path, server), opts, timeoutMs);
    const user = /User "([^"]+)"/.exec(h.body)?.[1];
    return { path, code: h.status, ...(user ? { user } : {}) };
  } catch (e) {
    return { path, error: (e as Error).message };
  }
}

function nodeAddress(node: Json): { host?: string; port?: number } {
  const status = (node.status ?? {}) as Json;
  const addresses = (Array.isArray(status.addresses) ? status.addresses : []) as Array<{ type?: string; address?: string }>;
  const host = (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'Hostname'))?.address;
  const port = ((status.daemonEndpoints as Json | undefined)?.kubeletEndpoint as Json | undefined)?.Port;
  return { host, port: typeof port === 'number' ? port : undefined };
}

async function configzOf(kc: KubeConfig, server: string, node: Json, auth: RequestOptions, timeoutMs: number): Promise<{ config?: Json; error?: string }> {
  const name = String((node.metadata as Json | undefined)?.name ?? '');
  const viaProxy = await getJson(kc, server, `/api/v1/nodes/${encodeURIComponent(name)}/proxy/configz`, auth, timeoutMs);
  const fromBody = (j: Json | undefined) => (j?.kubeletconfig && typeof j.kubeletconfig === 'object' ? (j.kubeletconfig as Json) : undefined);
  if (viaProxy.json) {
    const c = fromBody(viaProxy.json);
    return c ? { config: c } : { error: 'the /configz answer has no kubeletconfig' };
  }
  const proxyError = `GET /api/v1/nodes/${name}/proxy/configz: ${viaProxy.error}${viaProxy.status === 403 ? ' (needs get on nodes/proxy)' : ''}`;
  if (viaProxy.status !== 403) return { error: proxyError };
  // Refused through the API server: ask the kubelet itself (fine-grained nodes/configz).
  const { host, port } = nodeAddress(node);
  if (!host || !port) return { error: proxyError };
  const direct = await getJson(kc, `https://${host.includes(':') ? `[${host}]` : host}:${port}`, '/configz', auth, timeoutMs);
  const c = fromBody(direct.json);
  if (c) return { config: c };
  return { error: `${proxyError}; directly from the kubelet at ${host}:${port}: ${direct.error ?? 'no kubeletconfig'}${direct.status === 403 ? ' (needs get on nodes/configz)' : ''}` };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

export async function collectControlPlane(opts: LiveOptions = {}): Promise<LiveResult> {
  const kc = loadKubeConfig(opts);
  const server = kc.getCurrentCluster()?.server ?? '';
  const context = kc.getCurrentContext() || 'in-cluster';
  const source = `cluster:${context}`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const auth = await authOptions(kc);
  const result: LiveResult = { objects: [], errors: [], source };

  // Mirror pods (paginated).
  const pods: Json[] = [];
  let cont: string | undefined;
  do {
    const q = new URLSearchParams({ labelSelector: 'tier=control-plane', limit: '500', ...(cont ? { continue: cont } : {}) });
    const r = await getJson(kc, server, `/api/v1/namespaces/kube-system/pods?${q}`, auth, timeoutMs);
    if (!r.json) {
      result.errors.push({ file: `${source}/api/v1/namespaces/kube-system/pods`, message: `cannot list the control-plane pods in kube-system: ${r.error}${r.status === 403 ? ' (needs list on pods in kube-system)' : ''}` });
      return result;
    }
    pods.push(...((Array.isArray(r.json.items) ? r.json.items : []) as Json[]));
    cont = ((r.json.metadata ?? {}) as Json).continue as string | undefined;
  } while (cont);
  for (const p of pods) {
    const meta = (p.metadata ?? {}) as Json;
    result.objects.push(objectFromJson({ apiVersion: 'v1', kind: 'Pod', ...p }, `${source}/api/v1/namespaces/kube-system/pods/${String(meta.name)}`));
  }

  // Nodes and their kubelets.
  const nodesR = await getJson(kc, server, '/api/v1/nodes', auth, timeoutMs);
  const nodes = (nodesR.json && Array.isArray(nodesR.json.items) ? nodesR.json.items : []) as Json[];
  const kubelets: KubeletProbe[] = [];
  if (!nodesR.json) {
    kubelets.push({ node: '*', error: `cannot list nodes: ${nodesR.error}${nodesR.status === 403 ? ' (needs list on nodes)' : ''}` });
  } else {
    const answers = await mapLimit(nodes, opts.concurrency ?? 8, (n) => configzOf(kc, server, n, auth, timeoutMs));
    nodes.forEach((n, i) => {
      const name = String(((n.metadata ?? {}) as Json).name ?? '');
      const a = answers[i];
      if (!a.config) {
        kubelets.push({ node: name, error: a.error ?? 'no answer' });
        return;
      }
      kubelets.push({ node: name, configz: true });
      const version = String((((n.status ?? {}) as Json).nodeInfo as Json | undefined)?.kubeletVersion ?? '');
      result.objects.push(objectFromJson({
        ...a.config,
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        kind: 'KubeletConfiguration',
        metadata: { name, annotations: { [CONFIGZ_ANNOTATION]: name, ...(version ? { [KUBELET_VERSION_ANNOTATION]: version } : {}) } },
      }, `${source}/api/v1/nodes/${name}/proxy/configz`));
    });
  }

  // Is the control plane visible at all?
  const version = await getJson(kc, server, '/version', auth, timeoutMs);
  const gitVersion = typeof version.json?.gitVersion === 'string' ? version.json.gitVersion : '';
  const managed = pods.length === 0 ? managedProvider(gitVersion, server, nodes) : undefined;
  const reason = pods.length > 0
    ? undefined
    : managed
      ? `no pods labelled tier=control-plane in kube-system, and ${managed.evidence}: the provider runs the control plane out of sight`
      : /\+k3s/.test(gitVersion)
        ? `no pods labelled tier=control-plane in kube-system: k3s (${gitVersion}) runs the control plane inside the k3s process; scan its command line on the server with --cmdline /proc/<pid>/cmdline`
        : 'no pods labelled tier=control-plane in kube-system: the control plane does not run as static pods here (or runs on nodes this view cannot see)';

  const status: ProbeStatus = {
    anonymous: await probeAnonymous(server, auth, timeoutMs),
    controlPlane: { mirrorPods: pods.length, ...(managed ? { managed: managed.name } : {}), ...(reason ? { reason } : {}) },
    kubelets,
  };
  result.objects.push(objectFromJson({ apiVersion: `${KUBEHARDEN_GROUP}/v1alpha1`, kind: PROBE_KIND, metadata: { name: context }, spec: { server }, status: status as unknown as Json }, `${source}/api`));
  return result;
}
