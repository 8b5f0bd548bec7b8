/**
 * Evaluates a pod against a Pod Security Standards level and version, with the verdicts,
 * reasons and details of the PodSecurity admission plugin.
 */
import { checksFor } from './registry.js';
import type { EvaluateOptions, PssLevel, PssResult, PssVersionSpec } from './types.js';
import { effectiveMinor, formatPssLevelVersion } from './version.js';
import { loadView, releaseView } from './view.js';
import { asMap } from '../k8s/json.js';

const NONE: PssResult[] = [];
Object.freeze(NONE);

/**
 * Evaluates one pod. `podMeta` is the pod's (or pod template's) metadata, `podSpec` its spec.
 * Returns the failing checks in PSA's order (an empty frozen array when the pod is allowed), or
 * every evaluated check with `includeAllowed`. Never throws on malformed input: fields of the
 * wrong type are read as Go would hold them after decoding (missing/zero), except that YAML 1.1
 * booleans ("yes", "on", ...) count as booleans like kubectl reads them.
 */
export function evaluatePod(podMeta: unknown, podSpec: unknown, level: PssLevel, version: PssVersionSpec, options?: EvaluateOptions): PssResult[] {
  if (level === 'privileged') return NONE;
  const checks = checksFor(level, effectiveMinor(version));
  const spec = asMap(podSpec) ?? EMPTY_SPEC;
  const includeAllowed = options?.includeAllowed === true;
  const v = loadView(podMeta, spec);
  let out: PssResult[] | undefined;
  try {
    for (let i = 0; i < checks.length; i++) {
      const r = checks[i].fn(v);
      if (r) (out ??= []).push(r);
      else if (includeAllowed) (out ??= []).push({ checkId: checks[i].id, allowed: true, paths: [] });
    }
  } finally {
    releaseView();
  }
  return out ?? NONE;
}

const EMPTY_SPEC: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** True when none of the results forbids the pod. */
export function isAllowed(results: readonly PssResult[]): boolean {
  for (const r of results) if (!r.allowed) return false;
  return true;
}

/** `reason (detail)`, or just the reason when there is no detail (AggregateCheckResult.ForbiddenDetail). */
export function formatPssFailure(r: PssResult): string {
  const reason = r.forbiddenReason || 'unknown forbidden reason';
  return r.forbiddenDetail ? `${reason} (${r.forbiddenDetail})` : reason;
}

/** kubectl's wording: `violates PodSecurity "restricted:v1.30": reason1 (detail1), reason2 (detail2)`. */
export function formatPssMessage(level: PssLevel, version: PssVersionSpec, failures: readonly PssResult[]): string {
  const parts: string[] = [];
  for (const f of failures) if (!f.allowed) parts.push(formatPssFailure(f));
  return `violates PodSecurity "${formatPssLevelVersion(level, version)}": ${parts.join(', ')}`;
}
