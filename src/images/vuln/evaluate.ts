/**
 * The vulnerability policy applied to one image's report: which vulnerabilities count (cpe-match
 * handling, ignore entries, VEX statements), which of them violate the policy (at or above the
 * threshold; with a fix, when only fixable ones count), and the counts for the finding.
 */
import { CVE_SEVERITIES, cveRank, expired, type CveSeverity, type IgnoreEntry, type VulnerabilityPolicy } from '../policy.js';
import { matchesAny, type ImageName } from '../reference.js';
import type { VexIndex } from './openvex.js';
import type { ReportedVulnerability, VulnReport } from './report.js';

export interface CountedVulnerability extends ReportedVulnerability {
  /** The severity the policy uses (a cpe-match may be lowered). */
  effective: CveSeverity;
}

export interface VulnEvaluation {
  counts: Record<CveSeverity, number>;
  /** Vulnerabilities that violate the policy, worst first. */
  violations: CountedVulnerability[];
  /** Set aside by ignore entries or VEX statements. */
  ignored: number;
  vexed: number;
  /** Ignore entries and VEX documents that no longer apply (reported as warnings). */
  expired: string[];
}

export function emptyCounts(): Record<CveSeverity, number> {
  return { unknown: 0, negligible: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

function lowered(s: CveSeverity): CveSeverity {
  const r = cveRank(s);
  return r <= 1 ? s : CVE_SEVERITIES[r - 1];
}

function ignoreMatches(e: IgnoreEntry, v: ReportedVulnerability, image: ImageName): boolean {
  const id = e.id.toUpperCase();
  if (v.id.toUpperCase() !== id && !v.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (e.images && !matchesAny(e.images, image.name)) return false;
  if (e.packages && !e.packages.includes(v.pkg)) return false;
  return true;
}

/** Worst first: severity, then fixable first (the actionable ones), then id for a stable order. */
export function worstFirst(a: CountedVulnerability, b: CountedVulnerability): number {
  return cveRank(b.effective) - cveRank(a.effective) || Number(b.fixed) - Number(a.fixed) || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.pkg < b.pkg ? -1 : a.pkg > b.pkg ? 1 : 0);
}

export function evaluateReport(report: VulnReport, image: ImageName, digest: string | undefined, policy: VulnerabilityPolicy, vex: VexIndex, now: Date): VulnEvaluation {
  const counts = emptyCounts();
  const violations: CountedVulnerability[] = [];
  const expiredNotes = new Set<string>();
  let ignored = 0;
  let vexed = 0;
  const threshold = cveRank(policy.failOn);
  for (const v of report.vulnerabilities) {
    if (v.confidence === 'cpe' && policy.cpeMatches === 'ignore') continue;
    const effective = v.confidence === 'cpe' && policy.cpeMatches === 'lower' ? lowered(v.severity) : v.severity;
    const entry = policy.ignore.find((e) => ignoreMatches(e, v, image));
    if (entry) {
      if (!expired(entry.expires, now)) {
        ignored++;
        continue;
      }
      expiredNotes.add(`ignore entry ${entry.id} (${entry.reason}) expired on ${entry.expires} and no longer applies`);
    }
    const statement = vex.decide(v, image, digest, now, (s) => expiredNotes.add(`VEX document ${s.file} expired on ${s.expires}: its statement on ${s.ids[0]} no longer applies`));
    if (statement && (statement.status === 'not_affected' || statement.status === 'fixed')) {
      vexed++;
      continue;
    }
    counts[effective]++;
    if (cveRank(effective) >= threshold && (!policy.onlyFixed || v.fixed)) violations.push({ ...v, effective });
  }
  violations.sort(worstFirst);
  return { counts, violations, ignored, vexed, expired: [...expiredNotes] };
}

/** `2 critical, 5 high, 1 medium` (zero counts left out), worst first. */
export function formatCounts(counts: Record<CveSeverity, number>): string {
  const parts: string[] = [];
  for (let i = CVE_SEVERITIES.length - 1; i >= 0; i--) if (counts[CVE_SEVERITIES[i]]) parts.push(`${counts[CVE_SEVERITIES[i]]} ${CVE_SEVERITIES[i]}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** `CVE-2024-1234 critical in openssl 3.0.1 (fixed in 3.0.2)`. */
export function formatVulnerability(v: CountedVulnerability): string {
  const sev = v.effective === v.severity ? v.severity : `${v.effective} (reported ${v.severity}, cpe-match)`;
  const fix = v.fixed ? (v.fixedVersions.length ? `fixed in ${v.fixedVersions.join(', ')}` : 'fix available') : 'no fix yet';
  return `${v.id} ${sev} in ${v.pkg}${v.installed ? ` ${v.installed}` : ''} (${fix})`;
}
