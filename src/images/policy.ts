/**
 * The image policy (`images:` in `.kubeharden.yaml`, in an admission profile, and what the
 * `scan` flags fill in): its types, its defaults and small parsers, without the schema library.
 * The zod schema (policy-schema.ts) validates it at the edges; the image checks only read the
 * compiled result, and a scan without an image policy never loads zod.
 */

/** Severities as scanners report them, lowest first. */
export const CVE_SEVERITIES = ['unknown', 'negligible', 'low', 'medium', 'high', 'critical'] as const;
export type CveSeverity = (typeof CVE_SEVERITIES)[number];

/** How Grype matches found only by CPE (lower confidence: many false positives) count. */
export const CPE_MODES = ['lower', 'ignore', 'full'] as const;
export type CpeMode = (typeof CPE_MODES)[number];

export const FAIL_MODES = ['closed', 'open'] as const;
export type FailMode = (typeof FAIL_MODES)[number];

export const SIGNATURE_FORMATS = ['cosign', 'bundle'] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

/** An entry of `vulnerabilities.ignore`: one vulnerability id, optionally only for some images or packages. */
export interface IgnoreEntry {
  id: string;
  images?: string[];
  packages?: string[];
  reason: string;
  /** YYYY-MM-DD: the entry stops applying on this day, and is then reported. */
  expires: string;
}

/** An OpenVEX document and the day it stops being trusted (VEX statements carry no expiry of their own). */
export interface VexEntry {
  file: string;
  expires: string;
}

export interface VulnerabilityPolicy {
  /** Trivy or Grype JSON reports: files or directories of them. */
  reports: string[];
  /** Vulnerabilities at or above this severity violate the policy. */
  failOn: CveSeverity;
  /** Only vulnerabilities with a fix available violate the policy. */
  onlyFixed: boolean;
  /** A report older than this (e.g. `7d`) counts as no report. */
  maxAge?: string;
  cpeMatches: CpeMode;
  ignore: IgnoreEntry[];
  vex: VexEntry[];
  /** The images the vulnerability gate applies to (globs over repository names; default: all). */
  images?: string[];
  /** How many of the worst vulnerabilities a finding names. */
  list: number;
}

export interface SignatureRule {
  name?: string;
  /** Globs over normalized repository names (`ghcr.io/acme/**`, `docker.io/library/nginx`). */
  images: string[];
  /** Public keys: PEM files (relative to the policy file) or PEM text. Any one of them verifies. */
  keys: string[];
  /** Which signature formats are accepted: classic cosign `.sig` tags, Sigstore bundles (OCI referrers). */
  formats: SignatureFormat[];
}

export interface RegistryPolicy {
  /** Budget for registry calls: per image in a scan, per admission request in the webhook. */
  timeout: string;
  /** How long fetched signatures (keyed by digest) stay cached. */
  cacheTTL: string;
  /** How long a tag → digest resolution stays cached (tags move). */
  tagTTL: string;
  /** On-disk cache directory (filled by `kubeharden images prefetch`, read at start-up). */
  cacheDir?: string;
  /** Registry host → mirror hosts tried first, in order (like containerd's hosts.toml). */
  mirrors: Record<string, string[]>;
  /** Hosts reached over plain HTTP (a local test registry). */
  insecure: string[];
  /** dockerconfigjson files (`kubectl get secret -o jsonpath='{.data.\.dockerconfigjson}' | base64 -d`). */
  pullSecrets: string[];
}

export interface ImageExemption {
  images: string[];
  /** Which image checks (default: all of them). */
  checks?: string[];
  reason: string;
  expires?: string;
}

/** The image policy after defaults. */
export interface ImagePolicy {
  vulnerabilities?: VulnerabilityPolicy;
  signatures: SignatureRule[];
  /** What a signature that cannot be checked in time (registry down, cold cache) means. */
  failMode: FailMode;
  /** After verification, the mutating webhook pins `repo:tag` to `repo:tag@sha256:…`. */
  pinDigests: boolean;
  registry: RegistryPolicy;
  exemptions: ImageExemption[];
}

/** The input form (what a file says): every defaulted field optional. */
export type ImagePolicyInput = {
  vulnerabilities?: Partial<VulnerabilityPolicy>;
  signatures?: Array<Omit<SignatureRule, 'formats'> & { formats?: SignatureFormat[] }>;
  failMode?: FailMode;
  pinDigests?: boolean;
  registry?: Partial<RegistryPolicy>;
  exemptions?: ImageExemption[];
};

export const VULN_DEFAULTS = { failOn: 'critical', onlyFixed: false, cpeMatches: 'lower', list: 5 } as const;
export const REGISTRY_DEFAULTS = { timeout: '2s', cacheTTL: '1h', tagTTL: '5m' } as const;
export const POLICY_DEFAULTS = { failMode: 'closed', pinDigests: false } as const;

/** Fills in defaults. The schema does the same when it parses a file; this serves inputs built in code (tests, fixtures). */
export function withDefaults(p: ImagePolicyInput): ImagePolicy {
  const v = p.vulnerabilities;
  const r = p.registry ?? {};
  return {
    ...(v
      ? {
          vulnerabilities: {
            reports: v.reports ?? [],
            failOn: oneOf(v.failOn ?? VULN_DEFAULTS.failOn, CVE_SEVERITIES, 'vulnerabilities.failOn'),
            onlyFixed: v.onlyFixed ?? VULN_DEFAULTS.onlyFixed,
            ...(v.maxAge ? { maxAge: v.maxAge } : {}),
            cpeMatches: oneOf(v.cpeMatches ?? VULN_DEFAULTS.cpeMatches, CPE_MODES, 'vulnerabilities.cpeMatches'),
            ignore: v.ignore ?? [],
            vex: v.vex ?? [],
            ...(v.images ? { images: v.images } : {}),
            list: v.list ?? VULN_DEFAULTS.list,
          },
        }
      : {}),
    signatures: (p.signatures ?? []).map((s) => ({ ...s, formats: s.formats ?? [...SIGNATURE_FORMATS] })),
    failMode: oneOf(p.failMode ?? POLICY_DEFAULTS.failMode, FAIL_MODES, 'failMode'),
    pinDigests: p.pinDigests ?? POLICY_DEFAULTS.pinDigests,
    registry: {
      timeout: r.timeout ?? REGISTRY_DEFAULTS.timeout,
      cacheTTL: r.cacheTTL ?? REGISTRY_DEFAULTS.cacheTTL,
      tagTTL: r.tagTTL ?? REGISTRY_DEFAULTS.tagTTL,
      ...(r.cacheDir ? { cacheDir: r.cacheDir } : {}),
      mirrors: r.mirrors ?? {},
      insecure: r.insecure ?? [],
      pullSecrets: r.pullSecrets ?? [],
    },
    exemptions: p.exemptions ?? [],
  };
}

function oneOf<T extends string>(v: string, allowed: readonly T[], field: string): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new Error(`images.${field}: "${v}" is not one of ${allowed.join(', ')}`);
}

export const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** `500ms`, `2s`, `5m`, `1h`, `7d` → milliseconds. */
export function durationMs(s: string): number {
  const m = DURATION.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not a duration like 500ms, 2s, 5m, 1h or 7d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

/** The rank of a scanner severity (0 = unknown … 5 = critical). */
export function cveRank(s: CveSeverity): number {
  return CVE_SEVERITIES.indexOf(s);
}

/** True from the moment named by `expires` (YYYY-MM-DD: its start, UTC), as config exemptions expire. */
export function expired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  const t = Date.parse(expires);
  return Number.isFinite(t) && t < now.getTime();
}
