/**
 * Trivy JSON (`trivy image -f json`, SchemaVersion 2): `Metadata.RepoDigests`/`RepoTags` name
 * the image, `Results[].Vulnerabilities[]` the findings. Other result classes (secrets,
 * misconfigurations, licenses) carry no Vulnerabilities and are skipped.
 */
import type { CveSeverity } from '../policy.js';
import { parseReference } from '../reference.js';
import { isObject, list, obj, ReportShapeError, str, timestamp, type Json, type ReportedImage, type ReportedVulnerability, type VulnReport } from './report.js';

const SEVERITY: Readonly<Record<string, CveSeverity>> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNKNOWN: 'unknown' };
/** Trivy's ArtifactType for images (older releases said "container_image" too). */
const IMAGE_TYPES = new Set(['container_image']);

export function looksLikeTrivy(doc: Json): boolean {
  return 'SchemaVersion' in doc && ('Results' in doc || 'ArtifactName' in doc);
}

function images(values: unknown[], path: ReadonlyArray<string | number>, kind: 'digest' | 'tag'): ReportedImage[] {
  const out: ReportedImage[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'string') throw new ReportShapeError([...path, i], `must be a string like repo${kind === 'digest' ? '@sha256:…' : ':tag'}`);
    const ref = parseReference(v);
    if (!ref || (kind === 'digest' ? !ref.digest : !ref.tag)) throw new ReportShapeError([...path, i], `"${v}" is not an image ${kind === 'digest' ? 'digest (repo@sha256:<64 hex>)' : 'tag (repo:tag)'}`);
    out.push(kind === 'digest' ? { name: ref.name, digest: ref.digest } : { name: ref.name, tag: ref.tag });
  });
  return out;
}

export function parseTrivy(doc: Json, file: string): VulnReport {
  if (doc.SchemaVersion !== 2) throw new ReportShapeError(['SchemaVersion'], `SchemaVersion ${JSON.stringify(doc.SchemaVersion)} is not supported (Trivy JSON SchemaVersion 2 is)`);
  const artifact = str(doc, 'ArtifactName', [], false) ?? '';
  const type = str(doc, 'ArtifactType', [], false);
  if (type !== undefined && !IMAGE_TYPES.has(type)) throw new ReportShapeError(['ArtifactType'], `ArtifactType "${type}" is not a container image report`);
  const meta = doc.Metadata === undefined ? {} : obj(doc.Metadata, ['Metadata'], 'Metadata');
  const digests = images(list(meta, 'RepoDigests', ['Metadata']), ['Metadata', 'RepoDigests'], 'digest');
  const tags = images(list(meta, 'RepoTags', ['Metadata']), ['Metadata', 'RepoTags'], 'tag');
  // Scanned by reference with nothing in the metadata (a remote image by digest): the reference names it.
  const named = parseReference(artifact);
  if (named?.digest && !digests.some((d) => d.digest === named.digest)) digests.push({ name: named.name, digest: named.digest });
  if (named?.tag && !tags.some((t) => t.name === named.name && t.tag === named.tag)) tags.push({ name: named.name, tag: named.tag });

  const vulnerabilities: ReportedVulnerability[] = [];
  list(doc, 'Results', []).forEach((r, i) => {
    const rp = ['Results', i];
    const result = obj(r, rp, 'a result');
    list(result, 'Vulnerabilities', rp).forEach((v, j) => {
      const vp = [...rp, 'Vulnerabilities', j];
      const vuln = obj(v, vp, 'a vulnerability');
      const sev = str(vuln, 'Severity', vp) as string;
      const severity = SEVERITY[sev];
      if (!severity) throw new ReportShapeError([...vp, 'Severity'], `Severity "${sev}" is not one of ${Object.keys(SEVERITY).join(', ')}`);
      const fixedVersion = str(vuln, 'FixedVersion', vp, false) ?? '';
      const status = str(vuln, 'Status', vp, false);
      const ident = isObject(vuln.PkgIdentifier) ? vuln.PkgIdentifier : undefined;
      const purl = ident && typeof ident.PURL === 'string' ? ident.PURL : undefined;
      const url = str(vuln, 'PrimaryURL', vp, false);
      vulnerabilities.push({
        id: str(vuln, 'VulnerabilityID', vp) as string,
        aliases: [],
        pkg: str(vuln, 'PkgName', vp) as string,
        ...(purl ? { purl } : {}),
        installed: str(vuln, 'InstalledVersion', vp, false) ?? '',
        fixedVersions: fixedVersion.split(',').map((s) => s.trim()).filter(Boolean),
        fixed: status === 'fixed' || fixedVersion.trim() !== '',
        severity,
        confidence: 'exact',
        ...(url ? { url } : {}),
      });
    });
  });
  const createdAt = timestamp(str(doc, 'CreatedAt', [], false), ['CreatedAt']);
  return { file, format: 'trivy', artifact, digests, tags, ...(createdAt ? { createdAt } : {}), vulnerabilities };
}
