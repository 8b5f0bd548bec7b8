/**
 * The image gate: an image policy compiled for use. It answers, synchronously, what the image
 * checks ask about one container image (its vulnerability verdict, its signature verdict, an
 * exemption), from vulnerability reports loaded once and registry evidence fetched beforehand
 * by `prepare` (or read from the cache). `kubeharden scan`, the webhook and `images prefetch`
 * all go through it, so a verdict in CI is the verdict at admission.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { InputError } from '../load/types.js';
import { durationMs, expired, type ImageExemption, type ImagePolicy, type ImagePolicyInput, type SignatureRule, withDefaults } from './policy.js';
import { formatReference, matchesAny, parseReference, type ImageName } from './reference.js';
import { EvidenceStore, type StoreObserver } from './store.js';
import { CredentialStore } from './registry/auth.js';
import type { EvidencePool } from './pool.js';
import { loadReports } from './vuln/load.js';
import { ReportIndex } from './vuln/match.js';
import { evaluateReport, type VulnEvaluation } from './vuln/evaluate.js';
import { loadVex, VexIndex, type VexStatement } from './vuln/openvex.js';
import type { VulnReport } from './vuln/report.js';
import { loadKey, type TrustedKey } from './signature/keys.js';
import { verifySignatures, type BundleVerifier, type SignatureVerdict } from './signature/verify.js';

export type VulnVerdict =
  | { kind: 'report'; image: ImageName; digest: string | undefined; by: 'digest' | 'tag'; report: VulnReport; evaluation: VulnEvaluation }
  | { kind: 'no-report'; image: ImageName | undefined; digest: string | undefined; reason: string };

export type SignatureCheck =
  | { kind: 'checked'; image: ImageName; digest: string; rule: string; verdict: SignatureVerdict; stale: boolean }
  /** Could not be checked in time or at all: the fail mode decides. */
  | { kind: 'unverifiable'; image: ImageName | undefined; digest: string | undefined; rule: string; reason: string };

export interface GateObserver extends StoreObserver {
  verification(result: SignatureVerdict['result'] | 'unverifiable'): void;
}

export interface ImageGateOptions {
  /** Directory that relative paths in the policy (reports, VEX, keys, cache, pull secrets) start from. */
  baseDir?: string;
  /** Evidence shared with other gates (profiles of one webhook): one cache, one set of registry connections. */
  pool?: EvidencePool;
  clock?: () => Date;
  observer?: GateObserver;
  /** Never contact a registry: only the cache answers (`scan --offline`, `webhook review`). */
  offline?: boolean;
  /**
   * Check the policy without reading the files it names (reports, VEX documents, keys): for
   * `webhook install`, whose policy names paths inside the webhook's pod.
   */
  validateOnly?: boolean;
}

interface CompiledRule {
  rule: SignatureRule;
  name: string;
  keys: TrustedKey[];
}

const VERDICT_MEMO_MS = 60_000;

/** A policy path as messages show it: relative to the working directory when it lies under it. */
function displayPath(base: string, p: string): string {
  const abs = resolve(base, p);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A compiled image policy. */
export class ImageGate {
  readonly policy: ImagePolicy;
  readonly store: EvidenceStore;
  /** Problems loading the policy's files: located for reports; never fatal for the rest. */
  readonly errors: InputError[] = [];
  readonly #warnings = new Set<string>();
  readonly #reports: ReportIndex | undefined;
  readonly #vex: VexIndex;
  readonly #rules: CompiledRule[];
  readonly #clock: () => Date;
  readonly #observer: GateObserver | undefined;
  readonly offline: boolean;
  #bundleVerifier: BundleVerifier | undefined;
  readonly #vulnMemo = new Map<string, { verdict: VulnVerdict; until: number }>();
  readonly #sigMemo = new Map<string, { material: unknown; verdict: SignatureVerdict }>();

  constructor(input: ImagePolicy | ImagePolicyInput, opts: ImageGateOptions = {}) {
    this.policy = withDefaults(input);
    const base = opts.baseDir ?? process.cwd();
    this.#clock = opts.clock ?? (() => new Date());
    this.#observer = opts.observer;
    this.offline = opts.offline ?? false;
    const reg = this.policy.registry;
    this.store =
      opts.pool?.get(reg, base) ??
      new EvidenceStore(reg, {
        ...(reg.cacheDir ? { cacheDir: resolve(base, reg.cacheDir) } : {}),
        credentialFiles: reg.pullSecrets.map((f) => resolve(base, f)),
        ...(opts.observer ? { observer: opts.observer } : {}),
      });

    const v = this.policy.vulnerabilities;
    const statements: VexStatement[] = [];
    const files = !opts.validateOnly;
    if (v && files) {
      const loaded = loadReports(v.reports.map((r) => displayPath(base, r)));
      this.errors.push(...loaded.errors);
      for (const w of loaded.warnings) this.#warnings.add(w);
      this.#reports = new ReportIndex(loaded.reports);
      v.vex.forEach((entry, i) => {
        const r = loadVex(displayPath(base, entry.file), entry.expires, i * 100_000);
        this.errors.push(...r.errors);
        statements.push(...r.statements);
      });
    }
    if (v && !files) this.#reports = new ReportIndex([]);
    this.#vex = new VexIndex(statements);
    // Unreadable pull secrets are a configuration error now, not a failure of every later fetch.
    if (files) {
      for (const f of reg.pullSecrets) {
        try {
          CredentialStore.fromFiles([resolve(base, f)]);
        } catch (e) {
          this.errors.push({ file: resolve(base, f), message: (e as Error).message });
        }
      }
    }
    this.#rules = this.policy.signatures.map((rule, i) => {
      const keys: TrustedKey[] = [];
      for (const k of files ? rule.keys : []) {
        try {
          keys.push(loadKey(k, base));
        } catch (e) {
          this.errors.push({ file: rule.name ?? `images.signatures[${i}]`, message: (e as Error).message });
        }
      }
      return { rule, name: rule.name ?? `signatures[${i}]`, keys };
    });
  }

  /** Warnings so far: load problems, tag-only matches, expired ignore entries and VEX documents. */
  get warnings(): string[] {
    return [...this.#warnings];
  }

  #warn(message: string): void {
    if (this.#warnings.size < 1000) this.#warnings.add(message);
  }

  /** The exemption covering an image for a check, if any (an expired one is reported and ignored). */
  exemption(image: string, checkId: string): ImageExemption | undefined {
    if (this.policy.exemptions.length === 0) return undefined;
    const name = parseReference(image)?.name;
    if (!name) return undefined;
    const now = this.#clock();
    for (const e of this.policy.exemptions) {
      if (e.checks && !e.checks.includes(checkId)) continue;
      if (!matchesAny(e.images, name)) continue;
      if (expired(e.expires, now)) {
        this.#warn(`image exemption for ${e.images.join(', ')} (${e.reason}) expired on ${e.expires} and no longer applies`);
        continue;
      }
      return e;
    }
    return undefined;
  }

  /** True when the vulnerability policy covers this image. */
  coversVulnerabilities(image: string): boolean {
    const v = this.policy.vulnerabilities;
    if (!v) return false;
    const name = parseReference(image)?.name;
    return !v.images || (name !== undefined && matchesAny(v.images, name));
  }

  /** The signature rule for an image (the first whose patterns match), if any. */
  #ruleFor(name: string): CompiledRule | undefined {
    return this.#rules.find((r) => matchesAny(r.rule.images, name));
  }

  /** The vulnerability verdict for an image; undefined when the policy does not cover it. */
  vulnerabilities(image: string): VulnVerdict | undefined {
    const v = this.policy.vulnerabilities;
    if (!v || !this.coversVulnerabilities(image)) return undefined;
    const ref = parseReference(image);
    if (!ref) return { kind: 'no-report', image: undefined, digest: undefined, reason: `"${image}" is not a valid image reference, so no report can be matched` };
    const now = this.#clock();
    const digest = this.store.digestOf(ref, now.getTime())?.value;
    const memoKey = `${image}\u0000${digest ?? ''}`;
    const memo = this.#vulnMemo.get(memoKey);
    if (memo && memo.until > now.getTime()) return memo.verdict;
    const verdict = this.#vulnVerdict(ref, digest, now);
    if (this.#vulnMemo.size > 10_000) this.#vulnMemo.clear();
    let until = now.getTime() + VERDICT_MEMO_MS;
    if (verdict.kind === 'report' && v.maxAge && verdict.report.createdAt) until = Math.min(until, verdict.report.createdAt.getTime() + durationMs(v.maxAge));
    this.#vulnMemo.set(memoKey, { verdict, until });
    return verdict;
  }

  #vulnVerdict(ref: ImageName, digest: string | undefined, now: Date): VulnVerdict {
    const v = this.policy.vulnerabilities as NonNullable<ImagePolicy['vulnerabilities']>;
    const index = this.#reports as ReportIndex;
    const platforms = digest ? this.store.platformsOf(ref, digest, now.getTime()) : [];
    const m = index.find(ref, digest, platforms);
    if (!m.report) {
      const reason = m.otherDigest
        ? `the report for tag ${ref.tag} (${m.otherDigest.file}) is for ${m.otherDigest.digests.map((d) => d.digest).join(', ')}, not ${digest}: the tag moved after the scan`
        : `no vulnerability report for ${digest ? `digest ${digest}` : `tag ${ref.tag ?? 'latest'} (the image has no digest)`} among ${index.size} report${index.size === 1 ? '' : 's'}`;
      return { kind: 'no-report', image: ref, digest, reason };
    }
    const report = m.report;
    if (m.by === 'tag') this.#warn(`${formatReference(ref)}: vulnerability report ${report.file} matched by tag only (tags move; reference the image by digest)`);
    if (v.maxAge) {
      const max = durationMs(v.maxAge);
      if (!report.createdAt) return { kind: 'no-report', image: ref, digest, reason: `the report (${report.file}) has no creation time, so its age (max ${v.maxAge}) cannot be checked` };
      const age = now.getTime() - report.createdAt.getTime();
      if (age > max) return { kind: 'no-report', image: ref, digest, reason: `the newest report (${report.file}, ${report.createdAt.toISOString().slice(0, 10)}) is ${Math.floor(age / 86_400_000)} days old (max ${v.maxAge})` };
    }
    const evaluation = evaluateReport(report, ref, digest, v, this.#vex, now);
    for (const w of evaluation.expired) this.#warn(w);
    return { kind: 'report', image: ref, digest, by: m.by, report, evaluation };
  }

  /** The signature check of an image; undefined when no signature rule covers it. */
  signature(image: string): SignatureCheck | undefined {
    if (this.#rules.length === 0) return undefined;
    const ref = parseReference(image);
    if (!ref) return { kind: 'unverifiable', image: undefined, digest: undefined, rule: this.#rules[0].name, reason: `"${image}" is not a valid image reference` };
    const rule = this.#ruleFor(ref.name);
    if (!rule) return undefined;
    const now = Date.now();
    const d = this.store.digestOf(ref, now);
    if (!d) {
      const key = EvidenceStore.tagKey(ref);
      const why = this.store.failureOf(key) ?? (this.store.fetching(key) ? this.#late(ref) : this.offline ? 'the tag is not in the image cache and registries are not contacted (offline)' : 'the tag has not been resolved to a digest');
      return this.#unverifiable(ref, undefined, rule, `cannot resolve ${ref.tag ?? 'latest'} to a digest: ${why}`);
    }
    if (rule.keys.length === 0) return this.#unverifiable(ref, d.value, rule, `rule "${rule.name}" has no usable key`);
    const formats = rule.rule.formats;
    const material = this.store.signaturesOf(ref, d.value, formats, now);
    if (!material) {
      const key = EvidenceStore.signaturesKey(ref, d.value, formats);
      const why = this.store.failureOf(key) ?? (this.store.fetching(key) ? this.#late(ref) : this.offline ? 'not in the image cache and registries are not contacted (offline)' : 'not fetched');
      return this.#unverifiable(ref, d.value, rule, `signatures could not be fetched: ${why}`);
    }
    const memoKey = `${rule.name}\u0000${d.value}`;
    let memo = this.#sigMemo.get(memoKey);
    if (!memo || memo.material !== material.value) {
      memo = { material: material.value, verdict: verifySignatures(material.value, d.value, rule.keys, formats, this.#bundleVerifier) };
      if (this.#sigMemo.size > 10_000) this.#sigMemo.clear();
      this.#sigMemo.set(memoKey, memo);
    }
    this.#observer?.verification(memo.verdict.result);
    return { kind: 'checked', image: ref, digest: d.value, rule: rule.name, verdict: memo.verdict, stale: material.stale || d.stale };
  }

  /** A fetch still running when the review had to be answered. */
  #late(image: ImageName): string {
    return `${image.registry} did not answer within the time budget (registry.timeout ${this.policy.registry.timeout}); the fetch goes on and fills the cache for later requests`;
  }

  #unverifiable(image: ImageName, digest: string | undefined, rule: CompiledRule, reason: string): SignatureCheck {
    this.#observer?.verification('unverifiable');
    if (this.policy.failMode === 'open') this.#warn(`${formatReference(image, digest)}: signature not verified, admitted because failMode is open: ${reason}`);
    return { kind: 'unverifiable', image, digest, rule: rule.name, reason };
  }

  /**
   * `repo:tag@sha256:…` for a tag-only reference that verified, when the policy pins digests
   * (the mutating webhook writes it, so the kubelet pulls what was verified).
   */
  pinned(image: string): string | undefined {
    if (!this.policy.pinDigests) return undefined;
    const ref = parseReference(image);
    if (!ref || ref.digest) return undefined;
    const s = this.signature(image);
    if (s?.kind !== 'checked' || s.verdict.result !== 'verified') return undefined;
    return `${image.trim()}@${s.digest}`;
  }

  /** Reads the on-disk cache (and loads the bundle verifier when bundles are accepted). */
  async loadCache(): Promise<{ loaded: number; skipped: number }> {
    await this.#loadBundleVerifier();
    return this.store.cache.load();
  }

  async #loadBundleVerifier(): Promise<void> {
    if (this.#bundleVerifier || !this.#rules.some((r) => r.rule.formats.includes('bundle'))) return;
    this.#bundleVerifier = (await import('./signature/verify-bundle.js')).verifyBundle;
  }

  /**
   * Fetches what the images need from their registries (tag resolution, signatures, platform
   * manifests), within `budgetMs` when given. Fetches still running when the budget is spent go
   * on in the background and fill the cache for the next request; the checks then see a miss,
   * which the fail mode decides.
   */
  async prepare(images: Iterable<string>, opts: { budgetMs?: number } = {}): Promise<{ complete: boolean }> {
    await this.#loadBundleVerifier();
    if (this.offline || this.#rules.length === 0) return { complete: true };
    const work: Promise<void>[] = [];
    const seen = new Set<string>();
    for (const image of images) {
      if (seen.has(image)) continue;
      seen.add(image);
      const ref = parseReference(image);
      if (!ref) continue;
      const rule = this.#ruleFor(ref.name);
      if (!rule) continue;
      if (this.exemption(image, 'IMG-SIGNATURE')) continue;
      work.push(this.#fill(ref, rule.rule.formats));
    }
    if (work.length === 0) return { complete: true };
    const all = Promise.all(work).then(() => true);
    if (opts.budgetMs === undefined) return { complete: await all };
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), opts.budgetMs);
    });
    const complete = await Promise.race([all, spent]);
    clearTimeout(timer);
    return { complete };
  }

  async #fill(ref: ImageName, formats: SignatureRule['formats']): Promise<void> {
    await this.store.resolve(ref);
    const d = this.store.digestOf(ref);
    if (!d) return;
    const jobs = [this.store.fetchSignatures(ref, d.value, formats)];
    // The platform manifests let a report of one platform's manifest match a multi-arch index.
    if (ref.digest && this.coversVulnerabilities(formatReference(ref))) jobs.push(this.store.fetchPlatforms(ref, d.value));
    await Promise.all(jobs);
  }

  /** Registry failures of the last `prepare`, as errors naming the image (scan exits 2 on them). */
  registryErrors(): InputError[] {
    return this.store.failures().map((f) => ({ file: '<registry>', message: f.reason }));
  }
}
