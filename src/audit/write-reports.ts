/**
 * `audit --write-reports`: creates or updates the reports in the cluster (server-side apply,
 * field manager kubeharden, so each write replaces the results as a whole) and deletes
 * kubeharden's reports of an earlier audit that this one did not produce (a namespace now clean
 * of objects, a chunk no longer needed) — within the namespaces this audit covered only.
 */
import type { ClusterClient } from '../cluster/client.js';
import { discover } from '../cluster/discovery.js';
import { ClusterError } from '../cluster/errors.js';
import { MANAGED_BY, REPORT_APIS, type ReportApi } from './policy-report.js';
import type { Json } from './source.js';

export interface WriteScope {
  /** Namespaces the audit covered; undefined: all (then the cluster report too). */
  namespaces?: readonly string[];
  exclude?: readonly string[];
}

export interface WriteResult {
  written: number;
  deleted: number;
  errors: string[];
}

const SELECTOR = Object.entries(MANAGED_BY)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

function meta(o: Json): { name: string; namespace?: string } {
  const m = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return { name: String(m.name ?? ''), ...(typeof m.namespace === 'string' ? { namespace: m.namespace } : {}) };
}

export async function writeReports(client: ClusterClient, reports: readonly Json[], api: ReportApi, scope: WriteScope): Promise<WriteResult> {
  const kinds = REPORT_APIS[api];
  const out: WriteResult = { written: 0, deleted: 0, errors: [] };
  const discovery = await discover(client);
  const gv = `/apis/${kinds.group}/${kinds.version}`;
  const missing = [kinds.namespaced, kinds.cluster].filter((k) => !discovery.find(kinds.group, k.resource)?.verbs.includes('patch'));
  if (missing.length) {
    out.errors.push(
      `cannot write reports: ${missing.map((k) => `${k.kind} (${kinds.group}/${kinds.version})`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not served by the cluster — install the CRDs with \`kubeharden audit install${api === 'openreports' ? ' --report-api openreports' : ''} | kubectl apply -f -\` (or let Kyverno install them)`,
    );
    return out;
  }
  const inScope = (ns: string | undefined) => (ns === undefined ? !scope.namespaces : (!scope.namespaces || scope.namespaces.includes(ns)) && !(scope.exclude ?? []).includes(ns));

  // What kubeharden wrote before, to delete what this audit no longer produces.
  const existing: Array<{ name: string; namespace?: string; resource: string }> = [];
  for (const k of [kinds.namespaced, kinds.cluster]) {
    const what = `list ${k.resource}.${kinds.group} written by kubeharden`;
    try {
      const body = await client.getJson<{ items?: Json[] }>({ path: `${gv}/${k.resource}?labelSelector=${encodeURIComponent(SELECTOR)}`, what });
      for (const item of body.items ?? []) existing.push({ ...meta(item), resource: k.resource });
    } catch (e) {
      out.errors.push((e as Error).message);
    }
  }

  const wanted = new Set<string>();
  for (const r of reports) {
    const m = meta(r);
    const k = m.namespace ? kinds.namespaced : kinds.cluster;
    wanted.add(`${k.resource}/${m.namespace ?? ''}/${m.name}`);
    const path = `${gv}${m.namespace ? `/namespaces/${encodeURIComponent(m.namespace)}` : ''}/${k.resource}/${encodeURIComponent(m.name)}?fieldManager=kubeharden&force=true`;
    const spec = { path, what: `write ${k.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`, method: 'PATCH' as const, body: JSON.stringify(r), contentType: 'application/apply-patch+yaml', retry: true };
    try {
      const res = await client.request(spec);
      client.json(spec, res);
      out.written++;
    } catch (e) {
      out.errors.push(e instanceof ClusterError ? e.message : `${spec.what}: ${(e as Error).message}`);
    }
  }
  for (const e of existing) {
    if (wanted.has(`${e.resource}/${e.namespace ?? ''}/${e.name}`) || !inScope(e.namespace)) continue;
    const path = `${gv}${e.namespace ? `/namespaces/${encodeURIComponent(e.namespace)}` : ''}/${e.resource}/${encodeURIComponent(e.name)}`;
    const spec = { path, what: `delete the stale report ${e.namespace ? `${e.namespace}/` : ''}${e.name}`, method: 'DELETE' as const, retry: true };
    try {
      const res = await client.request(spec);
      if (res.status !== 404) client.json(spec, res);
      out.deleted++;
    } catch (e2) {
      out.errors.push((e2 as Error).message);
    }
  }
  return out;
}
