/**
 * One client for every live-cluster feature (audit, and later rbac/netpol/image-gate live):
 * kubeconfig, context or in-cluster config through @kubernetes/client-node (this module is loaded
 * lazily, by commands that talk to a cluster: a file scan never pays for it), then plain HTTPS with a keep-alive agent. Raw requests rather than the
 * generated API classes because audit needs what those do not give: any resource found through
 * discovery, metadata-only lists, the continue token of every page, /version, /metrics and
 * unauthenticated probes — and the JSON exactly as the API server sent it (the generated models
 * turn timestamps into Dates and drop unknown fields).
 *
 * Transient failures (connection reset or refused, timeouts, 429, 5xx) are retried with backoff;
 * everything else becomes a ClusterError naming the cluster and the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, reasonOfStatus, statusMessage, type ClusterIdentity } from './errors.js';

export interface ConnectOptions {
  /** kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else the pod's in-cluster config). */
  kubeconfig?: string;
  context?: string;
  /** Per request (default 60 s: a page of 500 large objects can take a while on a busy server). */
  timeoutMs?: number;
  /** Attempts for transient failures (default 5). */
  attempts?: number;
}

export interface RequestSpec {
  /** Path and query below the server URL, e.g. `/api/v1/pods?limit=500`. */
  path: string;
  /** What the request is for, in error messages: "list pods in all namespaces". */
  what: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  accept?: string;
  body?: string;
  contentType?: string;
  /** Send no credentials (the anonymous-access probe). */
  anonymous?: boolean;
  /** Retry transient failures (default: GET only; writes opt in when they are idempotent). */
  retry?: boolean;
}

export interface ClusterResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Credentials {
  headers: Record<string, string>;
  /** user:password for basic auth (old kubeconfigs). */
  auth?: string;
}

interface Transport {
  authenticated: HttpsAgent | HttpAgent;
  anonymous: HttpsAgent | HttpAgent | undefined;
  credentials: () => Promise<Credentials>;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A request that failed before a status line arrived, or while the body was read. */
class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export class ClusterClient {
  readonly identity: ClusterIdentity;
  /** The context's namespace (kubectl's default for -n), 'default' when it names none. */
  readonly namespace: string;
  /** True when the credentials come from the pod's ServiceAccount. */
  readonly inCluster: boolean;
  readonly #base: URL;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #attempts: number;

  constructor(identity: ClusterIdentity, namespace: string, inCluster: boolean, transport: Transport, opts: { timeoutMs?: number; attempts?: number } = {}) {
    this.identity = identity;
    this.namespace = namespace;
    this.inCluster = inCluster;
    this.#base = new URL(identity.server.endsWith('/') ? identity.server : `${identity.server}/`);
    this.#transport = transport;
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#attempts = Math.max(1, opts.attempts ?? 5);
  }

  /** Whether unauthenticated requests can be sent (not through a proxy that adds credentials). */
  get canProbeAnonymously(): boolean {
    return this.#transport.anonymous !== undefined;
  }

  /**
   * Sends the request, retrying transient failures; returns any HTTP status (callers decide what
   * a 403 or a 410 means). Throws ClusterError only when no response could be had.
   */
  async request(spec: RequestSpec): Promise<ClusterResponse> {
    const retry = spec.retry ?? (spec.method ?? 'GET') === 'GET';
    const attempts = retry ? this.#attempts : 1;
    let last: NetworkError | ClusterResponse | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt, last));
      try {
        const r = await this.#once(spec);
        if (!TRANSIENT_STATUS.has(r.status)) return r;
        last = r;
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        last = e;
        if (e.code !== undefined && !TRANSIENT_CODES.has(e.code)) break; // TLS and DNS errors do not heal
      }
    }
    if (last instanceof NetworkError) {
      const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
      throw new ClusterError(this.identity, spec.what, 'unreachable', `${last.message}${tries}`);
    }
    // Transient statuses that stayed: report the last one as the server said it.
    return last as ClusterResponse;
  }

  /** GET and parse JSON; any non-2xx status is a ClusterError. */
  async getJson<T>(spec: RequestSpec): Promise<T> {
    const r = await this.request(spec);
    return this.json<T>(spec, r);
  }

  /** The parsed body of a 2xx response; anything else is a ClusterError naming the request. */
  json<T>(spec: RequestSpec, r: ClusterResponse): T {
    if (r.status < 200 || r.status > 299) throw this.errorOf(spec, r);
    try {
      return JSON.parse(r.body.toString('utf8')) as T;
    } catch (e) {
      throw new ClusterError(this.identity, spec.what, 'failed', `the response is not JSON (${(e as Error).message})`, r.status);
    }
  }

  errorOf(spec: RequestSpec, r: ClusterResponse): ClusterError {
    return new ClusterError(this.identity, spec.what, reasonOfStatus(r.status), statusMessage(r.body.toString('utf8'), r.status), r.status);
  }

  async #once(spec: RequestSpec): Promise<ClusterResponse> {
    const url = new URL(spec.path.replace(/^\//, ''), this.#base);
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json', 'User-Agent': 'kubeharden' };
    let auth: string | undefined;
    let agent = this.#transport.authenticated;
    if (spec.anonymous) {
      if (!this.#transport.anonymous) throw new ClusterError(this.identity, spec.what, 'failed', 'cannot send an unauthenticated request through the configured proxy');
      agent = this.#transport.anonymous;
    } else {
      const c = await this.#transport.credentials();
      Object.assign(headers, c.headers);
      auth = c.auth;
    }
    if (spec.body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(spec.body));
    }
    const options: RequestOptions = { method: spec.method ?? 'GET', headers, agent, ...(auth ? { auth } : {}) };
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<ClusterResponse>((resolve, reject) => {
      const req = send(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!res.complete) reject(new NetworkError('the connection closed while the response was being read', 'ERR_STREAM_PREMATURE_CLOSE'));
          else resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('aborted', () => reject(new NetworkError('the connection closed while the response was being read', 'ERR_STREAM_PREMATURE_CLOSE')));
        res.on('error', (e: NodeJS.ErrnoException) => reject(new NetworkError(describeNetworkError(e), e.code ?? 'ECONNRESET')));
      });
      req.setTimeout(this.#timeoutMs, () => req.destroy(Object.assign(new Error(`no response within ${this.#timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new NetworkError(describeNetworkError(e), e.code)));
      req.end(spec.body);
    });
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.#transport.authenticated.destroy();
    this.#transport.anonymous?.destroy();
  }
}

function backoff(attempt: number, last: NetworkError | ClusterResponse | undefined): number {
  const base = 250 * 2 ** (attempt - 1);
  const retryAfter = last && !(last instanceof NetworkError) ? Number(last.headers['retry-after']) : NaN;
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : base;
}

function describeNetworkError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return `connection refused (${e.message})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the server name does not resolve (${e.message})`;
  if (code === 'ETIMEDOUT') return `timed out: ${e.message}`;
  if (code === 'ECONNRESET' || e.message === 'socket hang up') return 'the connection was reset';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|ERR_TLS/i.test(code) || /certificate/i.test(e.message)) return `TLS: ${e.message} (check the cluster's certificate-authority in the kubeconfig)`;
  return e.message || code || 'network error';
}

/**
 * Reads the kubeconfig (or the in-cluster config) and prepares the transport. Errors here are
 * configuration errors: no kubeconfig, unknown context, unreadable certificate files.
 */
export async function connect(opts: ConnectOptions = {}): Promise<ClusterClient> {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`context "${opts.context}" is not in the kubeconfig${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new Error('no cluster to talk to: no kubeconfig was found ($KUBECONFIG, ~/.kube/config) and this is not a pod (give --kubeconfig/--context)');
  }
  const contextName = kc.getCurrentContext();
  const context = kc.getContextObject(contextName);
  const inCluster = contextName === 'inClusterContext';
  const identity: ClusterIdentity = { context: inCluster ? 'in-cluster' : contextName, cluster: cluster.name, server: cluster.server.replace(/\/+$/, '') };

  // TLS material and the first credentials, exactly as client-node applies them.
  const probe: RequestOptions = {};
  await kc.applyToHTTPSOptions(probe);
  const tls = { ca: probe.ca, cert: probe.cert, key: probe.key, rejectUnauthorized: probe.rejectUnauthorized, servername: probe.servername };
  const isHttp = cluster.server.startsWith('http:');
  const proxied = Boolean((cluster as { proxyUrl?: string }).proxyUrl);
  const authenticated = proxied ? (probe.agent as HttpsAgent) : isHttp ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true, ...tls });
  const anonymous = proxied ? undefined : isHttp ? new HttpAgent({ keepAlive: false }) : new HttpsAgent({ keepAlive: false, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername });
  const credentials = async (): Promise<Credentials> => {
    // Exec plugins and token files refresh here (client-node caches until expiry).
    const o: RequestOptions = {};
    await kc.applyToHTTPSOptions(o);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.headers ?? {}) as Record<string, unknown>)) if (typeof v === 'string') headers[k] = v;
    return { headers, ...(typeof o.auth === 'string' ? { auth: o.auth } : {}) };
  };
  return new ClusterClient(identity, context?.namespace || 'default', inCluster, { authenticated, anonymous, credentials }, opts);
}
