/**
 * `.kubeharden.yaml`: which checks run, severity overrides, exemptions with a required reason
 * and optional expiry, and settings for checks. Schema-validated with clear errors.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SEVERITIES } from './types.js';
import { ConfigError } from './config-file.js';
import { parsePssLevelVersion } from '../pss/version.js';
import { imagePolicySchema } from '../images/policy-schema.js';

const severity = z.enum(SEVERITIES);
const checkId = z.string().regex(/^[A-Za-z0-9_*-]+$/, 'a check id like CTR-PRIVILEGED (or * for all)');

export const exemptionSchema = z
  .object({
    checks: z.array(checkId).min(1),
    namespace: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    container: z.string().optional(),
    reason: z.string().trim().min(1, 'every exemption needs a reason'),
    expires: z
      .union([z.string(), z.date()])
      .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
      .refine((v) => !Number.isNaN(Date.parse(v)), 'expires must be a date (YYYY-MM-DD)')
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    failOn: z.enum([...SEVERITIES, 'none']).optional(),
    /** Parsed here, once: checks get the level and version typed. */
    pss: z
      .string()
      .transform((s, ctx) => {
        try {
          return parsePssLevelVersion(s);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    annotationExemptions: z.boolean().optional(),
    checks: z
      .object({
        enable: z.array(checkId).optional(),
        disable: z.array(checkId).optional(),
        only: z.array(checkId).optional(),
        severity: z.record(z.string(), severity).optional(),
      })
      .strict()
      .optional(),
    exemptions: z.array(exemptionSchema).optional(),
    exclude: z.array(z.string()).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    /** The image gate: vulnerability reports and signatures (docs/images.md). */
    images: imagePolicySchema.optional(),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type Exemption = z.infer<typeof exemptionSchema>;

export { ConfigError, findConfig } from './config-file.js';

export function loadConfig(file: string): Config {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${file}: invalid configuration\n${lines.join('\n')}`);
  }
  return r.data;
}
