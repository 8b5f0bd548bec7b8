/**
 * THE schema of the image policy: `images:` in `.kubeharden.yaml`, in an admission profile (a
 * profile is a scan configuration), and what `kubeharden scan`'s image flags build. One schema,
 * so the three cannot drift. Loaded only where a configuration is validated (zod is heavy).
 */
import { z } from 'zod';
import {
  CPE_MODES,
  CVE_SEVERITIES,
  DURATION,
  FAIL_MODES,
  POLICY_DEFAULTS,
  REGISTRY_DEFAULTS,
  SIGNATURE_FORMATS,
  VULN_DEFAULTS,
  type ImagePolicy,
} from './policy.js';

const duration = z.string().trim().regex(DURATION, 'a duration like 500ms, 2s, 5m, 1h or 7d');
const day = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .refine((v) => !Number.isNaN(Date.parse(v)), 'a date (YYYY-MM-DD)');
const reason = z.string().trim().min(1, 'a reason is required');
const globs = z.array(z.string().trim().min(1)).min(1);
const host = z.string().trim().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'a registry host[:port]');
const checkId = z.string().regex(/^IMG-[A-Z0-9-]+$/, 'an image check id (IMG-VULN, IMG-VULN-REPORT, IMG-SIGNATURE)');

const ignoreEntry = z
  .object({
    id: z.string().trim().min(1, 'a vulnerability id (CVE-…, GHSA-…)'),
    images: globs.optional(),
    packages: z.array(z.string().trim().min(1)).min(1).optional(),
    reason,
    expires: day,
  })
  .strict();

const vexEntry = z.object({ file: z.string().min(1), expires: day }).strict();

const vulnerabilities = z
  .object({
    reports: z.array(z.string().min(1)).default([]),
    failOn: z.enum(CVE_SEVERITIES).default(VULN_DEFAULTS.failOn),
    onlyFixed: z.boolean().default(VULN_DEFAULTS.onlyFixed),
    maxAge: duration.optional(),
    cpeMatches: z.enum(CPE_MODES).default(VULN_DEFAULTS.cpeMatches),
    ignore: z.array(ignoreEntry).default([]),
    vex: z.array(vexEntry).default([]),
    images: globs.optional(),
    list: z.number().int().min(1).max(100).default(VULN_DEFAULTS.list),
  })
  .strict();

const signatureRule = z
  .object({
    name: z.string().optional(),
    images: globs,
    keys: z.array(z.string().min(1)).min(1, 'at least one public key (a PEM file or PEM text)'),
    formats: z.array(z.enum(SIGNATURE_FORMATS)).min(1).default([...SIGNATURE_FORMATS]),
  })
  .strict();

const registry = z
  .object({
    timeout: duration.default(REGISTRY_DEFAULTS.timeout),
    cacheTTL: duration.default(REGISTRY_DEFAULTS.cacheTTL),
    tagTTL: duration.default(REGISTRY_DEFAULTS.tagTTL),
    cacheDir: z.string().min(1).optional(),
    mirrors: z.record(host, z.array(host).min(1)).default({}),
    insecure: z.array(host).default([]),
    pullSecrets: z.array(z.string().min(1)).default([]),
  })
  .strict();

const exemption = z.object({ images: globs, checks: z.array(checkId).min(1).optional(), reason, expires: day.optional() }).strict();

export const imagePolicySchema = z
  .object({
    vulnerabilities: vulnerabilities.optional(),
    signatures: z.array(signatureRule).default([]),
    failMode: z.enum(FAIL_MODES).default(POLICY_DEFAULTS.failMode),
    pinDigests: z.boolean().default(POLICY_DEFAULTS.pinDigests),
    registry: registry.default({ timeout: REGISTRY_DEFAULTS.timeout, cacheTTL: REGISTRY_DEFAULTS.cacheTTL, tagTTL: REGISTRY_DEFAULTS.tagTTL, mirrors: {}, insecure: [], pullSecrets: [] }),
    exemptions: z.array(exemption).default([]),
  })
  .strict();

// The schema's output is exactly the policy type the gate compiles (a compile-time check).
type Parsed = z.output<typeof imagePolicySchema>;
const _sameShape: (p: Parsed) => ImagePolicy = (p) => p;
void _sameShape;

export class ImagePolicyError extends Error {}

/** Every key the schema knows, for did-you-mean suggestions on unknown ones. */
const KNOWN_KEYS = [
  ...Object.keys(imagePolicySchema.shape),
  ...Object.keys(vulnerabilities.shape),
  ...Object.keys(signatureRule.shape),
  ...Object.keys(registry.shape),
  ...Object.keys(ignoreEntry.shape),
  ...Object.keys(vexEntry.shape),
  ...Object.keys(exemption.shape),
];

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** `unknown key "failon" (did you mean "failOn"?)`. */
function describeIssue(i: { code?: string; message: string; keys?: string[] }): string {
  if (i.code !== 'unrecognized_keys' || !i.keys) return i.message;
  return i.keys
    .map((k) => {
      const best = KNOWN_KEYS.map((known) => ({ known, d: distance(k, known) })).sort((a, b) => a.d - b.d)[0];
      return `unknown key "${k}"${best && best.d <= Math.max(2, Math.floor(k.length / 3)) ? ` (did you mean "${best.known}"?)` : ''}`;
    })
    .join('; ');
}

/** Parses an image policy (a file's `images:` section, or the scan flags); errors name the field. */
export function parseImagePolicy(raw: unknown, where = 'images'): ImagePolicy {
  const r = imagePolicySchema.safeParse(raw ?? {});
  if (!r.success) throw new ImagePolicyError(`${where}: invalid image policy\n${r.error.issues.map((i) => `  ${[where, ...i.path.map(String)].join('.')}: ${describeIssue(i as { code?: string; message: string; keys?: string[] })}`).join('\n')}`);
  return r.data;
}
