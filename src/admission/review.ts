/**
 * The admission decision as a pure function: an AdmissionRequest and a policy in, a response
 * out. No I/O: the HTTP server, the unit tests and the bench all call it. The findings come from
 * scanObjects, the function `kubeharden scan` runs, so a manifest passing CI with the profile's
 * configuration is admitted and one failing it is denied.
 */
import { evaluateChange } from '../engine/change.js';
import { toFinding } from '../engine/evaluate.js';
import { ObjectIndex } from '../engine/object-index.js';
import { scanObjects } from '../engine/scan.js';
import { evaluatePodAt } from '../checks/pss/evaluation.js';
import { PSA_CHECK_OF } from '../checks/pss/index.js';
import { severityRank, type Finding, type Severity } from '../engine/types.js';
import { asMap, asString, isMap } from '../k8s/json.js';
import type { Labels } from '../k8s/labels.js';
import { objectFromJson } from '../load/index.js';
import type { KubeObject, LoadedObject } from '../load/types.js';
import { formatPssFailure, formatPssVersion, type PssPolicy } from '../pss/index.js';
import { auditValue, capWarnings, denialMessage, describeTarget, truncate, warningText, type FindingText } from './messages.js';
import { jsonEqual, remediationToPatch, type JsonPatchOp } from './patch.js';
import {
  atOrAbove,
  globMatch,
  LABEL_PREFIX,
  resolveClusterScoped,
  resolveNamespace,
  weakerProfile,
  type Policy,
  type Profile,
  type Resolution,
} from './policy.js';
import type { AdmissionRequest, AdmissionResponse } from './types.js';
import { gateOf, imagePins } from './images.js';

export interface ReviewContext {
  /** Labels of a namespace; undefined when unknown (no API access, or not seen yet). */
  namespaceLabels?: (name: string) => Labels | undefined;
  now?: Date;
}

export type Decision = 'allowed' | 'warned' | 'denied' | 'mutated' | 'error';
export type ModeLabel = 'enforce' | 'warn' | 'audit' | 'mutate' | 'exempt' | 'skipped' | 'none';

export interface ReviewOutcome {
  response: AdmissionResponse;
  decision: Decision;
  mode: ModeLabel;
  /** request.kind.kind, for metrics. */
  kind: string;
  profile?: string;
  /** Ids of the checks behind the decision (never messages: logs must not carry payload values). */
  checks: string[];
  /** Why nothing was evaluated (exempt namespace, unchanged update, subresource, ...). */
  reason?: string;
  /** Checks that threw: a bug, counted in metrics. */
  evaluationErrors: number;
}

/** Subresources whose requests carry a pod spec worth reviewing. */
const REVIEWED_SUBRESOURCES = new Set(['ephemeralcontainers']);
/** Kinds whose pod template may change after creation (mutating an UPDATE of a Pod or Job would be rejected as immutable). */
const MUTABLE_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'CronJob', 'PodTemplate']);
/** Pod annotations that change what Pod Security evaluates. */
const SECURITY_ANNOTATION = /^(container\.apparmor\.security\.beta\.kubernetes\.io\/|seccomp\.security\.alpha\.kubernetes\.io\/)/;

export const NS_WEAKEN_CHECK = 'ADM-NS-WEAKEN';
export const EVAL_ERROR_CHECK = 'ADM-EVAL-ERROR';

function allow(uid: string, extra: Partial<AdmissionResponse> = {}): AdmissionResponse {
  return { uid, allowed: true, ...extra };
}

function skipped(request: AdmissionRequest, reason: string, mode: ModeLabel = 'skipped', response?: AdmissionResponse): ReviewOutcome {
  return { response: response ?? allow(request.uid), decision: 'allowed', mode, kind: request.kind.kind, checks: [], reason, evaluationErrors: 0 };
}

function labelsOf(o: KubeObject | null): Record<string, string> {
  const out: Record<string, string> = {};
  const l = asMap(asMap(o?.metadata)?.labels);
  if (l) for (const [k, v] of Object.entries(l)) if (typeof v === 'string') out[k] = v;
  return out;
}

function isNamespaceRequest(r: AdmissionRequest): boolean {
  return r.kind.group === '' && r.kind.kind === 'Namespace';
}

/**
 * The object under review as the checks see it (with the request's namespace filled in if the
 * object lacks it), and its index: built once per request and passed to every scan of the
 * object, so its pod specs and Pod Security evaluations are computed once, whatever the number
 * of profiles, and reused for the messages. It lives only as long as the request.
 */
interface Subject {
  object: LoadedObject;
  index: ObjectIndex;
}

function subjectOf(o: KubeObject, namespace: string | undefined): Subject {
  const meta = asMap(o.metadata);
  if (namespace && meta && !asString(meta.namespace)) o = { ...o, metadata: { ...meta, namespace } };
  const object = objectFromJson(o, '<admission>');
  return { object, index: new ObjectIndex([object]) };
}

/** The parts of an object that decide findings: everything but metadata and status, plus security annotations. */
function reviewedContent(o: KubeObject, keepLabels: boolean): unknown {
  const { metadata, status: _status, ...rest } = o;
  const meta = asMap(metadata);
  const ann = asMap(meta?.annotations);
  const sec: Record<string, unknown> = {};
  if (ann) for (const [k, v] of Object.entries(ann)) if (SECURITY_ANNOTATION.test(k)) sec[k] = v;
  return { rest, sec, ...(keepLabels ? { labels: meta?.labels ?? {} } : {}) };
}

/**
 * Pod Security findings in PSA's short wording ("reason (detail)"), from the evaluations the
 * PSS checks made (shared through the review's index): their scan messages add advice meant for
 * CI output. A finding's policy is one of the profiles' (a review sees no Namespace objects, so
 * no namespace-label policy applies). Computed only when needed.
 */
function findingText(subject: Subject, profiles: ReadonlyArray<Profile | undefined>): FindingText {
  const policies = new Map<string, PssPolicy>();
  for (const p of profiles) if (p?.pss) policies.set(`${p.pss.level}:${formatPssVersion(p.pss.version)}`, p.pss);
  const cache = new Map<string, Map<string, string>>();
  return (f) => {
    if (!f.pss) return f.message;
    const lv = `${f.pss.level}:${f.pss.version}`;
    const policy = policies.get(lv);
    if (!policy) return f.message;
    let byId = cache.get(lv);
    if (!byId) {
      byId = new Map();
      for (const pod of subject.index.podsOf(subject.object)) {
        for (const r of evaluatePodAt(subject.index, pod, policy.level, policy.version)) if (!byId.has(r.checkId)) byId.set(r.checkId, formatPssFailure(r));
      }
      cache.set(lv, byId);
    }
    const control = PSA_CHECK_OF.get(f.check);
    return (control && byId.get(control)) ?? f.message;
  };
}

interface ProfileResult {
  findings: Finding[];
  errors: string[];
}

/**
 * The lowest severity a profile's deny or warn line acts on. Validation builds no finding below
 * it (it could not change the answer); mutation needs them all (any finding may carry a fix).
 */
function actionableFrom(p: Profile): Severity | undefined {
  let min: Severity | undefined;
  for (const t of [p.failOn, p.warnOn]) if (t !== 'none' && (min === undefined || severityRank(t) < severityRank(min))) min = t;
  return min;
}

function evaluateProfile(profile: Profile, subject: Subject, now: Date | undefined, minSeverity?: Severity): ProfileResult {
  const r = scanObjects([subject.object], {
    run: profile.run,
    index: subject.index,
    ...(now ? { now } : {}),
    ...(minSeverity ? { minSeverity } : {}),
  });
  const findings = r.findings.filter((f) => !f.suppressed);
  return { findings, errors: r.errors.map((e) => e.message) };
}

function findingKey(f: Finding): string {
  return `${f.check}\u0000${f.container ?? ''}\u0000${f.path}`;
}

/**
 * Namespace label changes that lower what the namespace enforces: the change checks (a lower
 * pod-security.kubernetes.io/enforce level), and, under the same check, a kubeharden.io/enforce
 * label that picks a weaker profile of this policy (which only the policy can judge).
 */
function namespaceWeakening(policy: Policy, request: AdmissionRequest, subject: Subject, nsName: string, before: Resolution, after: Resolution): ProfileResult {
  const old = request.operation === 'UPDATE' && request.oldObject ? subjectOf(request.oldObject, undefined).object : undefined;
  const r = evaluateChange(subject.object, old, policy.guards, subject.index);
  const weaken = policy.guards.checks.find((c) => c.meta.id === NS_WEAKEN_CHECK);
  if (weaken && weakerProfile(after.enforce, before.enforce)) {
    const message = `namespace "${nsName}" changes the kubeharden enforce profile from "${before.enforce?.name}" to ${after.enforce ? `"${after.enforce.name}", which enforces less` : 'none'}`;
    r.findings.push(toFinding(weaken, { message, path: ['metadata', 'labels', `${LABEL_PREFIX}enforce`] }, subject.object));
  }
  return { findings: r.findings, errors: r.errors.map((e) => e.message) };
}

interface Target {
  resolution: Resolution;
  /** Namespace used for exemptions and messages. */
  namespace: string | undefined;
  /** What the target adds to every profile's result (Namespace changes). */
  extraFindings: () => ProfileResult;
}

const NO_EXTRA: ProfileResult = { findings: [], errors: [] };

function stripOwnLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith(LABEL_PREFIX)) out[k] = v;
  return out;
}

function target(policy: Policy, request: AdmissionRequest, subject: Subject, ctx: ReviewContext): Target {
  const { object } = subject;
  if (isNamespaceRequest(request)) {
    const nsName = request.name || object.name;
    const newLabels = labelsOf(request.object);
    // The namespace is judged by what it was (an UPDATE) or by its rule without its own
    // kubeharden.io labels (a CREATE): labels cannot pick a laxer review of themselves.
    const beforeLabels = request.operation === 'UPDATE' && request.oldObject ? labelsOf(request.oldObject) : stripOwnLabels(newLabels);
    const before = resolveNamespace(policy, nsName, beforeLabels);
    const after = resolveNamespace(policy, nsName, newLabels);
    return {
      resolution: { ...before, notes: after.notes },
      namespace: nsName,
      extraFindings: () => (policy.guardNamespaceLabels ? namespaceWeakening(policy, request, subject, nsName, before, after) : NO_EXTRA),
    };
  }
  if (!request.namespace) return { resolution: resolveClusterScoped(policy), namespace: undefined, extraFindings: () => NO_EXTRA };
  return { resolution: resolveNamespace(policy, request.namespace, ctx.namespaceLabels?.(request.namespace)), namespace: request.namespace, extraFindings: () => NO_EXTRA };
}

function exemption(policy: Policy, request: AdmissionRequest, namespace: string | undefined, { object, index }: Subject): string | undefined {
  const ex = policy.exemptions;
  if (ex.usernames.some((u) => globMatch(u, request.userInfo.username))) return 'user';
  if (namespace !== undefined && ex.namespaces.some((n) => globMatch(n, namespace))) return 'namespace';
  if (ex.runtimeClassNames.length) {
    for (const pod of index.podsOf(object)) {
      const rc = asString(pod.spec.runtimeClassName);
      if (rc && ex.runtimeClassNames.some((n) => globMatch(n, rc))) return 'runtimeClass';
    }
  }
  return undefined;
}

/** Shared front half of /validate and /mutate: what to evaluate, or why nothing. */
function prepare(request: AdmissionRequest, policy: Policy, ctx: ReviewContext): { skip: ReviewOutcome } | { subject: Subject; t: Target } {
  if (request.operation === 'DELETE' || request.operation === 'CONNECT') return { skip: skipped(request, request.operation.toLowerCase()) };
  if (request.subResource && !REVIEWED_SUBRESOURCES.has(request.subResource)) return { skip: skipped(request, `subresource ${request.subResource}`) };
  if (!request.object || !isMap(request.object)) return { skip: skipped(request, 'no object') };
  const subject = subjectOf(request.object, request.namespace);
  const t = target(policy, request, subject, ctx);
  const ex = exemption(policy, request, t.namespace, subject);
  if (ex) return { skip: skipped(request, `exempt ${ex}`, 'exempt', allow(request.uid, { auditAnnotations: { exempt: ex } })) };
  return { subject, t };
}

/** POST /validate: admit, warn, audit or deny. */
export function review(request: AdmissionRequest, policy: Policy, ctx: ReviewContext = {}): ReviewOutcome {
  const prep = prepare(request, policy, ctx);
  if ('skip' in prep) return prep.skip;
  const { subject, t } = prep;
  const { object } = subject;
  const res = t.resolution;
  const modes = [res.enforce, res.warn, res.audit];
  if (!modes.some(Boolean)) return skipped(request, `no mode for rule ${res.rule}`, 'none');

  // An UPDATE that leaves everything the checks read unchanged (metadata-only, status) is not
  // judged again, as PodSecurity admission does: existing workloads can still be relabelled.
  if (request.operation === 'UPDATE' && request.oldObject && jsonEqual(reviewedContent(request.object as KubeObject, isNamespaceRequest(request)), reviewedContent(request.oldObject, isNamespaceRequest(request)))) {
    return skipped(request, 'unchanged update', res.enforce ? 'enforce' : res.warn ? 'warn' : 'audit');
  }

  const oldSubject = request.operation === 'UPDATE' && request.oldObject && res.onUpdate === 'new-violations' ? subjectOf(request.oldObject, request.namespace) : undefined;
  const cache = new Map<string, ProfileResult>();
  let evaluationErrors = 0;
  const run = (p: Profile): ProfileResult => {
    let r = cache.get(p.name);
    if (r) return r;
    const from = actionableFrom(p);
    r = evaluateProfile(p, subject, ctx.now, from);
    const extra = t.extraFindings();
    r.findings.push(...extra.findings);
    r.errors.push(...extra.errors);
    if (oldSubject) {
      const before = new Set(evaluateProfile(p, oldSubject, ctx.now, from).findings.map(findingKey));
      r.findings = r.findings.filter((f) => !before.has(findingKey(f)));
    }
    evaluationErrors += r.errors.length;
    cache.set(p.name, r);
    return r;
  };

  const what = describeTarget(request.kind.kind, request.name || object.name, t.namespace);
  const text = findingText(subject, modes);
  const warnings: string[] = [...res.notes];
  const audit: Record<string, string> = {};
  const checks = new Set<string>();
  let deny: Finding[] = [];
  let errors: string[] = [];

  if (res.enforce) {
    const p = res.enforce;
    const r = run(p);
    // Exactly `kubeharden scan --fail-on <failOn>` with the profile's configuration.
    deny = r.findings.filter((f) => atOrAbove(f.severity, p.failOn));
    const denied = new Set(deny);
    for (const f of r.findings) if (!denied.has(f) && atOrAbove(f.severity, p.warnOn)) warnings.push(warningText(f, text));
    errors = r.errors;
  }
  if (res.warn) {
    const p = res.warn;
    for (const f of run(p).findings) {
      if (atOrAbove(f.severity, p.warnOn)) {
        warnings.push(warningText(f, text));
        checks.add(f.check);
      }
    }
  }
  if (res.audit) {
    const p = res.audit;
    const fs = run(p).findings.filter((f) => atOrAbove(f.severity, p.warnOn));
    if (fs.length) {
      audit['audit-violations'] = auditValue(fs, text);
      audit['audit-profile'] = p.name;
      for (const f of fs) checks.add(f.check);
    }
  }

  const mode: ModeLabel = res.enforce ? 'enforce' : res.warn ? 'warn' : 'audit';
  const base = { kind: request.kind.kind, evaluationErrors, profile: (res.enforce ?? res.warn ?? res.audit)?.name };
  const extras: Partial<AdmissionResponse> = {};
  const w = capWarnings(warnings);
  if (w.length) extras.warnings = w;
  if (Object.keys(audit).length) extras.auditAnnotations = audit;

  if (errors.length && res.enforce) {
    // A check that cannot read the object must not let it through: fail closed, like failurePolicy Fail.
    return {
      ...base,
      response: {
        uid: request.uid,
        allowed: false,
        status: { code: 500, reason: 'InternalError', message: truncate(`kubeharden could not evaluate ${what}: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`, 1000) },
        ...extras,
      },
      decision: 'error',
      mode,
      checks: [EVAL_ERROR_CHECK],
    };
  }
  if (deny.length && res.enforce) {
    for (const f of deny) checks.add(f.check);
    return {
      ...base,
      response: { uid: request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: denialMessage(what, res.enforce.name, deny, text) }, ...extras },
      decision: 'denied',
      mode: 'enforce',
      checks: [...checks],
    };
  }
  return { ...base, response: allow(request.uid, extras), decision: w.length ? 'warned' : 'allowed', mode, checks: [...checks] };
}

/**
 * POST /mutate: the structured remediations of the profile's findings as JSON Patch. Never
 * denies (validation does that after mutation) and never overrides a value the user set.
 */
export function mutate(request: AdmissionRequest, policy: Policy, ctx: ReviewContext = {}): ReviewOutcome {
  const prep = prepare(request, policy, ctx);
  if ('skip' in prep) return prep.skip;
  const { subject, t } = prep;
  const { object } = subject;
  const res = t.resolution;
  if (!res.mutate) return skipped(request, 'namespace not opted into mutation', 'none');
  if (request.operation === 'UPDATE' && !MUTABLE_TEMPLATE_KINDS.has(request.kind.kind)) return skipped(request, `${request.kind.kind} updates are not mutated`);
  if (request.subResource) return skipped(request, `subresource ${request.subResource}`);
  const profile = res.enforce ?? res.warn ?? res.audit;
  if (!profile) return skipped(request, `no profile for rule ${res.rule}`, 'none');
  const r = evaluateProfile(profile, subject, ctx.now);
  const doc = structuredClone(request.object) as Record<string, unknown>;
  const patch: JsonPatchOp[] = [];
  const fixed = new Set<string>();
  const descriptions: string[] = [];
  for (const f of r.findings) {
    if (!f.fix) continue;
    if (policy.mutationChecks && !policy.mutationChecks.has(f.check)) continue;
    const before = patch.length;
    remediationToPatch(doc, f.fix.ops, patch);
    if (patch.length > before) {
      fixed.add(f.check);
      if (!descriptions.includes(f.fix.description)) descriptions.push(f.fix.description);
    }
  }
  // Verified tag-only images pinned to their digest (images.pinDigests): the kubelet pulls what was verified.
  const pins = imagePins(gateOf(profile), request.object as KubeObject);
  if (pins.length) {
    patch.push(...pins);
    fixed.add('IMG-SIGNATURE');
    descriptions.push(`pinned ${pins.length} verified image${pins.length === 1 ? '' : 's'} to ${pins.length === 1 ? 'its' : 'their'} digest`);
  }
  const base = { kind: request.kind.kind, profile: profile.name, evaluationErrors: r.errors.length, mode: 'mutate' as const };
  if (!patch.length) return { ...base, response: allow(request.uid), decision: 'allowed', checks: [] };
  return {
    ...base,
    response: allow(request.uid, {
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
      warnings: [truncate(`kubeharden hardened ${describeTarget(request.kind.kind, request.name || object.name, t.namespace)}: ${descriptions.join('; ')}`, 256)],
      auditAnnotations: { mutated: [...fixed].join(',') },
    }),
    decision: 'mutated',
    checks: [...fixed],
  };
}
