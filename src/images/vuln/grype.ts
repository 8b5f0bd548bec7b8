/**
 * Grype JSON (`grype -o json`): `source.target` names the image (`repoDigests`, `tags`,
 * `manifestDigest`), `matches[]` the findings. A match found only by CPE (`matchDetails[].type:
 * cpe-match`) is a guess from the product name: it is marked lower confidence, and the policy
 * decides what it counts for (Anchore's own advice).
 */
import type { CveSeverity } from '../policy.js';
import { parseReference } from '../reference.js';
import { isObject, list, obj, ReportShapeError, str, timestamp, type Json, type ReportedImage, type ReportedVulnerability, type VulnReport } from './report.js';

const SEVERITY: Readonly<Record<string, CveSeverity>> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'negligible', unknown: 'unknown' };
const FIX_STATES = new Set(['fixed', 'not-fixed', 'wont-fix', 'unknown', '']);

export function looksLikeGrype(doc: Json): boolean {
  return 'matches' in doc && ('source' in doc || 'descriptor' in doc);
}

export function parseGrype(doc: Json, file: string): VulnReport {
  const source = doc.source === undefined ? {} : obj(doc.source, ['source'], 'source');
  const sourceType = str(source, 'type', ['source'], false);
  if (sourceType !== undefined && sourceType !== 'image') throw new ReportShapeError(['source', 'type'], `source.type "${sourceType}" is not an image report`);
  const target = source.target === undefined ? {} : obj(source.target, ['source', 'target'], 'source.target');
  const tp = ['source', 'target'];
  const artifact = str(target, 'userInput', tp, false) ?? '';
  const digests: ReportedImage[] = [];
  list(target, 'repoDigests', tp).forEach((v, i) => {
    const ref = typeof v === 'string' ? parseReference(v) : undefined;
    if (!ref?.digest) throw new ReportShapeError([...tp, 'repoDigests', i], `${JSON.stringify(v)} is not an image digest (repo@sha256:<64 hex>)`);
    digests.push({ name: ref.name, digest: ref.digest });
  });
  const tags: ReportedImage[] = [];
  list(target, 'tags', tp).forEach((v, i) => {
    const ref = typeof v === 'string' ? parseReference(v) : undefined;
    if (!ref?.tag) throw new ReportShapeError([...tp, 'tags', i], `${JSON.stringify(v)} is not an image tag (repo:tag)`);
    tags.push({ name: ref.name, tag: ref.tag });
  });
  // The manifest digest, with the repository of the user input (Grype run on `repo@sha256:…` or `repo:tag`).
  const input = parseReference(artifact);
  const manifestDigest = str(target, 'manifestDigest', tp, false);
  if (input && manifestDigest && /^sha256:[a-f0-9]{64}$/.test(manifestDigest) && !digests.some((d) => d.digest === manifestDigest)) digests.push({ name: input.name, digest: manifestDigest });
  if (input?.digest && !digests.some((d) => d.digest === input.digest)) digests.push({ name: input.name, digest: input.digest });
  if (input?.tag && !tags.some((t) => t.name === input.name && t.tag === input.tag)) tags.push({ name: input.name, tag: input.tag });

  const vulnerabilities: ReportedVulnerability[] = [];
  list(doc, 'matches', []).forEach((m, i) => {
    const mp = ['matches', i];
    const match = obj(m, mp, 'a match');
    const vp = [...mp, 'vulnerability'];
    const vuln = obj(match.vulnerability, vp, 'vulnerability');
    const sev = (str(vuln, 'severity', vp) as string).toLowerCase();
    const severity = SEVERITY[sev];
    if (!severity) throw new ReportShapeError([...vp, 'severity'], `severity "${sev}" is not one of Critical, High, Medium, Low, Negligible, Unknown`);
    const fix = vuln.fix === undefined ? {} : obj(vuln.fix, [...vp, 'fix'], 'fix');
    const state = str(fix, 'state', [...vp, 'fix'], false) ?? '';
    if (!FIX_STATES.has(state)) throw new ReportShapeError([...vp, 'fix', 'state'], `fix.state "${state}" is not one of fixed, not-fixed, wont-fix, unknown`);
    const versions = list(fix, 'versions', [...vp, 'fix']).filter((x): x is string => typeof x === 'string');
    const ap = [...mp, 'artifact'];
    const art = obj(match.artifact, ap, 'artifact');
    const details = list(match, 'matchDetails', mp);
    const types = details.map((d) => (isObject(d) && typeof d.type === 'string' ? d.type : ''));
    const aliases = list(match, 'relatedVulnerabilities', mp)
      .map((r) => (isObject(r) && typeof r.id === 'string' ? r.id : undefined))
      .filter((x): x is string => x !== undefined);
    const purl = str(art, 'purl', ap, false);
    const urls = list(vuln, 'urls', vp).filter((x): x is string => typeof x === 'string');
    const url = str(vuln, 'dataSource', vp, false) ?? urls[0];
    vulnerabilities.push({
      id: str(vuln, 'id', vp) as string,
      aliases,
      pkg: str(art, 'name', ap) as string,
      ...(purl ? { purl } : {}),
      installed: str(art, 'version', ap, false) ?? '',
      fixedVersions: versions,
      fixed: state === 'fixed',
      severity,
      confidence: types.length > 0 && types.every((t) => t === 'cpe-match') ? 'cpe' : 'exact',
      ...(url ? { url } : {}),
    });
  });
  const descriptor = doc.descriptor === undefined ? {} : obj(doc.descriptor, ['descriptor'], 'descriptor');
  const createdAt = timestamp(str(descriptor, 'timestamp', ['descriptor'], false), ['descriptor', 'timestamp']);
  return { file, format: 'grype', artifact, digests, tags, ...(createdAt ? { createdAt } : {}), vulnerabilities };
}
