/**
 * Facts about the API server itself, read without listing objects: its version, whether it
 * accepts unauthenticated requests, and which deprecated APIs clients still call.
 */
import type { ClusterClient } from './client.js';

export interface ServerVersion {
  gitVersion: string;
  major: string;
  minor: string;
  platform?: string;
  buildDate?: string;
}

export async function serverVersion(client: ClusterClient): Promise<ServerVersion> {
  const v = await client.getJson<Record<string, unknown>>({ path: '/version', what: 'read the server version (/version)' });
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return {
    gitVersion: str(v.gitVersion),
    major: str(v.major),
    minor: str(v.minor),
    ...(str(v.platform) ? { platform: str(v.platform) } : {}),
    ...(str(v.buildDate) ? { buildDate: str(v.buildDate) } : {}),
  };
}

export interface ProbeResult {
  path: string;
  /** HTTP status of the unauthenticated request: 401 rejected, 403 authenticated as anonymous but denied, 2xx allowed. */
  status: number;
  /** The user the server says the request ran as (from a 403 message), e.g. system:anonymous. */
  user?: string;
}

export interface AnonymousProbe {
  /** False when no unauthenticated request could be sent (a proxy in the kubeconfig adds credentials). */
  assessable: boolean;
  reason?: string;
  results: ProbeResult[];
}

/** The paths probed: discovery (never public by default), the version and a health endpoint (public by default). */
export const PROBE_PATHS = ['/api', '/version', '/healthz'] as const;

/**
 * Unauthenticated GETs. With --anonymous-auth=false every one is 401; with it on, requests run
 * as system:anonymous and get 403 (or 200 for what system:unauthenticated may read, such as
 * /version through system:public-info-viewer). An AuthenticationConfiguration may allow
 * anonymous requests on some paths only: each path's answer is kept.
 */
export async function probeAnonymous(client: ClusterClient, paths: readonly string[] = PROBE_PATHS): Promise<AnonymousProbe> {
  if (!client.canProbeAnonymously) return { assessable: false, reason: 'the kubeconfig sends requests through a proxy, so no unauthenticated request can be made', results: [] };
  const results: ProbeResult[] = [];
  for (const path of paths) {
    const r = await client.request({ path, what: `probe ${path} without credentials`, anonymous: true });
    const user = /User "([^"]+)"/.exec(statusText(r.body.toString('utf8')))?.[1];
    results.push({ path, status: r.status, ...(user ? { user } : {}) });
  }
  return { assessable: true, results };
}

/** The message of a Status body (quotes unescaped), or the text itself. */
function statusText(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return body;
}

export interface DeprecatedApiRequest {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** The release that removes it ('' when no removal is planned). */
  removedRelease: string;
}

export interface DeprecatedApiMetric {
  /** False when /metrics could not be read (RBAC: nonResourceURLs /metrics, verb get). */
  readable: boolean;
  reason?: string;
  requested: DeprecatedApiRequest[];
}

/** `apiserver_requested_deprecated_apis`: set to 1 for each deprecated API requested since the server started. */
export async function deprecatedApiMetric(client: ClusterClient): Promise<DeprecatedApiMetric> {
  const spec = { path: '/metrics', what: 'read the API server metrics (/metrics)', accept: 'text/plain' };
  const r = await client.request(spec);
  if (r.status === 401 || r.status === 403 || r.status === 404) {
    return { readable: false, reason: `${r.status === 404 ? 'not served' : 'forbidden'} (HTTP ${r.status}; needs get on the non-resource URL /metrics)`, requested: [] };
  }
  if (r.status !== 200) throw client.errorOf(spec, r);
  return { readable: true, requested: parseDeprecatedApis(r.body.toString('utf8')) };
}

/** The series of apiserver_requested_deprecated_apis in Prometheus text format (value 1 = requested). */
export function parseDeprecatedApis(text: string): DeprecatedApiRequest[] {
  const out: DeprecatedApiRequest[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_requested_deprecated_apis{')) continue;
    const close = line.lastIndexOf('}');
    const value = Number(line.slice(close + 1).trim().split(/\s+/)[0]);
    if (!(value > 0)) continue;
    const labels: Record<string, string> = {};
    for (const m of line.slice(line.indexOf('{') + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2].replace(/\\(.)/g, '$1');
    const item: DeprecatedApiRequest = {
      group: labels.group ?? '',
      version: labels.version ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      removedRelease: labels.removed_release ?? '',
    };
    const k = JSON.stringify(item);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}
