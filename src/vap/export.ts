/**
 * `kubeharden export vap`: the checks of a run as ValidatingAdmissionPolicies and bindings
 * (admissionregistration.k8s.io/v1), one policy per built-in kind. The exporter knows no check
 * by name: each check declares its CEL form (`Check.cel`, see k8s/cel.ts), and this module only
 * places the forms, guards them with the exemptions, and words the report.
 *
 * A policy holds one variable per check (the messages of its findings) and one validation that
 * fails when any check has findings; its message names every failed check and its findings, as
 * `scan` does (the API server returns only the first denying policy's message, so one policy per
 * kind holds all the checks of that kind). The API server type-checks validations, not variables,
 * against the kind's schema: typeCheckProbes() turns the variables into validations of policies
 * that are never bound, to read their type-checking warnings.
 */
import type { Exemption } from '../engine/config.js';
import { severityRank, type Check, type JsonValue, type Severity } from '../engine/types.js';
import { lit, partsOf, podCel, concat, any, all, strList, type Cel, type CelFindings, type PodShape } from '../k8s/cel.js';
import { IGNORE_PREFIX } from '../engine/suppress.js';
import { placementOf, targetKind, targetResource, type Target } from './targets.js';

export const ACTIONS = ['deny', 'warn', 'audit'] as const;
export type Action = (typeof ACTIONS)[number];

const VALIDATION_ACTION: Record<Action, string> = { deny: 'Deny', warn: 'Warn', audit: 'Audit' };

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface VapExportOptions {
  /** The checks of the run (selected, with configured severities). */
  checks: readonly Check[];
  /** The run's typed settings. */
  settings: Readonly<Record<string, unknown>>;
  /** Check ids whose severity the configuration overrides (every finding then has that severity). */
  severityOverrides: ReadonlySet<string>;
  /** Act on findings at or above this severity (`scan --fail-on`). */
  failOn: Severity;
  action: Action;
  /** Honour ignore.kubeharden.io/<ID> annotations. */
  annotationExemptions: boolean;
  /** Configuration exemptions (already without the expired ones). */
  exemptions: readonly Exemption[];
  /** Namespaces no policy applies to. */
  exemptNamespaces: readonly string[];
  /** Request user names no policy applies to (the API server's own bootstrap writes). */
  exemptUsernames: readonly string[];
  /** The binding's namespaceSelector. */
  namespaceSelector?: LabelSelectorSpec;
  /** Names are `<prefix>-<resource>`. */
  prefix: string;
}

export interface ExportedCheck {
  id: string;
  kinds: string[];
  /** Kinds the check applies to in `scan` that the policy leaves out, and why. */
  leftOut?: { kinds: string[]; reason: string };
}

export interface VapReport {
  exported: ExportedCheck[];
  /** Checks that cannot be written in CEL, with the reason. */
  notExported: Array<{ id: string; reason: string }>;
  /** Checks whose findings are all below --fail-on. */
  belowFailOn: string[];
  /** Things the policies cannot do that the configuration asks for. */
  notes: string[];
}

export interface VapExport {
  /** Policies and bindings, in order: policy, its binding, the next policy… */
  documents: Array<Record<string, JsonValue>>;
  report: VapReport;
}

/** Messages longer than this are cut (the API server drops a message over 5 KiB; 4 bytes a code point at most). */
const MAX_MESSAGE_CODE_POINTS = 1200;

interface Built {
  /** The check's findings as one CEL list<string>, already filtered by severity and guarded by the exemptions. */
  messages: Cel;
  /** The policy variables the check's CEL refers to (Constant). */
  constants: Array<{ name: string; expression: Cel }>;
}

interface PlacedCheck {
  check: Check;
  built: Map<string, Built>;
}

export function exportVap(opts: VapExportOptions): VapExport {
  const report: VapReport = { exported: [], notExported: [], belowFailOn: [], notes: [] };
  const byTarget = new Map<string, { target: Target; checks: PlacedCheck[] }>();
  const order: string[] = [];
  for (const check of opts.checks) {
    const placement = placementOf(check);
    if (!placement.ok) {
      report.notExported.push({ id: check.meta.id, reason: placement.reason });
      continue;
    }
    const form = placement.form;
    let anyPart = false;
    const build = (target: Target): Built => {
      const constants: Built['constants'] = [];
      // A name starting with @ is shared by every check that asks for it (a parsed namespace label).
      const constant = (name: string, expression: Cel): Cel => {
        const v = name.startsWith('@') ? `k_${name.slice(1)}` : `k_${variableName(check.meta.id).slice(2)}_${name}`;
        if (!constants.some((c) => c.name === v)) constants.push({ name: v, expression });
        return `variables.${v}`;
      };
      const common = { settings: opts.settings, constant, namespace: "object.metadata.?namespace.orValue('')", name: "object.metadata.?name.orValue('')" };
      const findings: CelFindings =
        form.form === 'pod'
          ? form.findings({ ...common, pod: podCel((target as { shape: PodShape }).shape) })
          : form.findings({ ...common, kind: targetKind(target), annotations: 'object.metadata.?annotations.orValue({})', labels: 'object.metadata.?labels.orValue({})' });
      const kept = partsOf(findings).filter((p) => {
        const sev = opts.severityOverrides.has(check.meta.id) ? check.meta.severity : (p.severity ?? check.meta.severity);
        return severityRank(sev) >= severityRank(opts.failOn);
      });
      if (kept.length) anyPart = true;
      return { messages: guard(check, target, concat(kept.map((p) => p.messages)), opts), constants };
    };
    const built = new Map<string, Built>();
    for (const target of placement.targets) built.set(keyOf(target), build(target));
    if (!anyPart) {
      report.belowFailOn.push(check.meta.id);
      continue;
    }
    const placed: PlacedCheck = { check, built };
    for (const target of placement.targets) {
      const key = keyOf(target);
      let entry = byTarget.get(key);
      if (!entry) {
        byTarget.set(key, (entry = { target, checks: [] }));
        order.push(key);
      }
      entry.checks.push(placed);
    }
    report.exported.push({ id: check.meta.id, kinds: placement.targets.map(targetKind), ...(placement.leftOut ? { leftOut: placement.leftOut } : {}) });
  }
  for (const e of opts.exemptions) if (e.container !== undefined) report.notes.push(`exemption for ${e.checks.join(', ')} (container ${e.container}) is not exported: a policy judges the whole object, so findings of container "${e.container}" are acted on`);
  for (const e of opts.exemptions) if (e.expires !== undefined && e.container === undefined) report.notes.push(`exemption for ${e.checks.join(', ')} expires on ${e.expires}: the cluster cannot tell the date, so export the policies again after it`);

  const documents: Array<Record<string, JsonValue>> = [];
  for (const key of order) {
    const { target, checks } = byTarget.get(key) as { target: Target; checks: PlacedCheck[] };
    const name = `${opts.prefix}-${targetResource(target).resources[0]}`;
    documents.push(policyDocument(name, target, checks, opts), bindingDocument(name, opts));
  }
  return { documents, report };
}

function keyOf(t: Target): string {
  return targetKind(t);
}

/** Glob (`*`, `?`) as an anchored RE2 regular expression. */
export function globRegex(glob: string): string {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += /[\\^$.|+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
  }
  return `^${re}$`;
}

function globMatches(glob: string | undefined, value: Cel): Cel | undefined {
  if (glob === undefined || glob === '*') return undefined;
  return /[*?]/.test(glob) ? `${value}.matches(${lit(globRegex(glob))})` : `${value} == ${lit(glob)}`;
}

function globMatchesStatic(glob: string | undefined, value: string): boolean {
  return glob === undefined || new RegExp(globRegex(glob)).test(value);
}

/**
 * The check's messages, or none when an exemption applies: the ignore.kubeharden.io/<ID>
 * annotation on the object or its pod template (case-insensitive, as `scan`), and configuration
 * exemptions by namespace, kind and name.
 */
function guard(check: Check, target: Target, messages: Cel, opts: VapExportOptions): Cel {
  if (messages === '[]') return messages;
  const exempt: Cel[] = [];
  const id = check.meta.id;
  if (opts.annotationExemptions) {
    const key = lit((IGNORE_PREFIX + id).toLowerCase());
    const maps = ['object.metadata.?annotations.orValue({})'];
    if (target.type === 'pod' && target.shape.kind !== 'Pod') maps.push(podCel(target.shape).annotations);
    exempt.push(any(maps.map((m) => `${m}.exists(k, k.lowerAscii() == ${key})`)));
  }
  for (const e of opts.exemptions) {
    if (e.container !== undefined) continue;
    if (!e.checks.some((c) => c === '*' || new RegExp(globRegex(c)).test(id))) continue;
    if (!globMatchesStatic(e.kind, targetKind(target))) continue;
    const conds = [globMatches(e.namespace, "object.metadata.?namespace.orValue('default')"), globMatches(e.name, "object.metadata.?name.orValue('')")].filter((c): c is Cel => c !== undefined);
    exempt.push(all(conds));
  }
  return exempt.length ? `(${any(exempt)}) ? [] : (${messages})` : messages;
}

function variableName(id: string): string {
  return `c_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function policyDocument(name: string, target: Target, checks: readonly PlacedCheck[], opts: VapExportOptions): Record<string, JsonValue> {
  const r = targetResource(target);
  const matchConditions: Array<Record<string, JsonValue>> = [];
  if (opts.exemptNamespaces.length) matchConditions.push({ name: 'exempt-namespaces', expression: `!(request.namespace in ${strList(opts.exemptNamespaces)})` });
  if (opts.exemptUsernames.length) matchConditions.push({ name: 'exempt-users', expression: `!(request.userInfo.username in ${strList(opts.exemptUsernames)})` });
  if (target.type === 'pod') {
    const s = target.shape;
    if (s.specPresent) matchConditions.push({ name: 'has-pod-spec', expression: s.specPresent });
    // As Pod Security Admission: an update that leaves the pod spec and metadata as they were
    // (a controller's label or status bookkeeping) is not judged again.
    const old = (e: Cel) => e.replace(/^object\./, 'oldObject.');
    const annotations = podCel(s).annotations;
    matchConditions.push({
      name: 'pod-spec-changed',
      expression: `request.operation != 'UPDATE' || oldObject == null || ${s.spec} != ${old(s.spec)} || ${annotations} != ${old(annotations)}`,
    });
  }
  const ids = checks.map((c) => c.check.meta.id);
  const built = (c: PlacedCheck) => c.built.get(keyOf(target)) as Built;
  const constants = new Map<string, Cel>();
  for (const c of checks) {
    for (const k of built(c).constants) {
      const known = constants.get(k.name);
      if (known !== undefined && known !== k.expression) throw new Error(`export vap: two checks define the shared variable ${k.name} differently`);
      constants.set(k.name, k.expression);
    }
  }
  const variables: Array<Record<string, JsonValue>> = [
    ...[...constants].map(([name, expression]) => ({ name, expression })),
    ...checks.map((c) => ({ name: variableName(c.check.meta.id), expression: built(c).messages })),
  ];
  const failed = `[${checks.map((c) => `variables.${variableName(c.check.meta.id)}.size() > 0 ? ${lit(c.check.meta.id)} : ''`).join(', ')}].filter(id, id != '')`;
  variables.push({ name: 'failedChecks', expression: failed });
  variables.push({
    name: 'findings',
    expression: concat(checks.map((c) => `variables.${variableName(c.check.meta.id)}.map(m, ${lit(`${c.check.meta.id}: `)} + m)`)),
  });
  variables.push({
    name: 'report',
    expression: `'kubeharden: ' + string(variables.failedChecks.size()) + (variables.failedChecks.size() == 1 ? ' failed check [' : ' failed checks [') + variables.failedChecks.join(', ') + ']: ' + variables.findings.join('; ')`,
  });
  // One line (the API server drops a message with a newline), short enough to be kept whole.
  variables.push({
    name: 'message',
    expression: `(variables.report.size() > ${MAX_MESSAGE_CODE_POINTS} ? variables.report.substring(0, ${MAX_MESSAGE_CODE_POINTS - 1}) + '…' : variables.report).replace('\\n', ' ').replace('\\r', ' ')`,
  });
  const validations: Array<Record<string, JsonValue>> = [
    { expression: 'variables.failedChecks.size() == 0', messageExpression: 'variables.message', message: `kubeharden: ${name} failed`, reason: 'Forbidden' },
  ];
  const spec: Record<string, JsonValue> = {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: [{ apiGroups: [r.group], apiVersions: [r.version], resources: r.resources, operations: ['CREATE', 'UPDATE'] }] },
    ...(matchConditions.length ? { matchConditions } : {}),
    variables,
    validations,
  };
  // An empty value publishes no annotation (a null would not type-check against the string).
  if (opts.action === 'audit') spec.auditAnnotations = [{ key: 'violations', valueExpression: "variables.failedChecks.size() > 0 ? variables.message : ''" }];
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kubeharden' }, annotations: { 'kubeharden.io/checks': ids.join(',') } },
    spec,
  };
}

function bindingDocument(name: string, opts: VapExportOptions): Record<string, JsonValue> {
  const spec: Record<string, JsonValue> = { policyName: name, validationActions: [VALIDATION_ACTION[opts.action]] };
  if (opts.namespaceSelector) spec.matchResources = { namespaceSelector: opts.namespaceSelector as unknown as JsonValue };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kubeharden' } },
    spec,
  };
}

/** The variables that only assemble the message: not part of a check. */
const MESSAGE_VARIABLES = new Set(['failedChecks', 'findings', 'report', 'message']);
/** Checks per probe policy: the API server's type checker compiles every variable once per validation. */
const CHECKS_PER_PROBE = 8;

/**
 * Unbound copies of the policies (never enforced), to read how the API server type-checks every
 * check: it type-checks validations against the kind's schema but not variables, so each probe
 * carries a few checks' variables and, for every one of them, a validation that never fails
 * (`true || …`) repeating its expression. Small probes keep the type checker's work small (it
 * compiles every variable again for each validation); copies inside the real policies would
 * make the API server compile everything again at every write.
 */
export function typeCheckProbes(documents: ReadonlyArray<Record<string, JsonValue>>): Array<Record<string, JsonValue>> {
  const out: Array<Record<string, JsonValue>> = [];
  for (const d of documents) {
    if (d.kind !== 'ValidatingAdmissionPolicy') continue;
    const spec = d.spec as { variables: Array<{ name: string; expression: string }>; matchConstraints: JsonValue };
    const byName = new Map(spec.variables.map((v) => [v.name, v.expression]));
    const refs = (e: string) => [...e.matchAll(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    /** A variable and every variable it reads, in definition order. */
    const closure = (names: readonly string[]): string[] => {
      const seen = new Set<string>();
      const visit = (n: string) => {
        if (seen.has(n) || !byName.has(n)) return;
        seen.add(n);
        for (const r of refs(byName.get(n) as string)) visit(r);
      };
      names.forEach(visit);
      return spec.variables.map((v) => v.name).filter((n) => seen.has(n));
    };
    const checks = spec.variables.map((v) => v.name).filter((n) => n.startsWith('c_'));
    for (let i = 0; i < checks.length; i += CHECKS_PER_PROBE) {
      const names = closure(checks.slice(i, i + CHECKS_PER_PROBE)).filter((n) => !MESSAGE_VARIABLES.has(n));
      out.push({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: `${(d.metadata as { name: string }).name}-typecheck-${i / CHECKS_PER_PROBE}`, labels: { 'app.kubernetes.io/managed-by': 'kubeharden' } },
        spec: {
          failurePolicy: 'Ignore',
          matchConstraints: spec.matchConstraints,
          variables: names.map((n) => ({ name: n, expression: byName.get(n) as string })),
          validations: names.map((n) => ({ expression: `true || [${byName.get(n) as string}].size() >= 0`, message: `type check of ${n}` })),
        },
      });
    }
  }
  return out;
}
