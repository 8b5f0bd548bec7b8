/**
 * The webhook's HTTPS server: bare node:https, close to the floor the bench compares against.
 * POST /validate and /mutate take an AdmissionReview v1; /healthz, /readyz and /metrics serve
 * the kubelet and Prometheus. Untrusted input never crashes it: bodies are capped (413),
 * envelopes validated (400), slow clients time out, and a failed request never affects others.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { pino, type Logger } from 'pino';
import { WebhookMetrics } from './metrics.js';
import { NO_NAMESPACES, type NamespaceLabelSource } from './namespaces.js';
import type { Policy } from './policy.js';
import { mutate, review, type ReviewContext, type ReviewOutcome } from './review.js';
import { CertWatcher, generateServingCerts, readKeyPair, validateKeyPair, type KeyPair } from './tls.js';
import { parseAdmissionReview, reviewResponse, type AdmissionRequest } from './types.js';

export const DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;

export type TlsSource =
  | { certFile: string; keyFile: string; watchIntervalMs?: number }
  | { selfSigned: { sans: string[]; days?: number } }
  | { pair: KeyPair };

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  policy: Policy;
  tls: TlsSource;
  logger?: Logger;
  namespaces?: NamespaceLabelSource;
  /** Largest body accepted; default 3 MiB (the API server's own limit on objects is 3 MiB). */
  bodyLimit?: number;
  /** Time allowed to receive a whole request; default 10 s (webhook timeouts are at most 30 s). */
  requestTimeoutMs?: number;
  /** Time allowed for the request headers; default 5 s. */
  headersTimeoutMs?: number;
  /** Idle keep-alive connections are kept this long; default 120 s, above Go's 90 s idle timeout so the API server closes first. */
  keepAliveTimeoutMs?: number;
  /** Time allowed for a TLS handshake; default 10 s. */
  handshakeTimeoutMs?: number;
  /** Connections beyond this are refused; default 10000. */
  maxConnections?: number;
  /** After SIGTERM: report not-ready this long before closing the listener (endpoints update); default 0. */
  shutdownDelayMs?: number;
  /** After closing the listener: wait this long for in-flight requests, then drop connections; default 25 s. */
  shutdownTimeoutMs?: number;
  metrics?: WebhookMetrics;
  /**
   * Runs before each review with the policy in force: fetches what the request's images need
   * from registries, bounded by the image policy's budget (the review itself never waits).
   */
  prepare?: (request: AdmissionRequest, policy: Policy) => Promise<void> | undefined;
}

export interface WebhookServer {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** The CA to put in caBundle when the server generated its own certificate. */
  readonly caPem: string | undefined;
  readonly metrics: WebhookMetrics;
  readonly server: Server;
  /** Graceful stop: not ready, stop accepting, finish in-flight reviews, close. Idempotent. */
  close(): Promise<void>;
  /** Re-reads certificate files now (file-based TLS only); true when a new pair was installed. */
  reloadCertificates(): Promise<boolean>;
  /** Replaces the policy for the requests that follow (a reloaded policy file). */
  setPolicy(policy: Policy): void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A Kubernetes-style Status body for errors (readable by curl users and in API server logs). */
function statusBody(code: number, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message });
}

/** JSON.parse error messages quote the input: keep only where it failed. */
function jsonErrorMessage(e: unknown): string {
  const m = /position (\d+)/.exec((e as Error).message);
  if (m) return `request body is not valid JSON (error at byte ${m[1]})`;
  if (/end of JSON input/i.test((e as Error).message)) return 'request body is not valid JSON (it ends early)';
  return 'request body is not valid JSON';
}

function logFields(endpoint: string, r: AdmissionRequest, o: ReviewOutcome, ms: number): Record<string, unknown> {
  return {
    endpoint,
    uid: r.uid,
    operation: r.operation,
    kind: r.kind.kind,
    namespace: r.namespace,
    name: r.name,
    user: r.userInfo.username,
    dryRun: r.dryRun || undefined,
    decision: o.decision,
    mode: o.mode,
    profile: o.profile,
    checks: o.checks.length ? o.checks : undefined,
    reason: o.reason,
    ms: Math.round(ms * 1000) / 1000,
  };
}

/** What the request handlers share: the policy in force, readiness, and where to report. */
interface ServerState {
  policy: Policy;
  ready: boolean;
  closing: boolean;
  readonly log: Logger;
  readonly metrics: WebhookMetrics;
  readonly namespaces: NamespaceLabelSource;
  readonly bodyLimit: number;
  readonly ctx: ReviewContext;
  readonly prepare: ServerOptions['prepare'];
}

const TLS_OPTIONS = { minVersion: 'TLSv1.2' as const };

export async function startWebhookServer(opts: ServerOptions): Promise<WebhookServer> {
  const namespaces = opts.namespaces ?? NO_NAMESPACES;
  const state: ServerState = {
    policy: opts.policy,
    ready: false,
    closing: false,
    log: opts.logger ?? pino({ level: 'silent' }),
    metrics: opts.metrics ?? new WebhookMetrics(),
    namespaces,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ctx: { namespaceLabels: (n: string) => namespaces.labels(n) },
    prepare: opts.prepare,
  };
  const { pair, caPem } = await servingPair(opts.tls, state.log);
  const server = httpsServer(opts, pair);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => route(state, req, res));
  countConnectionErrors(server, state);
  const watcher = 'certFile' in opts.tls ? watchCertificates(opts.tls, server, pair, state) : undefined;

  const host = opts.host ?? '0.0.0.0';
  const port = await listen(server, host, opts.port ?? 8443);
  state.ready = true;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  state.log.info({ host, port, bodyLimit: state.bodyLimit }, 'webhook listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    host,
    url: `https://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    caPem,
    metrics: state.metrics,
    server,
    close: () => (closed ??= shutDown(server, state, watcher, opts)),
    reloadCertificates: () => watcher?.check() ?? Promise.resolve(false),
    setPolicy: (p) => {
      state.policy = p;
    },
  };
}

/** The serving key pair: given, generated (with its CA, for caBundle), or read from files. */
async function servingPair(tls: TlsSource, log: Logger): Promise<{ pair: KeyPair; caPem: string | undefined }> {
  let pair: KeyPair;
  let caPem: string | undefined;
  if ('pair' in tls) pair = tls.pair;
  else if ('selfSigned' in tls) {
    const g = await generateServingCerts(tls.selfSigned.sans, tls.selfSigned.days);
    pair = { cert: g.cert, key: g.key };
    caPem = g.caPem;
  } else pair = await readKeyPair(tls.certFile, tls.keyFile);
  const x509 = validateKeyPair(pair);
  log.info({ subject: x509.subject.replace(/\n/g, ', '), validTo: x509.validTo, san: x509.subjectAltName }, 'serving certificate loaded');
  return { pair, caPem };
}

/** The HTTPS server with its timeouts and limits: slow or hostile clients cannot hold it. */
function httpsServer(opts: ServerOptions, pair: KeyPair): Server {
  const server = createServer({
    ...TLS_OPTIONS,
    cert: pair.cert,
    key: pair.key,
    handshakeTimeout: opts.handshakeTimeoutMs ?? 10_000,
    requestTimeout: opts.requestTimeoutMs ?? 10_000,
    headersTimeout: opts.headersTimeoutMs ?? 5_000,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 120_000,
    // How often header/request timeouts are checked (Node's default, 30 s, lets slow clients linger).
    connectionsCheckingInterval: 1_000,
    // The API server sends one review per request; no pipelining games.
    maxHeaderSize: 16 * 1024,
  });
  server.maxConnections = opts.maxConnections ?? 10_000;
  return server;
}

function finish(state: ServerState, res: ServerResponse, status: number, body: string, headers: Record<string, string> = JSON_HEADERS): void {
  if (res.headersSent || res.destroyed) return;
  const h: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(body) };
  if (state.closing) h.connection = 'close';
  res.writeHead(status, h);
  res.end(body);
}

function fail(state: ServerState, res: ServerResponse, status: number, reason: string, message: string): void {
  state.metrics.errors.inc({ reason });
  finish(state, res, status, statusBody(status, message));
}

/** Dispatches a request by path; every request is answered, a handler failure with a 500. */
function route(state: ServerState, req: IncomingMessage, res: ServerResponse): void {
  const { metrics } = state;
  const start = process.hrtime.bigint();
  metrics.inFlight.inc();
  let path = req.url ?? '/';
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  res.on('close', () => {
    metrics.inFlight.dec();
    if (path === '/validate' || path === '/mutate') metrics.duration.observe({ endpoint: path.slice(1) }, Number(process.hrtime.bigint() - start) / 1e9);
  });
  try {
    switch (path) {
      case '/validate':
      case '/mutate':
        if (req.method !== 'POST') {
          res.setHeader('allow', 'POST');
          return fail(state, res, 405, 'bad_request', `${path} takes POST with an AdmissionReview`);
        }
        return readBody(state, req, res, (body) => answerReview(state, path === '/validate' ? 'validate' : 'mutate', body, res, start));
      case '/healthz':
        req.resume();
        return finish(state, res, 200, 'ok\n', { 'content-type': 'text/plain' });
      case '/readyz': {
        req.resume();
        const ready = state.ready && !state.closing;
        return finish(state, res, ready ? 200 : 503, ready ? 'ok\n' : state.closing ? 'shutting down\n' : 'starting\n', { 'content-type': 'text/plain' });
      }
      case '/metrics':
        req.resume();
        metrics.namespacesSynced.set(state.namespaces.synced() ? 1 : 0);
        metrics.registry.metrics().then(
          (text) => finish(state, res, 200, text, { 'content-type': metrics.registry.contentType }),
          () => fail(state, res, 500, 'internal', 'cannot collect metrics'),
        );
        return;
      default:
        req.resume();
        return fail(state, res, 404, 'bad_request', `no route ${path}: POST /validate or /mutate; GET /healthz, /readyz, /metrics`);
    }
  } catch (e) {
    state.log.error({ err: (e as Error).message, path }, 'request handler failed');
    fail(state, res, 500, 'internal', 'internal error');
  }
}

/** Reads a request body up to the limit; a larger one is answered 413 and the connection closed. */
function readBody(state: ServerState, req: IncomingMessage, res: ServerResponse, onBody: (body: string) => void): void {
  const { bodyLimit, metrics } = state;
  const declared = Number(req.headers['content-length']);
  const tooLarge = (): void => {
    // Answer, then close the connection rather than reading megabytes we will not use.
    metrics.errors.inc({ reason: 'too_large' });
    if (!res.headersSent) {
      const body = statusBody(413, `request body is larger than the ${bodyLimit} byte limit`);
      res.writeHead(413, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body, () => req.socket.destroySoon?.());
    }
    req.removeAllListeners('data');
    req.resume();
  };
  if (Number.isFinite(declared) && declared > bodyLimit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    if (over) return;
    size += c.length;
    if (size > bodyLimit) {
      over = true;
      tooLarge();
      return;
    }
    chunks.push(c);
  });
  req.on('error', () => {
    metrics.errors.inc({ reason: 'client' });
  });
  req.on('end', () => {
    if (over || res.headersSent) return;
    onBody(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
  });
}

/** Parses an AdmissionReview, prepares what it needs (image evidence), then reviews or mutates it. */
function answerReview(state: ServerState, endpoint: 'validate' | 'mutate', body: string, res: ServerResponse, start: bigint): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return fail(state, res, 400, 'bad_request', jsonErrorMessage(e));
  }
  const env = parseAdmissionReview(parsed);
  if (!env.ok) return fail(state, res, 400, 'bad_request', env.message);
  const request = env.request;
  // The policy in force when the request arrived is the one its evidence was fetched for.
  const current = state.policy;
  const prepared = state.prepare?.(request, current);
  if (!prepared) return decide(state, endpoint, request, current, res, start);
  prepared.then(
    () => decide(state, endpoint, request, current, res, start),
    () => decide(state, endpoint, request, current, res, start),
  );
}

/** Reviews or mutates a request under a policy, answers, and records the outcome. */
function decide(state: ServerState, endpoint: 'validate' | 'mutate', request: AdmissionRequest, policy: Policy, res: ServerResponse, start: bigint): void {
  const { log, metrics } = state;
  let outcome: ReviewOutcome;
  try {
    outcome = endpoint === 'validate' ? review(request, policy, state.ctx) : mutate(request, policy, state.ctx);
  } catch (e) {
    // A bug, not the caller's fault: 500 lets the API server apply the failurePolicy.
    log.error({ endpoint, uid: request.uid, kind: request.kind.kind, err: (e as Error).message }, 'review failed');
    return fail(state, res, 500, 'internal', 'internal error while reviewing the request');
  }
  finish(state, res, 200, JSON.stringify(reviewResponse(outcome.response)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  metrics.reviews.inc({ endpoint, kind: metrics.kindLabel(request.kind.kind), operation: request.operation, decision: outcome.decision, mode: outcome.mode });
  if (outcome.evaluationErrors) metrics.errors.inc({ reason: 'evaluation' }, outcome.evaluationErrors);
  if (outcome.decision === 'allowed') {
    if (log.isLevelEnabled('debug')) log.debug(logFields(endpoint, request, outcome, ms), 'review');
  } else log.info(logFields(endpoint, request, outcome, ms), 'review');
}

/** Malformed HTTP, timeouts and failed TLS handshakes: counted, answered when possible, and dropped. */
function countConnectionErrors(server: Server, { log, metrics }: ServerState): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    metrics.errors.inc({ reason: timeout ? 'timeout' : 'client' });
    if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.end(timeout ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }
    socket.destroy();
  });
  server.on('tlsClientError', (_err: Error, socket: TLSSocket) => {
    metrics.errors.inc({ reason: 'tls' });
    socket.destroy();
  });
  server.on('error', (err: Error) => log.error({ err: err.message }, 'server error'));
}

/** Reloads the certificate files when they change (cert-manager rotation), keeping the old pair until a new one is usable. */
function watchCertificates(tls: Extract<TlsSource, { certFile: string }>, server: Server, pair: KeyPair, { log, metrics }: ServerState): CertWatcher {
  const watcher = new CertWatcher(
    {
      certFile: tls.certFile,
      keyFile: tls.keyFile,
      intervalMs: tls.watchIntervalMs,
      onChange: (p, cert) => {
        server.setSecureContext({ ...TLS_OPTIONS, cert: p.cert, key: p.key });
        metrics.certReloads.inc({ result: 'success' });
        log.info({ validTo: cert.validTo, serial: cert.serialNumber }, 'serving certificate reloaded');
      },
      onError: (message) => {
        metrics.certReloads.inc({ result: 'failure' });
        log.warn({ err: message }, 'serving certificate changed but cannot be used yet; keeping the previous one');
      },
    },
    pair,
  );
  watcher.start();
  return watcher;
}

/** Starts listening; resolves with the port (the chosen one when 0 was asked for). */
async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

/** Graceful stop: not ready, (delay), no new connections, in-flight reviews finish, then the rest are dropped. */
async function shutDown(server: Server, state: ServerState, watcher: CertWatcher | undefined, opts: ServerOptions): Promise<void> {
  const { log } = state;
  state.closing = true;
  state.ready = false;
  const delay = opts.shutdownDelayMs ?? 0;
  if (delay > 0) {
    log.info({ delayMs: delay }, 'shutting down: not ready, waiting for endpoints to update');
    await new Promise((r) => setTimeout(r, delay));
  }
  watcher?.stop();
  log.info('shutting down: no new connections, finishing in-flight reviews');
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => {
    log.warn('shutdown grace period over: closing remaining connections');
    server.closeAllConnections();
  }, opts.shutdownTimeoutMs ?? 25_000);
  grace.unref();
  await done;
  clearTimeout(grace);
  log.info('webhook stopped');
}
