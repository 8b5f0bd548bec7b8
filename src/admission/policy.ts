/**
 * The admission policy: named profiles (a scan configuration, the same fields as
 * `.kubeharden.yaml`, plus where to draw the deny and warn lines) and rules that pick, per
 * namespace, the profile each mode (enforce, warn, audit) uses. Namespace labels
 * `kubeharden.io/<mode>: <profile>` may pick profiles, as PSA labels pick levels.
 * Schema-validated with errors that name the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema, ConfigError, loadConfig, type Config } from '../engine/config.js';
import { prepareRun, type PreparedRun } from '../engine/run.js';
import { CheckCatalog, deprecationNote } from '../engine/catalog.js';
import { RunSpecError } from '../engine/errors.js';
import { SEVERITIES, severityRank, type Check, type Severity } from '../engine/types.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { selectorMatches, type Labels } from '../k8s/labels.js';
import type { PssPolicy } from '../pss/types.js';
import { formatPssLevelVersion } from '../pss/version.js';
import { ImageGate, type GateObserver } from '../images/gate.js';
import type { EvidencePool } from '../images/pool.js';

export const POLICY_API_VERSION = 'kubeharden.io/v1alpha1';
export const POLICY_KIND = 'AdmissionPolicy';
export const LABEL_PREFIX = 'kubeharden.io/';
export const MODES = ['enforce', 'warn', 'audit'] as const;
export type Mode = (typeof MODES)[number];
/** `kubeharden.io/mutate: "true"` opts a namespace into /mutate (when namespaceLabels is on). */
export const MUTATE_LABEL = `${LABEL_PREFIX}mutate`;

const threshold = z.union([z.enum(SEVERITIES), z.literal('none')]);
export type Threshold = z.infer<typeof threshold>;
const checkId = z.string().regex(/^[A-Za-z0-9_*-]+$/, 'a check id like CTR-PRIVILEGED (or * for all)');
const profileName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, 'a profile name: lower-case letters, digits, "-" and "." (it must be usable as a label value)');

const profileSchema = configSchema
  .omit({ exclude: true, failOn: true })
  .extend({
    /** Deny (in enforce mode) findings at or above this severity: `kubeharden scan --fail-on`. */
    failOn: threshold.optional(),
    /** Warn on findings at or above this severity (below failOn in enforce mode). */
    warnOn: threshold.optional(),
    /** A `.kubeharden.yaml` to start from (relative to the policy file), so CI and admission share one file. */
    configFile: z.string().min(1).optional(),
  })
  .strict();

const labelSelectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string().min(1),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

const namespaceSelectorSchema = z
  .object({
    /** Namespace name globs (`team-*`); any match selects. */
    names: z.array(z.string().min(1)).min(1).optional(),
    /** A LabelSelector over the namespace's labels. */
    selector: labelSelectorSchema.optional(),
  })
  .strict();

const onUpdate = z.enum(['all', 'new-violations']);

const modeProfiles = {
  enforce: profileName.optional(),
  warn: profileName.optional(),
  audit: profileName.optional(),
};

const ruleSchema = z
  .object({
    name: z.string().optional(),
    /** Which namespaces: both names and selector must match when both are given; omitted = every namespace. */
    namespaces: namespaceSelectorSchema.optional(),
    ...modeProfiles,
    /** Opt these namespaces into /mutate. */
    mutate: z.boolean().optional(),
    /** On UPDATE, judge every finding (all) or only findings the old object did not have. */
    onUpdate: onUpdate.optional(),
  })
  .strict();

export const policySchema = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION).optional(),
    kind: z.literal(POLICY_KIND).optional(),
    profiles: z.record(profileName, profileSchema).refine((p) => Object.keys(p).length > 0, 'define at least one profile'),
    /** First matching rule wins. A namespace no rule matches is not evaluated. */
    rules: z.array(ruleSchema).default([]),
    /** Modes for cluster-scoped objects (ClusterRoles, ClusterRoleBindings, ...; not Namespaces). */
    clusterScoped: z.object({ ...modeProfiles, onUpdate: onUpdate.optional() }).strict().optional(),
    /** Honour kubeharden.io/enforce|warn|audit: <profile> and kubeharden.io/mutate namespace labels. */
    namespaceLabels: z.boolean().default(true),
    /** Honour ignore.kubeharden.io/<CHECK> annotations on objects (as `kubeharden scan` does by default). */
    annotationExemptions: z.boolean().default(true),
    /** Review Namespace label changes that weaken Pod Security (PSA or kubeharden.io enforce labels). */
    guardNamespaceLabels: z.boolean().default(true),
    exemptions: z
      .object({
        namespaces: z.array(z.string().min(1)).default([]),
        usernames: z.array(z.string().min(1)).default([]),
        runtimeClassNames: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ namespaces: [], usernames: [], runtimeClassNames: [] }),
    mutation: z
      .object({
        /** Only these checks' remediations are applied by /mutate (default: every check with one). */
        checks: z.array(checkId).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const known = new Set(Object.keys(p.profiles));
    const ref = (name: string | undefined, path: (string | number)[]) => {
      if (name !== undefined && !known.has(name)) ctx.addIssue({ code: 'custom', path, message: `unknown profile "${name}" (defined: ${[...known].join(', ')})` });
    };
    p.rules.forEach((r, i) => MODES.forEach((m) => ref(r[m], ['rules', i, m])));
    if (p.clusterScoped) MODES.forEach((m) => ref(p.clusterScoped?.[m], ['clusterScoped', m]));
  });

export type PolicySpec = z.input<typeof policySchema>;
type ParsedPolicy = z.output<typeof policySchema>;
export type ProfileSpec = z.output<typeof profileSchema>;

/** A profile ready to evaluate with. */
export interface Profile {
  name: string;
  /** The scan configuration handed to scanObjects (the CLI would read the same file). */
  config: Config;
  failOn: Threshold;
  warnOn: Threshold;
  /** The Pod Security level and version the profile evaluates, or undefined (none, or privileged). */
  pss: PssPolicy | undefined;
  pssRank: number;
  /** Ids of the checks this profile runs (for "is this profile weaker" comparisons). */
  checkIds: ReadonlySet<string>;
  /** The checks, severities and settings of every review under this profile, prepared once. */
  run: PreparedRun;
}

export interface Rule {
  name: string;
  names?: string[];
  selector?: z.output<typeof labelSelectorSchema>;
  enforce?: Profile;
  warn?: Profile;
  audit?: Profile;
  mutate: boolean;
  onUpdate: 'all' | 'new-violations';
}

/** The profiles that apply to one namespace (or to cluster-scoped objects). */
export interface Resolution {
  rule: string;
  enforce?: Profile;
  warn?: Profile;
  audit?: Profile;
  mutate: boolean;
  onUpdate: 'all' | 'new-violations';
  /** Problems with namespace labels (unknown profile names), surfaced as warnings. */
  notes: string[];
}

export interface Policy {
  profiles: ReadonlyMap<string, Profile>;
  rules: readonly Rule[];
  clusterScoped: Omit<Rule, 'names' | 'selector' | 'mutate'>;
  namespaceLabels: boolean;
  annotationExemptions: boolean;
  guardNamespaceLabels: boolean;
  exemptions: { namespaces: readonly string[]; usernames: readonly string[]; runtimeClassNames: readonly string[] };
  mutationChecks: ReadonlySet<string> | undefined;
  /** The checks admission evaluates: every shipped check except cross-object (bundle) checks. */
  checks: readonly Check[];
  /** The change checks (a Namespace label change that weakens Pod Security), run on every change whatever the profiles select. */
  guards: PreparedRun;
  /** The namespace the webhook runs in (always exempt). */
  webhookNamespace: string | undefined;
  /** Former check ids the policy uses, and what to write instead (logged at start-up). */
  warnings: readonly string[];
}

export class PolicyError extends Error {}

/**
 * Severity overrides that raise every Pod Security check below `high` to `high`. The default
 * profile enforces PSS restricted, so every violation must be denied; saying it with severity
 * overrides (a field of `.kubeharden.yaml`) keeps the decision exactly `kubeharden scan
 * --fail-on high` with the same configuration, so CI and admission cannot disagree.
 */
export function pssAtLeast(min: Severity, checks: readonly Check[] = ALL_CHECKS): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const c of checks) if (c.meta.id.startsWith('PSS-') && c.scope === 'pod' && severityRank(c.meta.severity) < severityRank(min)) out[c.meta.id] = min;
  return out;
}

/** The policy used without --policy: PSS restricted (latest), deny high+, warn medium, everywhere but kube-system. */
export const DEFAULT_POLICY: PolicySpec = {
  apiVersion: POLICY_API_VERSION,
  kind: POLICY_KIND,
  profiles: {
    default: { pss: 'restricted:latest', failOn: 'high', warnOn: 'medium', checks: { severity: pssAtLeast('high') } },
  },
  rules: [{ name: 'default', enforce: 'default' }],
  clusterScoped: { enforce: 'default' },
  exemptions: {
    namespaces: ['kube-system'],
    // The API server reconciles its bootstrap RBAC roles at start-up and the aggregation
    // controller rewrites aggregated ClusterRoles: blocking either takes the cluster down,
    // and what they write was reviewed at its source.
    usernames: ['system:apiserver', 'system:serviceaccount:kube-system:clusterrole-aggregation-controller'],
    runtimeClassNames: [],
  },
};

const PSS_RANK: Record<string, number> = { privileged: 0, baseline: 1, restricted: 2 };

function thresholdRank(t: Threshold): number {
  return t === 'none' ? SEVERITIES.length : severityRank(t);
}

function formatIssues(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return `${where}: invalid admission policy\n${issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n')}`;
}

/**
 * Checks whose verdict is about the rest of the manifest set (`meta.setDependent`, and every
 * bundle check): admission sees one object, not the cluster, so they would report what the
 * cluster may well have; they stay in `kubeharden scan`. Leaving checks out only ever admits
 * more, so "passes in CI" still implies "admitted".
 */
export const SET_DEPENDENT_CHECKS: ReadonlySet<string> = new Set(ALL_CHECKS.filter((c) => c.meta.setDependent).map((c) => c.meta.id));

/** The checks admission runs. */
export const ADMISSION_CHECKS: readonly Check[] = ALL_CHECKS.filter((c) => c.scope !== 'bundle' && !SET_DEPENDENT_CHECKS.has(c.meta.id));

function compileProfile(name: string, spec: ProfileSpec, checks: readonly Check[], catalog: readonly Check[], baseDir: string | undefined, annotationExemptions: boolean, images: CompileOptions['images']): Profile {
  let base: Config = {};
  let configDir: string | undefined;
  if (spec.configFile) {
    const file = resolvePath(baseDir ?? process.cwd(), spec.configFile);
    configDir = dirname(file);
    try {
      base = loadConfig(file);
    } catch (e) {
      throw new PolicyError(`profiles.${name}.configFile: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    }
  }
  const { failOn, warnOn, configFile: _configFile, ...inline } = spec;
  let config: Config = { ...base, ...inline };
  if (config.images) {
    // The image checks read the compiled gate from their settings (the scan passes its own the same way).
    const gate = new ImageGate(config.images, { baseDir: (inline.images ? baseDir : configDir) ?? process.cwd(), ...images });
    if (gate.errors.length) throw new PolicyError(`profiles.${name}.images: ${gate.errors.map((e) => `${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`).join('\n  ')}`);
    config = { ...config, settings: { ...config.settings, images: gate } };
  }
  const level = config.pss?.level ?? 'privileged';
  let run: PreparedRun;
  try {
    run = prepareRun({ checks, catalog, config, configOrigin: `profiles.${name}`, annotationExemptions: config.annotationExemptions ?? annotationExemptions });
  } catch (e) {
    if (e instanceof RunSpecError) throw new PolicyError(e.message);
    throw e;
  }
  return {
    name,
    config,
    failOn: failOn ?? base.failOn ?? 'high',
    warnOn: warnOn ?? 'medium',
    pss: config.pss && level !== 'privileged' ? config.pss : undefined,
    pssRank: PSS_RANK[level] ?? 0,
    checkIds: new Set(run.checks.map((c) => c.meta.id)),
    run,
  };
}

export interface CompileOptions {
  /** The webhook's own namespace: always exempt. */
  webhookNamespace?: string;
  /** Directory configFile paths are relative to. */
  baseDir?: string;
  /** Where the policy came from, for messages. */
  source?: string;
  /** The checks profiles choose from (default: ADMISSION_CHECKS). */
  checks?: readonly Check[];
  /** Every registered check: ids and settings are validated against these (default: every shipped check). */
  catalog?: readonly Check[];
  /** For image policies: the evidence shared by every profile (and by policies reloaded later), metrics, offline use. */
  images?: { pool?: EvidencePool; observer?: GateObserver; offline?: boolean; validateOnly?: boolean };
}

/** Validates and compiles a policy document (already parsed from YAML/JSON). */
export function compilePolicy(raw: unknown, opts: CompileOptions = {}): Policy {
  const r = policySchema.safeParse(raw ?? {});
  if (!r.success) throw new PolicyError(formatIssues(opts.source ?? 'policy', r.error.issues));
  const p: ParsedPolicy = r.data;
  const profiles = new Map<string, Profile>();
  const checks = opts.checks ?? ADMISSION_CHECKS;
  const registered = opts.catalog ?? ALL_CHECKS;
  for (const [name, spec] of Object.entries(p.profiles)) profiles.set(name, compileProfile(name, spec, checks, registered, opts.baseDir, p.annotationExemptions, opts.images));
  const warnings = [...profiles.values()].flatMap((x) => x.run.warnings);
  const mutationChecks = p.mutation?.checks ? resolveMutationChecks(p.mutation.checks, new CheckCatalog(registered), opts.source ?? 'policy', warnings) : undefined;
  const get = (n: string | undefined) => (n === undefined ? undefined : profiles.get(n));
  const rules: Rule[] = p.rules.map((rule, i) => ({
    name: rule.name ?? `rules[${i}]`,
    ...(rule.namespaces?.names ? { names: rule.namespaces.names } : {}),
    ...(rule.namespaces?.selector ? { selector: rule.namespaces.selector } : {}),
    enforce: get(rule.enforce),
    warn: get(rule.warn),
    audit: get(rule.audit),
    mutate: rule.mutate ?? false,
    onUpdate: rule.onUpdate ?? 'all',
  }));
  const cs = p.clusterScoped ?? {};
  const exemptNs = [...p.exemptions.namespaces];
  if (opts.webhookNamespace && !exemptNs.includes(opts.webhookNamespace)) exemptNs.push(opts.webhookNamespace);
  return {
    profiles,
    rules,
    clusterScoped: { name: 'clusterScoped', enforce: get(cs.enforce), warn: get(cs.warn), audit: get(cs.audit), onUpdate: cs.onUpdate ?? 'all' },
    namespaceLabels: p.namespaceLabels,
    annotationExemptions: p.annotationExemptions,
    guardNamespaceLabels: p.guardNamespaceLabels,
    exemptions: { namespaces: exemptNs, usernames: p.exemptions.usernames, runtimeClassNames: p.exemptions.runtimeClassNames },
    mutationChecks,
    warnings,
    checks,
    guards: prepareRun({ checks: checks.filter((c) => c.scope === 'change') }),
    webhookNamespace: opts.webhookNamespace,
  };
}

/** mutation.checks as check ids (former ids resolved); an unknown id is an error with a suggestion. */
function resolveMutationChecks(ids: readonly string[], catalog: CheckCatalog, source: string, warnings: string[]): ReadonlySet<string> {
  const out = new Set<string>();
  ids.forEach((id, i) => {
    const r = catalog.resolve(id);
    if (!r) throw new PolicyError(`${source}: invalid admission policy\n  mutation.checks.${i}: unknown check "${id}"${catalog.suggest(id)}`);
    if (r.deprecated) warnings.push(deprecationNote(`mutation.checks.${i}`, r));
    out.add(r.id);
  });
  return out;
}

/** Reads a policy file (YAML or JSON). */
export function loadPolicy(file: string, opts: Omit<CompileOptions, 'baseDir' | 'source'> = {}): Policy {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PolicyError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  return compilePolicy(raw, { ...opts, baseDir: dirname(resolvePath(file)), source: file });
}

export function defaultPolicy(opts: Omit<CompileOptions, 'baseDir' | 'source'> = {}): Policy {
  return compilePolicy(DEFAULT_POLICY, { ...opts, source: 'default policy' });
}

/** Glob match as used for names in the policy (`*` and `?`; a plain string matches itself). */
export function globMatch(pattern: string, value: string): boolean {
  return pattern === value || (/[*?[]/.test(pattern) && minimatch(value, pattern, { dot: true }));
}

function ruleMatches(rule: Rule, namespace: string, labels: Labels | undefined): boolean {
  if (rule.names && !rule.names.some((n) => globMatch(n, namespace))) return false;
  // Without the namespace's labels a label selector cannot be known to match: skip the rule.
  if (rule.selector && (labels === undefined || !selectorMatches(rule.selector, labels))) return false;
  return true;
}

/**
 * The profiles for a namespace: the first matching rule, then (when namespaceLabels is on)
 * `kubeharden.io/<mode>` labels naming a profile. An unknown profile name keeps the rule's
 * choice and is reported in `notes`. `labels` undefined means "unknown" (no label access).
 */
export function resolveNamespace(policy: Policy, namespace: string, labels: Labels | undefined): Resolution {
  const rule = policy.rules.find((r) => ruleMatches(r, namespace, labels));
  const out: Resolution = {
    rule: rule?.name ?? '(no rule)',
    enforce: rule?.enforce,
    warn: rule?.warn,
    audit: rule?.audit,
    mutate: rule?.mutate ?? false,
    onUpdate: rule?.onUpdate ?? 'all',
    notes: [],
  };
  if (policy.namespaceLabels && labels) {
    for (const m of MODES) {
      const v = labels[LABEL_PREFIX + m];
      if (v === undefined) continue;
      const p = policy.profiles.get(v);
      if (p) out[m] = p;
      else out.notes.push(`namespace "${namespace}" label ${LABEL_PREFIX}${m}="${v}" names no profile of the policy (${[...policy.profiles.keys()].join(', ')}); using ${out[m] ? `"${out[m].name}"` : 'none'}`);
    }
    if (labels[MUTATE_LABEL] === 'true') out.mutate = true;
  }
  return out;
}

export function resolveClusterScoped(policy: Policy): Resolution {
  const c = policy.clusterScoped;
  return { rule: 'clusterScoped', enforce: c.enforce, warn: c.warn, audit: c.audit, mutate: false, onUpdate: c.onUpdate, notes: [] };
}

/** True when `next` enforces less than `prev`: lower PSS level, higher deny line, or fewer checks. */
export function weakerProfile(next: Profile | undefined, prev: Profile | undefined): boolean {
  if (!prev) return false;
  if (!next) return true;
  if (next.pssRank < prev.pssRank) return true;
  if (thresholdRank(next.failOn) > thresholdRank(prev.failOn)) return true;
  for (const id of prev.checkIds) if (!next.checkIds.has(id)) return true;
  return false;
}

/** Findings at or above a threshold. */
export function atOrAbove(sev: Severity, t: Threshold): boolean {
  return t !== 'none' && severityRank(sev) >= severityRank(t);
}

/** A short description for start-up logs. */
export function describePolicy(p: Policy): Record<string, unknown> {
  return {
    profiles: [...p.profiles.values()].map((x) => ({ name: x.name, pss: x.pss ? formatPssLevelVersion(x.pss.level, x.pss.version) : 'none', failOn: x.failOn, warnOn: x.warnOn, checks: x.checkIds.size })),
    rules: p.rules.map((r) => ({ name: r.name, enforce: r.enforce?.name, warn: r.warn?.name, audit: r.audit?.name, mutate: r.mutate })),
    exemptNamespaces: p.exemptions.namespaces,
  };
}
