/**
 * Kubernetes support status from the embedded release table (k8s-releases.ts, generated): which
 * minors still get patches on a date, the newest patch of a minor, and the version skew the
 * kubelet may have. No network: the table is dated, and what came after it is unknown to it.
 */
import { FIRST_TABLED_MINOR, RELEASES, RELEASES_AS_OF, type MinorRelease } from './k8s-releases.js';

export { RELEASES_AS_OF };

export function minorRelease(minor: number): MinorRelease | undefined {
  return RELEASES.find((r) => r.minor === minor);
}

export type Support =
  | { status: 'supported'; release: MinorRelease }
  | { status: 'end-of-life'; release?: MinorRelease }
  /** Newer than the table: kubeharden cannot tell. */
  | { status: 'unknown' };

/** The support status of 1.<minor> on a date (YYYY-MM-DD compares as text). */
export function supportOf(minor: number, at: Date): Support {
  if (minor < FIRST_TABLED_MINOR) return { status: 'end-of-life' };
  const release = minorRelease(minor);
  if (!release) return { status: 'unknown' };
  return at.toISOString().slice(0, 10) > release.endOfLife ? { status: 'end-of-life', release } : { status: 'supported', release };
}

/** The minors still patched on a date, oldest first. */
export function supportedMinors(at: Date): MinorRelease[] {
  const day = at.toISOString().slice(0, 10);
  return RELEASES.filter((r) => r.released <= day && day <= r.endOfLife);
}

/**
 * How many minors a kubelet may be older than the API server: 3 since Kubernetes 1.28
 * (KEP-3935), 2 before. It may never be newer.
 */
export function kubeletSkewAllowed(apiserverMinor: number): number {
  return apiserverMinor >= 28 ? 3 : 2;
}
