/**
 * `kubeharden images verify|prefetch`: the image gate outside admission. `verify` checks images
 * against public keys the way `cosign verify --key` does (offline, no transparency log);
 * `prefetch` fills the image cache (tag resolutions, signatures) for the images of manifests or
 * of a live cluster, so the webhook answers from a warm cache even when a registry is down.
 */
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ImageGate, SignatureCheck } from '../../images/gate.js';
import type { ImagePolicyInput, SignatureFormat } from '../../images/policy.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';

const collect = (v: string, prev: string[]) => [...prev, v];

async function compile(input: ImagePolicyInput, baseDir: string, offline = false): Promise<ImageGate> {
  const { parseImagePolicy, ImagePolicyError } = await import('../../images/policy-schema.js');
  let policy;
  try {
    policy = parseImagePolicy(input);
  } catch (e) {
    if (e instanceof ImagePolicyError) throw new UsageError(e.message);
    throw e;
  }
  const { ImageGate } = await import('../../images/gate.js');
  const gate = new ImageGate(policy, { baseDir, offline });
  if (gate.errors.length) throw new UsageError(gate.errors.map((e) => `${e.file}: ${e.message}`).join('\n'));
  return gate;
}

function describe(s: SignatureCheck | undefined): { result: string; detail: string } {
  if (!s) return { result: 'not-covered', detail: 'no signature rule covers this image' };
  if (s.kind === 'unverifiable') return { result: 'unverifiable', detail: s.reason };
  return { result: s.verdict.result, detail: s.verdict.result === 'verified' ? `${s.verdict.format} signature by ${s.verdict.key}${s.stale ? ' (cached, registry unreachable)' : ''}` : (s.verdict.detail ?? '') };
}

interface VerifyFlags {
  key: string[];
  format: 'cosign' | 'bundle' | 'any';
  insecureRegistry: string[];
  cacheDir?: string;
  timeout: string;
  offline?: boolean;
  output: 'text' | 'json';
}

async function verify(images: string[], flags: VerifyFlags): Promise<number> {
  if (flags.key.length === 0) throw new UsageError('--key KEY.pub is required (repeatable: any of the keys may have signed)');
  const formats: SignatureFormat[] = flags.format === 'any' ? ['cosign', 'bundle'] : [flags.format];
  const gate = await compile(
    {
      signatures: [{ name: '--key', images: ['**'], keys: flags.key.map((k) => resolve(k)), formats }],
      registry: { timeout: flags.timeout, insecure: flags.insecureRegistry, ...(flags.cacheDir ? { cacheDir: resolve(flags.cacheDir) } : {}) },
    },
    process.cwd(),
    flags.offline,
  );
  await gate.loadCache();
  await gate.prepare(images);
  await gate.store.cache.flush();
  const rows = images.map((image) => {
    const s = gate.signature(image);
    return { image, digest: s?.digest, ...describe(s) };
  });
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ images: rows }, null, 2)}\n`);
  else for (const r of rows) process.stdout.write(`${r.result === 'verified' ? 'verified' : 'NOT VERIFIED'}  ${r.image}${r.digest && !r.image.includes(r.digest) ? ` (${r.digest})` : ''}: ${r.result === 'verified' ? r.detail : `${r.result}: ${r.detail}`}\n`);
  if (rows.every((r) => r.result === 'verified')) return EXIT_OK;
  // Could not check (registry unreachable, timeout) is an error, not a verdict: exit 2.
  return rows.some((r) => r.result === 'unverifiable') ? EXIT_USAGE : EXIT_FINDINGS;
}

interface PrefetchFlags {
  config?: string;
  policy?: string;
  key: string[];
  insecureRegistry: string[];
  cacheDir?: string;
  kubeconfig?: string;
  context?: string;
  output: 'text' | 'json';
}

/** The image gates to fill: the config's images section, every profile of an admission policy, or --key. */
async function prefetchGates(flags: PrefetchFlags): Promise<ImageGate[]> {
  const override = (input: ImagePolicyInput): ImagePolicyInput => ({
    ...input,
    registry: { ...(input.registry ?? {}), ...(flags.cacheDir ? { cacheDir: resolve(flags.cacheDir) } : {}), insecure: [...(input.registry?.insecure ?? []), ...flags.insecureRegistry] },
  });
  if (flags.policy) {
    const { loadPolicy, PolicyError } = await import('../../admission/policy.js');
    const { gatesOf } = await import('../../admission/images.js');
    let policy;
    try {
      policy = loadPolicy(flags.policy);
    } catch (e) {
      if (e instanceof PolicyError) throw new UsageError(e.message);
      throw e;
    }
    const gates = gatesOf(policy);
    if (gates.length === 0) throw new UsageError(`${flags.policy}: no profile has an images: section`);
    if (!flags.cacheDir && !flags.insecureRegistry.length) return gates;
    return Promise.all(gates.map((g) => compile(override(g.policy), dirname(resolve(flags.policy as string)))));
  }
  if (flags.key.length) {
    return [await compile(override({ signatures: flags.key.map((entry) => {
      const eq = entry.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--key expects PATTERN=KEYFILE, got "${entry}"`);
      return { name: `--key ${entry.slice(0, eq)}`, images: [entry.slice(0, eq)], keys: [resolve(entry.slice(eq + 1))] };
    }) }), process.cwd())];
  }
  const { readConfig } = await import('../config.js');
  const { findConfig } = await import('../../engine/config-file.js');
  const config = await readConfig(flags.config);
  if (!config.images) throw new UsageError('nothing to prefetch for: give --config with an images: section, --policy, or --key PATTERN=KEYFILE');
  const file = flags.config ?? findConfig();
  return [await compile(override(config.images), file ? dirname(resolve(file)) : process.cwd())];
}

async function prefetch(paths: string[], flags: PrefetchFlags): Promise<number> {
  if (paths.length === 0 && !flags.kubeconfig) throw new UsageError('give manifests (paths, - for stdin) or --kubeconfig for the images of a live cluster');
  const gates = await prefetchGates(flags);
  const images = new Set<string>();
  const errors: string[] = [];
  if (paths.length) {
    const { loadInputs } = await import('../../load/index.js');
    const { imagesOf } = await import('../../images/scan-options.js');
    const loaded = await loadInputs(paths, {});
    for (const e of loaded.errors) errors.push(`${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`);
    for (const i of imagesOf(loaded.objects)) images.add(i);
  }
  if (flags.kubeconfig) {
    const { liveImages } = await import('../../images/live.js');
    try {
      const live = await liveImages(flags.kubeconfig, flags.context);
      for (const i of live.images) images.add(i);
      for (const g of gates) for (const c of live.pullSecrets) g.store.addCredentials(c.dockerConfig, c.source);
      errors.push(...live.problems);
    } catch (e) {
      throw new UsageError(`cannot list the cluster's pods: ${(e as Error).message}`);
    }
  }
  for (const g of gates) {
    await g.loadCache();
    await g.prepare(images);
    await g.store.cache.flush();
    for (const e of g.store.cache.writeErrors) errors.push(e);
  }
  const rows = [...images].sort().map((image) => {
    const checks = gates.map((g) => g.signature(image)).filter((s): s is SignatureCheck => s !== undefined);
    const s = checks.find((c) => c.kind === 'unverifiable') ?? checks[0];
    return { image, digest: s?.digest, ...describe(s) };
  });
  const registryErrors = [...new Set(gates.flatMap((g) => g.registryErrors().map((e) => e.message)))];
  errors.push(...registryErrors);
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ images: rows, errors, cacheDirs: [...new Set(gates.map((g) => g.store.cache.dir).filter(Boolean))] }, null, 2)}\n`);
  else {
    for (const r of rows) process.stdout.write(`${r.result.padEnd(16)} ${r.image}${r.digest && !r.image.includes(r.digest) ? ` → ${r.digest}` : ''}${r.result === 'verified' || r.result === 'not-covered' ? '' : `: ${r.detail}`}\n`);
    const dirs = [...new Set(gates.map((g) => g.store.cache.dir).filter(Boolean))];
    process.stdout.write(`${rows.length} image${rows.length === 1 ? '' : 's'}; cache: ${dirs.length ? dirs.join(', ') : 'memory only (set registry.cacheDir or --cache-dir to keep it)'}\n`);
    for (const e of errors) process.stderr.write(`error: ${e}\n`);
  }
  return errors.length ? EXIT_USAGE : EXIT_OK;
}

export function registerImagesCommand(program: Command): void {
  const images = program.command('images').description('the image gate: verify signatures, prefetch registry evidence into the image cache');

  images
    .command('verify')
    .description('verify image signatures with public keys, offline (like cosign verify --key --insecure-ignore-tlog); exit 1 if one is not verified, 2 if one cannot be checked')
    .argument('<images...>', 'image references (repo@sha256:… or repo:tag)')
    .option('--key <file>', 'a trusted public key (PEM; repeatable)', collect, [] as string[])
    .addOption(new Option('--format <format>', 'accepted signature formats').choices(['cosign', 'bundle', 'any']).default('any'))
    .option('--insecure-registry <host:port>', 'reach this registry over plain HTTP (repeatable)', collect, [] as string[])
    .option('--cache-dir <dir>', 'image cache directory (read, and filled)')
    .option('--timeout <duration>', 'per registry request', '10s')
    .option('--offline', 'never contact a registry: the cache only')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (list: string[], flags: VerifyFlags) => {
      process.exitCode = await verify(list, flags);
    });

  images
    .command('prefetch')
    .description('fill the image cache (digests, signatures) for the images of manifests or of a live cluster')
    .argument('[paths...]', 'manifests: files, directories, - for stdin')
    .option('-c, --config <file>', 'the .kubeharden.yaml whose images: section to use (default: searched upward)')
    .option('--policy <file>', 'an admission policy: every profile\'s images: section')
    .option('--key <pattern=key.pub>', 'instead of a policy: images matching the glob are checked against this key (repeatable)', collect, [] as string[])
    .option('--insecure-registry <host:port>', 'reach this registry over plain HTTP (repeatable)', collect, [] as string[])
    .option('--cache-dir <dir>', 'image cache directory (default: the policy\'s registry.cacheDir)')
    .option('--kubeconfig <file>', 'also the images of every pod of this cluster (and their pull secrets)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], flags: PrefetchFlags) => {
      process.exitCode = await prefetch(paths, flags);
    });
}
