/**
 * Errors from talking to a cluster. Every message names the cluster (context and server) and,
 * when there is one, the request (what was being listed or read), so a failure in CI says which
 * cluster, which credentials and which list — never just "forbidden".
 */

/** Which cluster a request went to. */
export interface ClusterIdentity {
  /** kubeconfig context name ('in-cluster' when running in a pod). */
  context: string;
  /** kubeconfig cluster name. */
  cluster: string;
  server: string;
}

export type ClusterErrorReason =
  /** TCP/TLS/DNS: the server could not be reached or the connection broke. */
  | 'unreachable'
  /** 401: the credentials were rejected. */
  | 'unauthorized'
  /** 403: the identity may not make this request. */
  | 'forbidden'
  /** 404: the resource is not served. */
  | 'not-found'
  /** 410: a list's continue token expired (and restarting did not help). */
  | 'expired'
  /** Anything else: 5xx after retries, an unparsable body, a timeout. */
  | 'failed';

export class ClusterError extends Error {
  readonly reason: ClusterErrorReason;
  readonly status: number | undefined;
  readonly identity: ClusterIdentity;
  /** What was asked, e.g. "list pods in all namespaces". */
  readonly what: string;

  constructor(identity: ClusterIdentity, what: string, reason: ClusterErrorReason, detail: string, status?: number) {
    super(`${what}: ${describeCluster(identity)}: ${detail}`);
    this.name = 'ClusterError';
    this.identity = identity;
    this.what = what;
    this.reason = reason;
    this.status = status;
  }
}

export function describeCluster(id: ClusterIdentity): string {
  const ctx = id.context === id.cluster || !id.cluster ? `context "${id.context}"` : `context "${id.context}" (cluster "${id.cluster}")`;
  return `${ctx} at ${id.server}`;
}

export function reasonOfStatus(status: number): ClusterErrorReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 410) return 'expired';
  return 'failed';
}

/** The message of a Kubernetes Status body, or a short excerpt of whatever else came back. */
export function statusMessage(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { kind?: unknown; message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) return `HTTP ${status}: ${parsed.message}`;
  } catch {
    // not JSON
  }
  const text = body.replace(/\s+/g, ' ').trim();
  return `HTTP ${status}${text ? `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : ''}`;
}
