/**
 * Which Pod Security policies apply to a pod in a scan, evaluated once per pod and shared by
 * the PSS-* checks:
 * - `scan --pss level[:version]` (settings.pss): every pod and pod template, mode `scan`;
 * - the labels of its Namespace when that Namespace is part of the scan: modes `enforce`
 *   (pods are rejected at admission), `warn` (kubectl prints a warning), `audit` (audit log).
 * A check that fails under several policies is reported once, for the strongest mode
 * (enforce, then warn, then audit, then scan).
 */
import type { CheckContext } from '../../engine/types.js';
import { PSS_SETTING } from '../_lib/settings.js';
import { ObjectIndex } from '../../engine/object-index.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import {
  effectiveMinor,
  evaluatePod,
  namespacePolicy,
  type PssCheckId,
  type PssLevel,
  type PssResult,
  type PssVersionSpec,
} from '../../pss/index.js';

export type PssFindingMode = 'enforce' | 'warn' | 'audit' | 'scan';

export interface AppliedPolicy {
  mode: PssFindingMode;
  level: PssLevel;
  version: PssVersionSpec;
  /** The namespace whose labels asked for it (namespace modes). */
  namespace?: string;
}

export interface PssFailure {
  policy: AppliedPolicy;
  result: PssResult;
}

export interface PodPss {
  /** The failing checks, each under the strongest policy that fails it. */
  failures: ReadonlyMap<PssCheckId, PssFailure>;
  policies: readonly AppliedPolicy[];
}

/** The settings the PSS checks read. */
export const PSS_SETTINGS = { pss: PSS_SETTING };
type PssContext = CheckContext<typeof PSS_SETTINGS>;

const NOTHING: PodPss = { failures: new Map(), policies: [] };
const MODE_ORDER: readonly PssFindingMode[] = ['enforce', 'warn', 'audit', 'scan'];

/** The namespace-label policies (enforce, warn, audit; privileged ones dropped) for a pod's namespace. */
export function namespacePolicies(pod: PodTarget, ctx: PssContext): AppliedPolicy[] {
  const nsName = ObjectIndex.effectiveNamespace(pod.owner);
  if (nsName === undefined) return [];
  const ns = ctx.index.namespace(nsName);
  if (!ns) return [];
  const policy = namespacePolicy(ns.labels);
  if (!policy.labelled) return [];
  const out: AppliedPolicy[] = [];
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const p = policy[mode];
    if (p.level !== 'privileged') out.push({ mode, level: p.level, version: p.version, namespace: nsName });
  }
  return out;
}

interface CacheEntry {
  ctx: PssContext;
  value: PodPss;
}

/** The run's evaluations, by pod: kept in the scan's index, so they die with the scan. */
function newPodCache(): Map<PodTarget, CacheEntry> {
  return new Map();
}

/** Every applicable policy evaluated for this pod (once per pod and run). */
export function podPss(pod: PodTarget, ctx: PssContext): PodPss {
  const cache = ctx.index.derived(newPodCache);
  const hit = cache.get(pod);
  if (hit && hit.ctx === ctx) return hit.value;
  const value = compute(pod, ctx);
  cache.set(pod, { ctx, value });
  return value;
}

function compute(pod: PodTarget, ctx: PssContext): PodPss {
  const policies: AppliedPolicy[] = namespacePolicies(pod, ctx);
  const scan = ctx.settings.pss;
  if (scan && scan.level !== 'privileged') policies.push({ mode: 'scan', level: scan.level, version: scan.version });
  if (policies.length === 0) return NOTHING;
  policies.sort((a, b) => MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode));
  const failures = new Map<PssCheckId, PssFailure>();
  for (const policy of policies) {
    for (const result of evaluatePodAt(ctx.index, pod, policy.level, policy.version)) if (!failures.has(result.checkId)) failures.set(result.checkId, { policy, result });
  }
  return { failures, policies };
}

function newResultCache(): Map<PodTarget, Map<string, PssResult[]>> {
  return new Map();
}

/**
 * The failing checks of one pod at a level and version, evaluated once per scan (the result
 * depends only on the pod, the level and the policy minor version). Shared by the PSS checks and
 * by callers that word the same failures differently (admission messages).
 */
export function evaluatePodAt(index: ObjectIndex, pod: PodTarget, level: PssLevel, version: PssVersionSpec): PssResult[] {
  const byPod = index.derived(newResultCache);
  let byKey = byPod.get(pod);
  if (!byKey) byPod.set(pod, (byKey = new Map()));
  const key = `${level}:${effectiveMinor(version)}`;
  let results = byKey.get(key);
  if (!results) byKey.set(key, (results = evaluatePod(pod.meta, pod.spec, level, version)));
  return results;
}
