/**
 * The figures every human-facing report shows (HTML, Markdown, compliance): counts by severity,
 * category and namespace, the checks with most findings, and the documented risk score per
 * workload and namespace. One function, so the reports never disagree on a number.
 *
 * Score (docs/reports.md): every scanned object starts at 100 and loses, per unsuppressed finding,
 * 40 (critical), 20 (high), 8 (medium), 3 (low) or 0 (info), floored at 0. A namespace's score and
 * the overall score are the mean over their objects, clean objects included: ten clean
 * Deployments and one privileged one score 94.5, not 60.
 */
import { SEVERITIES, severityRank, type Finding, type ObjectRef, type Severity } from '../engine/types.js';

export type { ObjectRef } from '../engine/types.js';

export const SCORE_PENALTY: Readonly<Record<Severity, number>> = { critical: 40, high: 20, medium: 8, low: 3, info: 0 };

/** The label of "no namespace": cluster-scoped objects, or namespaced ones applied with -n. */
export const NO_NAMESPACE = '(none)';

export interface ScoredObject extends ObjectRef {
  score: number;
  bySeverity: Record<Severity, number>;
}

export interface NamespaceOverview {
  namespace: string;
  objects: number;
  score: number;
  bySeverity: Record<Severity, number>;
}

export interface Overview {
  findings: number;
  suppressed: number;
  objects: number;
  score: number;
  bySeverity: Record<Severity, number>;
  byCategory: Array<{ category: string; count: number }>;
  /** Worst score first, then most findings. */
  namespaces: NamespaceOverview[];
  /** Most findings first (ties: worst severity, then id). */
  topChecks: Array<{ check: string; title: string; severity: Severity; count: number }>;
  /** Objects with findings, worst score first. */
  worstObjects: ScoredObject[];
}

export function emptyCounts(): Record<Severity, number> {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

export function namespaceOf(o: { namespace?: string }): string {
  return o.namespace ?? NO_NAMESPACE;
}

export function objectKey(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}\u0000${o.namespace ?? ''}\u0000${o.name}`;
}

/** What the overview reads of a finding (scan findings, and the HTML model's generic ones). */
export type OverviewFinding = Pick<Finding, 'check' | 'severity' | 'title'> & {
  category: string;
  object: { kind: string; namespace?: string; name: string };
  file?: string;
  line?: number;
  column?: number;
  suppressed?: unknown;
};

/** Worst first: severity, then check id, file and position (a stable order for every report). */
export function compareWorstFirst(a: OverviewFinding, b: OverviewFinding): number {
  const af = a.file ?? '';
  const bf = b.file ?? '';
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.check < b.check ? -1 : a.check > b.check ? 1 : 0) ||
    (af < bf ? -1 : af > bf ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0)
  );
}

/**
 * `inventory` lists every scanned object (clean ones count in scores); without it only objects
 * with findings are known, and scores cover those alone.
 */
export function overview(findings: Iterable<OverviewFinding>, inventory?: readonly ObjectRef[]): Overview {
  const objects = new Map<string, ScoredObject>();
  const add = (o: ObjectRef) => {
    const k = objectKey(o);
    let s = objects.get(k);
    if (!s) objects.set(k, (s = { kind: o.kind, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), name: o.name, ...(o.file ? { file: o.file } : {}), score: 100, bySeverity: emptyCounts() }));
    return s;
  };
  for (const o of inventory ?? []) add(o);
  const bySeverity = emptyCounts();
  const byCategory = new Map<string, number>();
  const byCheck = new Map<string, { check: string; title: string; severity: Severity; count: number }>();
  let suppressed = 0;
  let unsuppressed = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    unsuppressed++;
    bySeverity[f.severity]++;
    byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
    const c = byCheck.get(f.check);
    if (c) {
      c.count++;
      if (severityRank(f.severity) > severityRank(c.severity)) c.severity = f.severity;
    } else byCheck.set(f.check, { check: f.check, title: f.title, severity: f.severity, count: 1 });
    const o = add({ ...f.object, ...(f.file ? { file: f.file } : {}) });
    o.bySeverity[f.severity]++;
    o.score = Math.max(0, o.score - SCORE_PENALTY[f.severity]);
  }
  const namespaces = new Map<string, { objects: number; total: number; bySeverity: Record<Severity, number> }>();
  let total = 0;
  for (const o of objects.values()) {
    total += o.score;
    const ns = namespaceOf(o);
    let n = namespaces.get(ns);
    if (!n) namespaces.set(ns, (n = { objects: 0, total: 0, bySeverity: emptyCounts() }));
    n.objects++;
    n.total += o.score;
    for (const s of SEVERITIES) n.bySeverity[s] += o.bySeverity[s];
  }
  return {
    findings: unsuppressed,
    suppressed,
    objects: objects.size,
    score: objects.size ? round1(total / objects.size) : 100,
    bySeverity,
    byCategory: [...byCategory].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    namespaces: [...namespaces]
      .map(([namespace, n]) => ({ namespace, objects: n.objects, score: round1(n.total / n.objects), bySeverity: n.bySeverity }))
      .sort((a, b) => a.score - b.score || weight(b.bySeverity) - weight(a.bySeverity) || a.namespace.localeCompare(b.namespace)),
    topChecks: [...byCheck.values()].sort((a, b) => b.count - a.count || severityRank(b.severity) - severityRank(a.severity) || a.check.localeCompare(b.check)),
    worstObjects: [...objects.values()]
      .filter((o) => SEVERITIES.some((s) => o.bySeverity[s] > 0))
      .sort((a, b) => a.score - b.score || weight(b.bySeverity) - weight(a.bySeverity) || objectKey(a).localeCompare(objectKey(b))),
  };
}

function weight(c: Record<Severity, number>): number {
  let w = 0;
  for (const s of SEVERITIES) w += c[s] * (SCORE_PENALTY[s] + 1);
  return w;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
