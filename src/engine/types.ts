/**
 * The contract between the engine and the checks. A check is data (metadata) plus one pure
 * function; the engine knows no check by name. Checks return paths, never line numbers: the
 * engine turns paths into positions at report time.
 */
import type { LoadedObject, Path } from '../load/types.js';
import type { ObjectIndex } from './object-index.js';
import type { PodTarget } from '../k8s/pod-spec.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

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
  /** The Pod Security Standards level this control belongs to, if any. */
  pss?: 'baseline' | 'restricted';
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

export interface CheckContext {
  index: ObjectIndex;
  /** Options of the run (e.g. the target Kubernetes version); checks read what they need. */
  settings: Readonly<Record<string, unknown>>;
}

interface CheckBase {
  meta: CheckMeta;
}

/** Runs once for every pod spec found by shape (Pods, templates, CRDs with pod templates). */
export interface PodCheck extends CheckBase {
  scope: 'pod';
  check(pod: PodTarget, ctx: CheckContext): Iterable<RawFinding>;
}

/** Runs once for every object of the listed kinds ('*' for every kind). */
export interface ObjectCheck extends CheckBase {
  scope: 'object';
  kinds: readonly string[] | '*';
  check(object: LoadedObject, ctx: CheckContext): Iterable<RawFinding>;
}

/** Runs once for the whole scan (cross-object checks); findings must name their object. */
export interface BundleCheck extends CheckBase {
  scope: 'bundle';
  check(ctx: CheckContext): Iterable<RawFinding & { object: LoadedObject }>;
}

export type Check = PodCheck | ObjectCheck | BundleCheck;

export interface Suppression {
  by: 'annotation' | 'config' | 'comment';
  reason: string;
  expires?: string;
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
