import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../engine/types.js';
import { buildReports, MAX_RESULTS, type CheckedRef } from './policy-report.js';
import type { AuditFinding } from './run.js';

type Report = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; summary: Record<string, number>; results: Array<Record<string, unknown>> };

function finding(ns: string | undefined, name: string, check: string, severity: Finding['severity'], extra: Partial<Finding> = {}): AuditFinding {
  return {
    check,
    severity,
    title: check,
    message: `${check} on ${name}`,
    file: 'cluster:test',
    line: 0,
    column: 0,
    endLine: 0,
    endColumn: 0,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', ...(ns ? { namespace: ns } : {}), name },
    path: 'spec.template.spec.containers[0].securityContext',
    remediation: 'fix it',
    references: [],
    category: 'container-security',
    origin: { cluster: 'cluster:test', uid: `uid-${name}` },
    ...extra,
  };
}

const now = new Date('2026-12-07T10:00:00Z');

test('results: fail for a finding, warn (not scored) for info, skip when suppressed, one pass per clean object, errors for what was not read', () => {
  const findings = [
    finding('shop', 'web', 'CTR-PRIVILEGED', 'critical', { container: 'app' }),
    finding('shop', 'web', 'CLU-SVC-INVENTORY', 'info'),
    finding('shop', 'api', 'RES-CPU-LIM', 'low', { suppressed: { by: 'annotation', reason: 'batch job' } }),
  ];
  const checked: CheckedRef[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', uid: 'uid-web' },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api', uid: 'uid-api' },
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'cfg', uid: 'uid-cfg' },
    { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
  ];
  const reports = buildReports({ findings, checked, gaps: [{ what: 'list secrets in all namespaces', reason: 'forbidden', message: 'HTTP 403', consequence: 'not audited: legacy tokens' }], acceptedGaps: false, checkErrors: [], api: 'wgpolicyk8s', now }) as Report[];
  assert.deepEqual(reports.map((r) => `${r.kind} ${r.metadata.namespace ?? ''}/${r.metadata.name}`), ['ClusterPolicyReport /kubeharden', 'PolicyReport shop/kubeharden']);
  const [cluster, shop] = reports;
  assert.deepEqual(shop.summary, { pass: 1, fail: 1, warn: 1, error: 0, skip: 1 });
  assert.deepEqual(cluster.summary, { pass: 1, fail: 0, warn: 0, error: 1, skip: 0 });
  const priv = shop.results.find((r) => r.policy === 'CTR-PRIVILEGED') as Record<string, unknown>;
  assert.deepEqual(priv, {
    source: 'kubeharden',
    policy: 'CTR-PRIVILEGED',
    rule: 'CTR-PRIVILEGED',
    timestamp: { seconds: 1796637600, nanos: 0 },
    result: 'fail',
    scored: true,
    message: 'CTR-PRIVILEGED on web',
    category: 'container-security',
    severity: 'critical',
    resources: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', uid: 'uid-web' }],
    properties: { path: 'spec.template.spec.containers[0].securityContext', container: 'app' },
  });
  assert.equal(shop.results.find((r) => r.policy === 'RES-CPU-LIM')?.result, 'skip');
  assert.equal((cluster.results[1] as { result: string }).result, 'error');
  const accepted = buildReports({ findings: [], checked: [], gaps: [{ what: 'list secrets', reason: 'forbidden', message: '', consequence: '' }], acceptedGaps: true, checkErrors: [], api: 'wgpolicyk8s', now }) as Report[];
  assert.equal(accepted[0].results[0].result, 'skip');
});

test(`at most ${MAX_RESULTS} results per report: chunks kubeharden, kubeharden-2…; no cluster report for -n audits; openreports kinds`, () => {
  const checked: CheckedRef[] = Array.from({ length: 2500 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'bulk', name: `cm-${i}` }));
  checked.push({ apiVersion: 'v1', kind: 'Namespace', name: 'bulk' });
  const reports = buildReports({ findings: [], checked, gaps: [], acceptedGaps: false, checkErrors: [], api: 'openreports', now, clusterReport: false }) as Report[];
  assert.deepEqual(reports.map((r) => `${r.kind} ${r.metadata.name} ${r.results.length}`), ['Report kubeharden 1000', 'Report kubeharden-2 1000', 'Report kubeharden-3 500']);
  for (const r of reports) {
    assert.equal(r.apiVersion, 'openreports.io/v1alpha1');
    assert.equal(r.source, 'kubeharden');
    assert.deepEqual(r.metadata.labels, { 'app.kubernetes.io/managed-by': 'kubeharden' });
  }
});
