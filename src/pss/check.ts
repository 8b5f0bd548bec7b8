/** The shape of a versioned check, as in pod-security-admission `policy.Check`. */
import type { PssCheckId, PssPath, PssResult } from './types.js';
import type { PodView } from './view.js';
import type { Cel, PodCel } from '../k8s/cel.js';

/** Returns null when the pod is allowed (no allocation), else the failing result. */
export type CheckFn = (v: PodView) => PssResult | null;

export interface VersionedCheck {
  /** First policy minor version (v1.<minVersion>) this implementation applies to. */
  minVersion: number;
  check: CheckFn;
  /** Baseline checks this (restricted) implementation replaces when evaluating restricted. */
  overrides?: readonly PssCheckId[];
  /**
   * The same implementation as CEL (for `kubeharden export vap`): a string, '' when the pod is
   * allowed, else PSA's `reason (detail)` (formatPssFailure). Details list names and values in the
   * pod's order where PSA sorts them (CEL before Kubernetes 1.34 cannot sort).
   */
  cel: (p: PodCel) => Cel;
}

export interface CheckDefinition {
  id: PssCheckId;
  level: 'baseline' | 'restricted';
  /** Strictly increasing minVersion. */
  versions: readonly VersionedCheck[];
}

export function forbidden(checkId: PssCheckId, reason: string, detail: string, paths: PssPath[]): PssResult {
  return { checkId, allowed: false, forbiddenReason: reason, forbiddenDetail: detail, paths };
}
