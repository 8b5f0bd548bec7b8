/**
 * Which report belongs to an image. By digest: a digest names exact content, so a report of
 * `sha256:abc` in any repository is a report of these bytes. By tag only when no report has the
 * digest: a tag may have moved since the scan, so such a match is flagged (the finding and a
 * warning say so). The newest report wins.
 */
import type { ImageName } from '../reference.js';
import type { VulnReport } from './report.js';

export interface ReportMatch {
  report: VulnReport;
  by: 'digest' | 'tag';
}

/** No report for the image; `otherDigest` is a report of the same tag for other content (the tag moved). */
export interface ReportMiss {
  report?: undefined;
  otherDigest?: VulnReport;
}

function newer(a: VulnReport, b: VulnReport): boolean {
  return (a.createdAt?.getTime() ?? -Infinity) > (b.createdAt?.getTime() ?? -Infinity);
}

function add(map: Map<string, VulnReport>, key: string, r: VulnReport): void {
  const cur = map.get(key);
  if (!cur || newer(r, cur)) map.set(key, r);
}

export class ReportIndex {
  #byDigest = new Map<string, VulnReport>();
  #byTag = new Map<string, VulnReport>();
  readonly size: number;

  constructor(reports: readonly VulnReport[]) {
    for (const r of reports) {
      for (const d of r.digests) if (d.digest) add(this.#byDigest, d.digest, r);
      for (const t of r.tags) if (t.tag) add(this.#byTag, `${t.name}:${t.tag}`, r);
    }
    this.size = reports.length;
  }

  /**
   * The report for an image: by its digest, by any other digest known for it (the platform
   * manifests of a multi-arch index: scanners report the platform they scanned), then by tag.
   */
  find(image: ImageName, digest: string | undefined, otherDigests: readonly string[] = []): ReportMatch | ReportMiss {
    let best: VulnReport | undefined;
    for (const d of digest ? [digest, ...otherDigests] : otherDigests) {
      const r = this.#byDigest.get(d);
      if (r && (!best || newer(r, best))) best = r;
    }
    if (best) return { report: best, by: 'digest' };
    const byTag = image.tag ? this.#byTag.get(`${image.name}:${image.tag}`) : undefined;
    if (!byTag) return {};
    // With the image's digest known, a report of the same tag that names other digests is about
    // other content: the tag moved after the scan. Without digests in the report it may match.
    if (digest && byTag.digests.length > 0) return { otherDigest: byTag };
    return { report: byTag, by: 'tag' };
  }
}
