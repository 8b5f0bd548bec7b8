/**
 * What a rule check looks for and how much a hit weighs, shared by the scan logic (_lib.ts) and its
 * CEL form (cel.ts): here so that neither imports the other.
 */
import type { Severity } from '../../engine/types.js';
import { SEVERITIES, severityRank } from '../../engine/types.js';

/** A permission to look for: any of `verbs` on group/resource[/subresource]. */
export interface Target {
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
  /** Human label, e.g. "secrets" or "pods/exec". */
  label?: string;
  /** Only meaningful in a ClusterRole (cluster-scoped resources). */
  clusterOnly?: boolean;
  /** Overrides the check's severity for this target. */
  severity?: Severity;
  /** Only counts when no earlier target matched the same resources entry (wider variants first). */
  fallback?: boolean;
}

/** One step less severe (a grant narrowed to resourceNames); info stays info. */
export function lowerSeverity(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)];
}
