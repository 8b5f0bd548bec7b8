/**
 * Namespace labels → the policy PodSecurity admission applies (api.PolicyToEvaluate):
 *   pod-security.kubernetes.io/<mode>=<level>, pod-security.kubernetes.io/<mode>-version=<version>
 * for mode enforce | audit | warn. Unset modes default to privileged:latest. An invalid level
 * reads as restricted and an invalid version as latest (PSA fails closed), reported in `errors`.
 * When warn is not set but enforce is a stricter valid level, warn defaults to enforce.
 */
import type { PssLevel, PssVersionSpec } from './types.js';
import { isPssLevel, parsePssVersion } from './version.js';

export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';

export type PssMode = 'enforce' | 'audit' | 'warn';
export const PSS_MODES: readonly PssMode[] = ['enforce', 'audit', 'warn'];

export interface PssModePolicy {
  level: PssLevel;
  version: PssVersionSpec;
  /** The level label was present (valid or not). */
  levelLabel: boolean;
}

export interface NamespacePolicy {
  enforce: PssModePolicy;
  audit: PssModePolicy;
  warn: PssModePolicy;
  /** Invalid label values, e.g. `pod-security.kubernetes.io/enforce: must be one of privileged, baseline, restricted`. */
  errors: string[];
  /** Any pod-security.kubernetes.io/ label is present. */
  labelled: boolean;
}

const RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

export function namespacePolicy(labels: Readonly<Record<string, unknown>> | undefined): NamespacePolicy {
  const errors: string[] = [];
  const out = {} as Record<PssMode, PssModePolicy>;
  let labelled = false;
  const has = (k: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, k);
  const get = (k: string) => (labels ? String(labels[k] ?? '') : '');
  let enforceValid = false;
  for (const mode of PSS_MODES) {
    const p: PssModePolicy = { level: 'privileged', version: 'latest', levelLabel: false };
    const lk = PSS_LABEL_PREFIX + mode;
    if (has(lk)) {
      labelled = true;
      p.levelLabel = true;
      const v = get(lk);
      if (isPssLevel(v)) {
        p.level = v;
        if (mode === 'enforce') enforceValid = true;
      } else {
        p.level = 'restricted';
        errors.push(`${lk}: must be one of privileged, baseline, restricted (got "${v}")`);
      }
    }
    const vk = `${lk}-version`;
    if (has(vk)) {
      labelled = true;
      const v = get(vk);
      const parsed = v === '' ? 'latest' : parsePssVersion(v);
      if (parsed && (parsed === 'latest' || /^v/.test(v))) p.version = parsed;
      else {
        p.version = 'latest';
        errors.push(`${vk}: must be "latest" or "v1.x" (got "${v}")`);
      }
    }
    out[mode] = p;
  }
  const warnVersionSet = has(`${PSS_LABEL_PREFIX}warn-version`);
  if (!out.warn.levelLabel && enforceValid && RANK[out.enforce.level] > RANK[out.warn.level]) {
    out.warn = { level: out.enforce.level, version: warnVersionSet ? out.warn.version : out.enforce.version, levelLabel: false };
  }
  return { enforce: out.enforce, audit: out.audit, warn: out.warn, errors, labelled };
}
