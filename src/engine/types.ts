/**
 * The contract between the engine and the checks. A check is data (metadata) plus one pure
 * function; the engine knows no check by name. Checks return paths, never line numbers: the
 * engine turns paths into positions at report time.
 */
import type { LoadedObject, Path } from '../load/types.js';
import type { ObjectIndex } from './object-index.js';
import type { PodTarget } from '../k8s/pod-spec.js';
import type { CelForm } from '../k8s/cel.js';
import { SEVERITIES, type Severity } from './severity.js';

export { SEVERITIES, type Severity };

/** --fail-on: a severity, or 'none' to report without failing. */
export type FailOn = Severity | 'none';

const RANK: Readonly<Record<string, number>> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));

/** 0 (info) to 4 (critical); -1 for anything else, as SEVERITIES.indexOf gives. Called per finding, often several times. */
export function severityRank(s: Severity): number {
  return Object.prototype.hasOwnProperty.call(RANK, s) ? RANK[s] : -1;
}

export type Category =
  | 'pod-security'
  | 'container-security'
  | 'host-isolation'
  | 'image'
  | 'resources'
  | 'service-account'
  | 'secrets'
  | 'network'
  | 'rbac'
  | 'metadata'
  | 'api'
  | 'reliability'
  | 'control-plane'
  | 'node'
  /** Cluster hygiene: versions, nodes, anonymous access, admission posture (audit). */
  | 'cluster';

export interface Reference {
  title: string;
  url: string;
}

/** Equivalent ids in the tools users migrate from (for mapping reports and benchmarks). */
export interface PeerIds {
  checkov?: string[];
  kubescape?: string[];
  trivy?: string[];
  kubeLinter?: string[];
  kubeScore?: string[];
  polaris?: string[];
  kubesec?: string[];
}

export interface CheckMeta {
  /** Upper-case id from the catalogue, e.g. CTR-PRIVILEGED. */
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  /** Why it matters: the attack this check stops, in one or two sentences. */
  attack: string;
  /** How to fix it, in words. */
  remediation: string;
  references: Reference[];
  peers: PeerIds;
  /** Former ids, still accepted wherever ids are (with a deprecation warning naming `id`). */
  aliases?: readonly string[];
  /** The Pod Security Standards level this control belongs to, if any. */
  pss?: 'baseline' | 'restricted';
  /**
   * The Pod Security Admission checks (upstream ids, e.g. seLinuxOptions) this check enforces in
   * its own words: it takes their rules from src/pss/checks, its `pss` level is theirs
   * (checks/_lib/pss-control.ts), and the PSA parity test holds it to them on the upstream fixtures.
   */
  pssControls?: readonly string[];
  /** Off unless enabled in config (opinionated or noisy checks). */
  optIn?: boolean;
  /**
   * The verdict is about the rest of the manifest set ("no NetworkPolicy in the scan selects this
   * pod"), so it is meaningless for one object seen alone (admission): such checks run in scans only.
   */
  setDependent?: boolean;
  /**
   * Controls of compliance frameworks this check assesses beyond the framework tables of
   * src/report/compliance (e.g. control-plane checks: `{ cis: ['1.2.1'] }`), by framework.
   * Control-plane checks number CIS ids as the Benchmark v1.12 does (kube-bench cfg/cis-1.12); an id
   * only an older version has carries it ('v1.9:4.2.6'). `nsa`: the ids of the NSA/CISA framework
   * table (N4 control plane hardening, N5 etcd, A1, L1…).
   */
  controls?: { cis?: string[]; nsa?: string[] };
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A structured remediation: what to set where, relative to the object root. `fix` applies it
 * as a minimal YAML edit; the mutating webhook turns it into JSONPatch. Operations never
 * override a value the user set explicitly unless `overwrite` is true.
 */
export type RemediationOp =
  /** Set path to value; intermediate maps are created. Skipped if the path exists unless overwrite. */
  | { op: 'set'; path: Path; value: JsonValue; overwrite?: boolean }
  /** Append value to the list at path (created if missing) unless an equal item is already there. */
  | { op: 'append'; path: Path; value: JsonValue }
  /** Remove the list item equal to value at path. */
  | { op: 'remove-item'; path: Path; value: JsonValue };

export interface StructuredRemediation {
  description: string;
  ops: RemediationOp[];
}

/**
 * A Pod Security Standards finding's policy: level and version (`latest` or `v1.30`), and the mode
 * that asked for it: `scan` (scan --pss) or a namespace label mode (`enforce`: pods are rejected
 * at admission; `warn`: kubectl warns; `audit`: audit log annotation).
 */
export interface PssFindingInfo {
  level: string;
  version: string;
  mode?: 'scan' | 'enforce' | 'warn' | 'audit';
}

/** What a check yields. The engine adds the check's metadata and the object's identity. */
export interface RawFinding {
  message: string;
  /** Path of the offending field, or of the object where a missing field must be added. */
  path: Path;
  container?: string;
  /** Overrides the check's severity for this finding (e.g. a more dangerous variant). */
  severity?: Severity;
  fix?: StructuredRemediation;
  /** For bundle checks: the object the finding belongs to (defaults to the visited object). */
  object?: LoadedObject;
  /** For PSS findings: the level and version evaluated, and why (scan --pss, or a namespace label mode). */
  pss?: PssFindingInfo;
}

/**
 * One setting of a check (like ESLint's `meta.schema` or kube-linter's params): `--set`, the
 * config file's `settings:` and a webhook policy profile all give raw values, which are parsed
 * once, when the run is prepared; checks read the typed value.
 */
export interface SettingSpec<T = unknown> {
  /** What it changes, for `explain` and the check's page: one sentence with an example value. */
  description: string;
  /**
   * The raw value (a `--set` string, or a YAML/JSON value) as a typed value. Throws an Error
   * whose message completes "setting NAME …": `must be a list of strings (got 3)`.
   */
  parse(raw: unknown): T;
  /** The value when no source sets it. */
  default: T;
}

/** A check's settings by name. Checks that read the same setting share one SettingSpec object. */
export type SettingsSchema = Readonly<Record<string, SettingSpec>>;

/** The typed values a check sees for its schema. */
export type SettingsOf<S extends SettingsSchema> = { readonly [K in keyof S]: S[K] extends SettingSpec<infer T> ? T : never };

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a check without settings
export type NoSettings = {};

/** The check ids a run knows (engine/catalog.ts): for checks about ids written in manifests. */
export interface KnownChecks {
  /** The check an id names (case-insensitive, former ids included), or undefined. */
  resolve(id: string): { id: string; deprecated?: string } | undefined;
  /** ` (did you mean "IMG-TAG"?)`, or ''. */
  suggest(id: string): string;
}

/**
 * What a check may read (the partition property). A finding about a namespaced object may depend
 * only on objects of its own namespace and on the objects every namespace shares: objects without
 * a namespace (cluster-scoped kinds, node files, facts about the cluster), RBAC objects and
 * ServiceAccounts. A finding about a shared object may depend only on shared objects. `audit`
 * checks a cluster one batch of namespaces at a time with the shared objects beside it and relies
 * on this to give exactly the findings of one scan over everything; src/audit/run.test.ts holds
 * every check to it on every fixture. Groupings that span objects (a control plane, a NetworkPolicy
 * namespace) are therefore made per namespace.
 */
export interface CheckContext<S extends SettingsSchema = NoSettings> {
  index: ObjectIndex;
  /** The run's settings, parsed (see SettingSpec): each check declares and reads its own. */
  settings: SettingsOf<S>;
  /** Every registered check's id. */
  known: KnownChecks;
}

interface CheckBase<S extends SettingsSchema> {
  meta: CheckMeta;
  /** The settings the check reads (omitted: none). */
  settings?: S;
  /**
   * The check as CEL for a ValidatingAdmissionPolicy (`kubeharden export vap`), or why it cannot
   * be one. Omitted on bundle and set-dependent checks: those are about the rest of the manifest set.
   */
  cel?: CelForm<SettingsOf<S>>;
}

/** Runs once for every pod spec found by shape (Pods, templates, CRDs with pod templates). */
export interface PodCheck<S extends SettingsSchema = NoSettings> extends CheckBase<S> {
  scope: 'pod';
  check(pod: PodTarget, ctx: CheckContext<S>): Iterable<RawFinding>;
}

/** Runs once for every object of the listed kinds ('*' for every kind). */
export interface ObjectCheck<S extends SettingsSchema = NoSettings> extends CheckBase<S> {
  scope: 'object';
  kinds: readonly string[] | '*';
  check(object: LoadedObject, ctx: CheckContext<S>): Iterable<RawFinding>;
}

/** Runs once for the whole scan (cross-object checks); findings must name their object. */
export interface BundleCheck<S extends SettingsSchema = NoSettings> extends CheckBase<S> {
  scope: 'bundle';
  check(ctx: CheckContext<S>): Iterable<RawFinding & { object: LoadedObject }>;
}

/** An object being changed, and the version it replaces (undefined when it is being created). */
export interface ObjectChange {
  object: LoadedObject;
  before: LoadedObject | undefined;
}

/**
 * Runs on a change to an object of the listed kinds, seeing both versions (e.g. a Namespace
 * label change that weakens Pod Security). Only admission sees changes, so these run in the
 * webhook (engine/change.ts), never in a scan of manifests.
 */
export interface ChangeCheck<S extends SettingsSchema = NoSettings> extends CheckBase<S> {
  scope: 'change';
  kinds: readonly string[];
  check(change: ObjectChange, ctx: CheckContext<S>): Iterable<RawFinding>;
}

/** Any check, whatever its settings (the engine hands each check the run's parsed settings). */
export type Check = PodCheck<SettingsSchema> | ObjectCheck<SettingsSchema> | BundleCheck<SettingsSchema> | ChangeCheck<SettingsSchema>;

/** Checks that read manifests (every scope but `change`): what `kubeharden scan`, fix and harden run. */
export function readsManifests(c: Check): boolean {
  return c.scope !== 'change';
}

export interface Suppression {
  by: 'annotation' | 'config' | 'comment';
  reason: string;
  expires?: string;
}

/**
 * One scanned object, as reports need it (the findings name only objects that have some): the
 * inventory a scan or an audit hands to HTML, Markdown and compliance reports.
 */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  file?: string;
  /** It has a pod spec (pod checks examine it). */
  workload?: boolean;
  /** It runs a control-plane component or is control-plane/kubelet configuration (the control-plane checks examine it). */
  controlPlane?: boolean;
}

/** A finding as reported (JSON schema v1; later features extend it, never break it). */
export interface Finding {
  check: string;
  severity: Severity;
  title: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  container?: string;
  /** Dotted path, e.g. spec.template.spec.containers[0].securityContext.privileged. */
  path: string;
  remediation: string;
  references: Reference[];
  category: Category;
  suppressed?: Suppression;
  fix?: StructuredRemediation;
  pss?: PssFindingInfo;
}
