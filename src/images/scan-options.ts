/**
 * The image gate for `kubeharden scan`: the `images:` section of `.kubeharden.yaml` with the
 * scan's image flags laid over it, validated by the one image-policy schema, then compiled and
 * given the registry evidence it needs before the checks run.
 */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Config } from '../engine/config.js';
import { findConfig } from '../engine/config-file.js';
import { findPodSpecs } from '../k8s/pod-spec.js';
import { asString } from '../k8s/json.js';
import type { LoadedObject } from '../load/types.js';
import { CVE_SEVERITIES, type ImagePolicyInput } from './policy.js';
import type { ImageGate } from './gate.js';

export interface ImageFlags {
  vulnReports: string[];
  vulnFailOn?: string;
  vulnOnlyFixed?: boolean;
  vulnMaxAge?: string;
  imageKey: string[];
  imageCache?: string;
  offline?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The scan flags that feed the image policy. */
export function addImageOptions(cmd: Command): Command {
  return cmd
    .option('--vuln-reports <path>', 'Trivy or Grype JSON reports: a file or a directory (repeatable); enables IMG-VULN and IMG-VULN-REPORT', collect, [] as string[])
    .addOption(new Option('--vuln-fail-on <severity>', 'vulnerabilities at or above this severity violate the image policy (default critical)').choices([...CVE_SEVERITIES]))
    .option('--vuln-only-fixed', 'only vulnerabilities with a fix available violate the image policy')
    .option('--vuln-max-age <duration>', 'a report older than this (e.g. 7d) counts as no report')
    .option('--image-key <pattern=key.pub>', 'images matching the glob must be signed by this public key (repeatable); enables IMG-SIGNATURE', collect, [] as string[])
    .option('--image-cache <dir>', 'image cache directory (signatures and tag resolutions; filled by `kubeharden images prefetch`)')
    .option('--offline', 'never contact a registry: signatures are checked from the image cache only');
}

/** The policy input: config's `images:` with the flags over it (flag paths are made absolute, config paths stay relative to the config file). */
export function imagePolicyInput(config: Config, flags: ImageFlags): ImagePolicyInput | undefined {
  const base: ImagePolicyInput = config.images ? structuredClone(config.images) : {};
  const flagged = flags.vulnReports.length || flags.vulnFailOn || flags.vulnOnlyFixed || flags.vulnMaxAge;
  if (flagged) {
    const v = { ...(base.vulnerabilities ?? {}) };
    if (flags.vulnReports.length) v.reports = [...(v.reports ?? []), ...flags.vulnReports.map((p) => resolve(p))];
    if (flags.vulnFailOn) v.failOn = flags.vulnFailOn as NonNullable<typeof v.failOn>;
    if (flags.vulnOnlyFixed) v.onlyFixed = true;
    if (flags.vulnMaxAge) v.maxAge = flags.vulnMaxAge;
    base.vulnerabilities = v;
  }
  for (const entry of flags.imageKey) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new Error(`--image-key expects PATTERN=KEYFILE (e.g. 'ghcr.io/acme/**=cosign.pub'), got "${entry}"`);
    base.signatures = [...(base.signatures ?? []), { name: `--image-key ${entry.slice(0, eq)}`, images: [entry.slice(0, eq)], keys: [resolve(entry.slice(eq + 1))] }];
  }
  if (flags.imageCache) base.registry = { ...(base.registry ?? {}), cacheDir: resolve(flags.imageCache) };
  if (!config.images && !flagged && flags.imageKey.length === 0) return undefined;
  return base;
}

/** Every container image of the objects, once each. */
export function imagesOf(objects: readonly LoadedObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    let pods;
    try {
      pods = findPodSpecs(o);
    } catch {
      continue; // the scan reports unreadable objects itself
    }
    for (const pod of pods) for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image && image.trim()) out.add(image);
    }
  }
  return [...out];
}

/**
 * The compiled gate for a scan, with its evidence fetched (unless offline), or undefined when no
 * image policy is configured. Throws an Error with the schema's message for an invalid policy.
 */
export async function imageGateForScan(objects: readonly LoadedObject[], config: Config, flags: ImageFlags, configFlag: string | undefined): Promise<ImageGate | undefined> {
  const input = imagePolicyInput(config, flags);
  if (!input) return undefined;
  const { parseImagePolicy } = await import('./policy-schema.js');
  const policy = parseImagePolicy(input);
  const { ImageGate } = await import('./gate.js');
  const configFile = configFlag ?? findConfig();
  const gate = new ImageGate(policy, { baseDir: configFile ? dirname(resolve(configFile)) : process.cwd(), offline: flags.offline ?? false });
  await gate.loadCache();
  await gate.prepare(imagesOf(objects));
  await gate.store.cache.flush();
  return gate;
}
