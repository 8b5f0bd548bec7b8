/** Levels and versions: parsing, formatting, resolution (`latest` and too-new versions). */
import type { PssLevel, PssPolicy, PssVersionSpec } from './types.js';

/** The newest policy version this evaluator knows (upstream pod-security-admission at 8f84a87c: v1.37). */
export const LATEST_MINOR = 37;

export function isPssLevel(s: unknown): s is PssLevel {
  return s === 'privileged' || s === 'baseline' || s === 'restricted';
}

const VERSION_RE = /^v?1\.(0|[1-9][0-9]*)$/;

/** Parses `latest`, `v1.30` (also `1.30`). Returns undefined when invalid. */
export function parsePssVersion(s: string): PssVersionSpec | undefined {
  if (s === 'latest') return 'latest';
  const m = VERSION_RE.exec(s);
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (!Number.isSafeInteger(minor)) return undefined;
  return { major: 1, minor };
}

/**
 * Parses `restricted`, `baseline:v1.30`, `restricted:latest`: the one parser of a level and
 * version given by a user (`--pss`, config `pss:`, a webhook policy profile, `--set pss=`). A
 * missing version means latest. Throws an Error with a user-facing message when the string is invalid.
 */
export function parsePssLevelVersion(s: string): PssPolicy {
  const text = String(s).trim();
  const colon = text.indexOf(':');
  const levelText = colon < 0 ? text : text.slice(0, colon);
  const versionText = colon < 0 ? 'latest' : text.slice(colon + 1);
  if (!isPssLevel(levelText)) {
    throw new Error(`invalid Pod Security level "${levelText}" in "${text}": must be one of privileged, baseline, restricted (optionally followed by :v1.<minor> or :latest)`);
  }
  const version = parsePssVersion(versionText);
  if (!version) throw new Error(`invalid Pod Security version "${versionText}" in "${text}": must be "latest" or "v1.<minor>" (e.g. v1.30)`);
  // A version this evaluator does not know would silently read as latest: a typo (v1.99 for v1.29) must not change the policy.
  if (version !== 'latest' && version.minor > LATEST_MINOR) throw new Error(`unsupported Pod Security version "${versionText}" in "${text}": the supported versions are v1.0 to v1.${LATEST_MINOR}, or latest`);
  return { level: levelText, version };
}

/** The minor version whose checks apply: `latest` and versions newer than LATEST_MINOR evaluate as LATEST_MINOR. */
export function effectiveMinor(version: PssVersionSpec): number {
  if (version === 'latest') return LATEST_MINOR;
  const minor = version.minor;
  if (!(minor >= 0)) return LATEST_MINOR;
  return minor > LATEST_MINOR ? LATEST_MINOR : Math.floor(minor);
}

/** `latest` or `v1.30`, as PSA prints it. */
export function formatPssVersion(version: PssVersionSpec): string {
  return version === 'latest' ? 'latest' : `v${version.major}.${version.minor}`;
}

/** `restricted:v1.30`, `baseline:latest`. */
export function formatPssLevelVersion(level: PssLevel, version: PssVersionSpec): string {
  return `${level}:${formatPssVersion(version)}`;
}
