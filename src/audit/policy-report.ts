/**
 * Audit results as PolicyReports, the format policy engines share (Kyverno writes them, Policy
 * Reporter and other dashboards read them): one report per namespace plus one cluster-scoped
 * report, `wgpolicyk8s.io/v1alpha2` PolicyReport/ClusterPolicyReport or, with
 * `--report-api openreports`, `openreports.io/v1alpha1` Report/ClusterReport (its successor).
 *
 * Results: a finding is `fail`, an info finding `warn` (not scored), a suppressed one `skip`;
 * an object with no finding gets one `pass` result; what could not be read or checked is `error`
 * (or `skip` with --skip-forbidden) in the cluster report. At most 1,000 results per object:
 * larger reports are chunked into `kubeharden`, `kubeharden-2`, …
 */
import type { Finding } from '../engine/types.js';
import type { AuditFinding } from './run.js';
import type { Gap, Json } from './source.js';

export type ReportApi = 'wgpolicyk8s' | 'openreports';

export interface ReportKinds {
  group: string;
  version: string;
  namespaced: { kind: string; resource: string; shortName: string };
  cluster: { kind: string; resource: string; shortName: string };
}

export const REPORT_APIS: Readonly<Record<ReportApi, ReportKinds>> = {
  wgpolicyk8s: {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    namespaced: { kind: 'PolicyReport', resource: 'policyreports', shortName: 'polr' },
    cluster: { kind: 'ClusterPolicyReport', resource: 'clusterpolicyreports', shortName: 'cpolr' },
  },
  openreports: {
    group: 'openreports.io',
    version: 'v1alpha1',
    namespaced: { kind: 'Report', resource: 'reports', shortName: 'reps' },
    cluster: { kind: 'ClusterReport', resource: 'clusterreports', shortName: 'creps' },
  },
};

export const REPORT_SOURCE = 'kubeharden';
export const REPORT_NAME = 'kubeharden';
export const MAX_RESULTS = 1000;
/** Every report kubeharden writes carries this label; stale ones are found by it. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubeharden' } as const;

/** An object that was checked (for its `pass` result). */
export interface CheckedRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface ReportInputs {
  findings: readonly AuditFinding[];
  checked: readonly CheckedRef[];
  /** Lists that could not be read, and check errors: `error` results in the cluster report. */
  gaps: readonly Gap[];
  /** Gaps the user accepted (--skip-forbidden): reported as `skip`. */
  acceptedGaps: boolean;
  checkErrors: readonly string[];
  api: ReportApi;
  now: Date;
  /**
   * Write the cluster-scoped report (default true). An audit of some namespaces (-n) has only
   * part of what belongs in it, and must not replace the report of a whole-cluster audit.
   */
  clusterReport?: boolean;
}

type Result = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

interface ReportResult {
  source: string;
  policy: string;
  rule: string;
  category?: string;
  severity?: string;
  timestamp: { seconds: number; nanos: number };
  result: Result;
  scored: boolean;
  resources?: Json[];
  message: string;
  properties?: Record<string, string>;
}

function resourceRef(o: CheckedRef | Finding['object'], uid?: string): Json {
  return { apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name, ...(uid ? { uid } : {}) };
}

/**
 * A finding is a violation (`fail`); an info finding (an inventory, a note) is not scored
 * (`warn`, as the PolicyReport API defines it); a suppressed one was not selected (`skip`). The
 * exit threshold (--fail-on) plays no part: a CronJob that never fails on findings still reports them.
 */
function resultOf(f: Finding): Result {
  if (f.suppressed) return 'skip';
  return f.severity === 'info' ? 'warn' : 'fail';
}

function key(namespace: string | undefined, kind: string, name: string): string {
  return `${namespace ?? ''}\u0000${kind}\u0000${name}`;
}

/** The report objects (chunked), cluster report first, then namespaces in name order. */
export function buildReports(inp: ReportInputs): Json[] {
  const kinds = REPORT_APIS[inp.api];
  const timestamp = { seconds: Math.floor(inp.now.getTime() / 1000), nanos: 0 };
  const base = (policy: string, rule: string, result: Result, message: string): ReportResult => ({ source: REPORT_SOURCE, policy, rule, timestamp, result, scored: true, message });
  const byScope = new Map<string, ReportResult[]>(); // '' = cluster
  const add = (scope: string, r: ReportResult) => {
    let l = byScope.get(scope);
    if (!l) byScope.set(scope, (l = []));
    l.push(r);
  };
  const withFindings = new Set<string>();
  for (const f of inp.findings) {
    withFindings.add(key(f.object.namespace, f.object.kind, f.object.name));
    const properties: Record<string, string> = { path: f.path };
    if (f.container) properties.container = f.container;
    if (f.suppressed) {
      properties.suppressedBy = f.suppressed.by;
      properties.suppressedReason = f.suppressed.reason;
    }
    add(f.object.namespace ?? '', {
      ...base(f.check, f.check, resultOf(f), f.message),
      category: f.category,
      severity: f.severity,
      scored: !f.suppressed && f.severity !== 'info',
      resources: [resourceRef(f.object, f.origin.uid)],
      properties,
    });
  }
  for (const o of inp.checked) {
    if (withFindings.has(key(o.namespace, o.kind, o.name))) continue;
    add(o.namespace ?? '', { ...base(REPORT_SOURCE, 'all-checks', 'pass', 'no kubeharden check found a problem'), resources: [resourceRef(o, o.uid)] });
  }
  for (const g of inp.gaps) {
    add('', { ...base(REPORT_SOURCE, 'read-access', inp.acceptedGaps && g.reason === 'forbidden' ? 'skip' : 'error', `cannot ${g.what}: ${g.message}; ${g.consequence}`), scored: false });
  }
  for (const e of inp.checkErrors) add('', { ...base(REPORT_SOURCE, 'check-error', 'error', e), scored: false });

  if (inp.clusterReport === false) byScope.delete('');
  const out: Json[] = [];
  const scopes = [...byScope.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const scope of scopes) {
    const results = byScope.get(scope) as ReportResult[];
    for (let i = 0, chunk = 1; i < results.length; i += MAX_RESULTS, chunk++) {
      const part = results.slice(i, i + MAX_RESULTS);
      const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
      for (const r of part) summary[r.result]++;
      const k = scope ? kinds.namespaced : kinds.cluster;
      out.push({
        apiVersion: `${kinds.group}/${kinds.version}`,
        kind: k.kind,
        metadata: { name: chunk === 1 ? REPORT_NAME : `${REPORT_NAME}-${chunk}`, ...(scope ? { namespace: scope } : {}), labels: { ...MANAGED_BY } },
        ...(inp.api === 'openreports' ? { source: REPORT_SOURCE } : {}),
        summary,
        results: part,
      });
    }
  }
  return out;
}
