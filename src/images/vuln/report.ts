/**
 * A vulnerability report, whichever scanner wrote it: the image it is about (digests and tags),
 * when it was made, and each vulnerability with its package, severity and fix. Trivy and Grype
 * reports parse into this; matching and policy only ever see this shape.
 */
import type { CveSeverity } from '../policy.js';

export interface ReportedVulnerability {
  /** CVE-…, GHSA-…, DSA-…: the scanner's id. */
  id: string;
  /** Other ids of the same vulnerability (Grype's relatedVulnerabilities), for ignore lists and VEX. */
  aliases: string[];
  pkg: string;
  /** Package URL, when the scanner gives one (VEX subcomponents are purls). */
  purl?: string;
  installed: string;
  /** Versions that fix it (empty when there is none, or the scanner did not say). */
  fixedVersions: string[];
  /** A fix exists (Trivy `Status: fixed` or a FixedVersion; Grype `fix.state: fixed`). */
  fixed: boolean;
  severity: CveSeverity;
  /** `cpe`: matched only by CPE (Grype), a guess from the product name with many false positives. */
  confidence: 'exact' | 'cpe';
  url?: string;
}

/** An image a report names: `name` is normalized (docker.io/library/nginx). */
export interface ReportedImage {
  name: string;
  digest?: string;
  tag?: string;
}

export interface VulnReport {
  file: string;
  format: 'trivy' | 'grype';
  /** What the scanner was pointed at (Trivy ArtifactName, Grype source.target.userInput). */
  artifact: string;
  /** Manifest digests (`repo@sha256:…`): how images are matched. */
  digests: ReportedImage[];
  /** Tags (`repo:tag`): a match by tag only is reported as a warning (tags move). */
  tags: ReportedImage[];
  createdAt?: Date;
  vulnerabilities: ReportedVulnerability[];
}

/** A problem in a report, at a JSON path (turned into line:column by the loader). */
export class ReportShapeError extends Error {
  constructor(
    readonly path: ReadonlyArray<string | number>,
    message: string,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field readers that throw a located error when the report has the wrong shape. */
export function str(o: Json, key: string, path: ReadonlyArray<string | number>, required = true): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new ReportShapeError(path, `${key} is missing`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ReportShapeError([...path, key], `${key} must be a string, not ${describe(v)}`);
  return v;
}

export function list(o: Json, key: string, path: ReadonlyArray<string | number>): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ReportShapeError([...path, key], `${key} must be a list, not ${describe(v)}`);
  return v;
}

export function obj(v: unknown, path: ReadonlyArray<string | number>, what: string): Json {
  if (v === undefined) throw new ReportShapeError(path.slice(0, -1), `${what} is missing`);
  if (!isObject(v)) throw new ReportShapeError(path, `${what} must be an object, not ${describe(v)}`);
  return v;
}

export function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

export function timestamp(v: string | undefined, path: ReadonlyArray<string | number>): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ReportShapeError(path, `"${v}" is not a timestamp`);
  return new Date(t);
}
