/**
 * The live control plane beyond its objects: each node's effective kubelet configuration, and
 * who runs the control plane. The mirror pods of the control plane are not read here — they are
 * pods, which `audit` lists anyway and `scan --control-plane` lists itself.
 *
 * - `GET /api/v1/nodes/<node>/proxy/configz`: flags, drop-ins and defaults already merged by the
 *   kubelet. Needs `get nodes/proxy`, which also allows exec into every pod through the kubelet.
 *   Where that is refused, the kubelet is asked directly (`https://<node>:<port>/configz`, with
 *   the same credentials), which kubelets with fine-grained authorization (KubeletFineGrainedAuthz,
 *   GA in v1.36) allow with `get nodes/configz` alone. Each becomes a KubeletConfiguration object
 *   annotated with its node, which the KUBELET-* checks read like a file.
 * - A ControlPlaneProbe facts object (src/controlplane/probe.ts): which kubelets could not be read
 *   and why, and the managed provider when the server version, its name or node labels show one.
 *
 * Nodes come from the objects already read (audit's node list; scan lists them for this); a
 * node that is not Ready is not asked (its kubelet would only time out) and is not assessable.
 */
import { CONFIGZ_ANNOTATION, KUBELET_VERSION_ANNOTATION } from '../../controlplane/model.js';
import { managedProvider, probeObject, type KubeletProbe } from '../../controlplane/probe.js';
import { ClusterError, statusMessage } from '../../cluster/errors.js';
import type { ClusterClient } from '../../cluster/client.js';
import { SERVER_VERSION_KIND } from '../../checks/_lib/cluster-facts.js';
import type { Json } from '../source.js';
import type { Collector } from './types.js';

/** Parallel /configz requests. */
const CONCURRENCY = 8;
/** A kubelet answers /configz at once; one that does not is not assessable, not a stalled audit. */
const CONFIGZ_TIMEOUT_MS = 15_000;

function map(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function nameOf(o: Json): string {
  return String(map(o.metadata)?.name ?? '');
}

/** Why a node's kubelet is not asked, or undefined when it is Ready. */
function notReady(node: Json): string | undefined {
  const conditions = Array.isArray(map(node.status)?.conditions) ? (map(node.status)?.conditions as unknown[]) : [];
  const ready = conditions.map(map).find((c) => c?.type === 'Ready');
  if (!ready) return 'the node reports no Ready condition: its kubelet was not asked';
  if (ready.status !== 'True') return `the node is not Ready (${String(ready.status)}${ready.reason ? `: ${String(ready.reason)}` : ''}): its kubelet was not asked`;
  return undefined;
}

function kubeletEndpoint(node: Json): { host?: string; port?: number } {
  const status = map(node.status) ?? {};
  const addresses = (Array.isArray(status.addresses) ? status.addresses : []).map(map);
  const host = (addresses.find((a) => a?.type === 'InternalIP') ?? addresses.find((a) => a?.type === 'ExternalIP') ?? addresses.find((a) => a?.type === 'Hostname'))?.address;
  const port = map(map(status.daemonEndpoints)?.kubeletEndpoint)?.Port;
  return { host: typeof host === 'string' ? host : undefined, port: typeof port === 'number' ? port : undefined };
}

async function getConfigz(client: ClusterClient, what: string, path: string, origin?: string): Promise<{ config?: Json; status: number; error?: string }> {
  const spec = { path, what, retry: false, timeoutMs: CONFIGZ_TIMEOUT_MS, ...(origin ? { origin } : {}) };
  try {
    const r = await client.request(spec);
    if (r.status !== 200) return { status: r.status, error: statusMessage(r.body.toString('utf8'), r.status) };
    const body = map(JSON.parse(r.body.toString('utf8')));
    const config = map(body?.kubeletconfig);
    return config ? { config, status: 200 } : { status: 200, error: 'the /configz answer has no kubeletconfig' };
  } catch (e) {
    if (e instanceof ClusterError) return { status: 0, error: e.message.slice(what.length + 2) };
    if (e instanceof SyntaxError) return { status: 200, error: `the /configz answer is not JSON (${e.message})` };
    throw e;
  }
}

/** The node's kubelet configuration through the API server's node proxy, else from the kubelet itself. */
async function configzOf(client: ClusterClient, node: Json): Promise<{ config?: Json; error?: string }> {
  const name = nameOf(node);
  const path = `/api/v1/nodes/${encodeURIComponent(name)}/proxy/configz`;
  const proxied = await getConfigz(client, `GET ${path}`, path);
  if (proxied.config) return { config: proxied.config };
  const proxyError = `GET ${path}: ${proxied.error}${proxied.status === 403 ? ' (needs get on nodes/proxy)' : ''}`;
  if (proxied.status !== 403) return { error: proxyError };
  // Refused through the API server: ask the kubelet itself (fine-grained nodes/configz).
  const { host, port } = kubeletEndpoint(node);
  if (!host || !port) return { error: proxyError };
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const direct = await getConfigz(client, `GET ${origin}/configz`, '/configz', origin);
  if (direct.config) return { config: direct.config };
  return { error: `${proxyError}; directly from the kubelet at ${host}:${port}: ${direct.error}${direct.status === 403 ? ' (needs get on nodes/configz)' : ''}` };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export const controlPlaneCollector: Collector = {
  name: 'control plane and kubelets',
  async collect({ client, now, objects, gaps }) {
    const nodes = objects.filter((o) => o.kind === 'Node' && o.apiVersion === 'v1');
    const kubelets: KubeletProbe[] = [];
    const out: Json[] = [];
    const nodeGap = gaps.find((g) => /^list nodes\b/.test(g.what));
    if (nodeGap) kubelets.push({ node: '*', error: `cannot list nodes: ${nodeGap.message}${nodeGap.reason === 'forbidden' ? ' (needs list on nodes)' : ''}` });
    const asked = nodes.filter((n) => notReady(n) === undefined);
    for (const n of nodes) {
      const why = notReady(n);
      if (why) kubelets.push({ node: nameOf(n), error: why });
    }
    const answers = await mapLimit(asked, CONCURRENCY, (n) => configzOf(client, n));
    asked.forEach((n, i) => {
      const name = nameOf(n);
      const a = answers[i];
      if (!a.config) {
        kubelets.push({ node: name, error: a.error ?? 'no answer' });
        return;
      }
      kubelets.push({ node: name, configz: true });
      const version = map(map(n.status)?.nodeInfo)?.kubeletVersion;
      out.push({
        ...a.config,
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        kind: 'KubeletConfiguration',
        metadata: { name, annotations: { [CONFIGZ_ANNOTATION]: name, ...(typeof version === 'string' && version ? { [KUBELET_VERSION_ANNOTATION]: version } : {}) } },
      });
    });
    const versionFacts = objects.find((o) => o.kind === SERVER_VERSION_KIND);
    const gitVersion = String(map(versionFacts?.version)?.gitVersion ?? '');
    const labels = nodes.map((n) => (map(map(n.metadata)?.labels) ?? {}) as Record<string, string>);
    const managed = managedProvider(gitVersion, client.identity.server, labels);
    kubelets.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    out.push(probeObject({ server: client.identity.server, gitVersion, ...(managed ? { managed } : {}), kubelets }, now));
    return { objects: out };
  },
};
