/**
 * A compliance view: the scan's findings grouped by a framework's controls, with pass/fail per
 * control and the share of objects in scope that pass it (docs/reports.md).
 *
 * Status of a control:
 * - `fail`: a check of the control has an unsuppressed finding;
 * - `pass`: every check of the control ran, objects were in their scope, and none has a finding;
 * - `no-scope`: its checks ran but no scanned object is of a kind they examine (nothing to judge);
 * - `not-assessed`: none of its checks ran in this scan (disabled, opt-in, or outside --checks);
 * - `manual`: no kubeharden check can assess it (a property of the running cluster, or a
 *   decision to review): listed as such, never counted as passed.
 * A control of which only some checks ran says which did not (`checksNotRun`).
 * The framework's score is passed / (passed + failed) controls, in percent.
 */
import type { Check, Finding } from '../../engine/types.js';
import { objectKey, type ObjectRef } from '../overview.js';
import { FRAMEWORKS, type Control, type Framework, type FrameworkId } from './frameworks.js';

export type ControlStatus = 'pass' | 'fail' | 'no-scope' | 'not-assessed' | 'manual';

export interface ControlResult {
  id: string;
  title: string;
  section: string;
  status: ControlStatus;
  checks: string[];
  checksNotRun: string[];
  findings: number;
  objectsInScope: number;
  objectsFailing: number;
  /** Objects in scope that pass, in percent (one decimal); null without objects in scope. */
  passPercent: number | null;
  /** Why a control is manual or not assessed. */
  reason?: string;
}

export interface ComplianceReport {
  framework: FrameworkId;
  title: string;
  version: string;
  reference: { title: string; url: string };
  summary: { controls: number; pass: number; fail: number; noScope: number; notAssessed: number; manual: number; score: number | null };
  controls: ControlResult[];
}

/** The framework's controls plus those checks claim in their metadata. */
export function controlsOf(fw: Framework, allChecks: readonly Check[]): Control[] {
  const controls = fw.controls.map((c) => ({ ...c, checks: [...c.checks] }));
  if (!fw.metaKey) return controls;
  const byId = new Map(controls.map((c) => [c.id, c]));
  for (const check of allChecks) {
    for (const id of check.meta.controls?.[fw.metaKey] ?? []) {
      let c = byId.get(id);
      if (!c) {
        c = { id, title: check.meta.title, section: 'Claimed by checks', checks: [] };
        byId.set(id, c);
        controls.push(c);
      }
      if (!c.checks.includes(check.meta.id)) c.checks.push(check.meta.id);
      delete c.manual;
    }
  }
  return controls;
}

function inScope(check: Check, o: ObjectRef): boolean {
  // Control-plane and kubelet checks judge only control-plane objects, whatever their scope says.
  if (check.meta.category === 'control-plane' || check.meta.category === 'node') return o.controlPlane === true;
  switch (check.scope) {
    case 'pod':
      return o.workload === true;
    case 'object':
      return check.kinds === '*' || check.kinds.includes(o.kind);
    case 'bundle':
      return true;
    case 'change':
      return o.kind !== undefined && check.kinds.includes(o.kind);
  }
}

export interface ComplianceInput {
  /** Walked once (findings read back from disk can be). */
  findings: Iterable<Finding>;
  /** The checks that ran. */
  checks: readonly Check[];
  /** Every check kubeharden has (for controls claimed in metadata by checks that did not run). */
  allChecks: readonly Check[];
  inventory: readonly ObjectRef[];
}

export function evaluateFramework(id: FrameworkId, input: ComplianceInput): ComplianceReport {
  const fw = FRAMEWORKS[id];
  const ran = new Map(input.checks.map((c) => [c.meta.id, c]));
  // Each object once, keyed as findings name it (the same object can be listed twice). Controls
  // count over it without a set of their own: ~40 sets of every object's key, each built and
  // dropped per control, were most of a large scan's --framework peak.
  const inventory = new Map<string, ObjectRef[]>();
  for (const o of input.inventory) {
    const k = objectKey(o);
    const refs = inventory.get(k);
    if (refs) refs.push(o);
    else inventory.set(k, [o]);
  }
  const failing = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const f of input.findings) {
    if (f.suppressed) continue;
    let s = failing.get(f.check);
    if (!s) failing.set(f.check, (s = new Set()));
    s.add(objectKey(f.object));
    counts.set(f.check, (counts.get(f.check) ?? 0) + 1);
  }
  const controls = controlsOf(fw, input.allChecks).map((c): ControlResult => {
    const base = { id: c.id, title: c.title, section: c.section, checks: [...c.checks] };
    if (c.checks.length === 0) {
      return { ...base, status: 'manual', checksNotRun: [], findings: 0, objectsInScope: 0, objectsFailing: 0, passPercent: null, reason: c.manual ?? 'no kubeharden check assesses it' };
    }
    const running = c.checks.map((x) => ran.get(x)).filter((x): x is Check => x !== undefined);
    const notRun = c.checks.filter((x) => !ran.has(x));
    if (running.length === 0) {
      return { ...base, status: 'not-assessed', checksNotRun: notRun, findings: 0, objectsInScope: 0, objectsFailing: 0, passPercent: null, reason: `none of its checks ran (${notRun.join(', ')}): enable them in the configuration or --checks` };
    }
    const scoped = (refs: readonly ObjectRef[] | undefined) => refs !== undefined && refs.some((o) => running.some((ch) => inScope(ch, o)));
    let inScopeCount = 0;
    for (const refs of inventory.values()) if (scoped(refs)) inScopeCount++;
    // Objects with a finding of any of the control's checks (each once), and those of them the
    // inventory leaves out of scope: an object with a finding is in scope, whatever the inventory says.
    const failingSets = running.map((ch) => failing.get(ch.meta.id));
    let bad = 0;
    let badOutside = 0;
    let findings = 0;
    const countedBefore = (k: string, i: number) => {
      for (let j = 0; j < i; j++) if (failingSets[j]?.has(k)) return true;
      return false;
    };
    running.forEach((ch, i) => {
      findings += counts.get(ch.meta.id) ?? 0;
      for (const k of failingSets[i] ?? []) {
        if (countedBefore(k, i)) continue;
        bad++;
        if (!scoped(inventory.get(k))) badOutside++;
      }
    });
    const scope = inScopeCount + badOutside;
    const passPercent = scope ? Math.round(((scope - bad) / scope) * 1000) / 10 : null;
    const status: ControlStatus = bad ? 'fail' : scope ? 'pass' : 'no-scope';
    return {
      ...base,
      status,
      checksNotRun: notRun,
      findings,
      objectsInScope: scope,
      objectsFailing: bad,
      passPercent,
      ...(notRun.length ? { reason: `partly assessed: ${notRun.join(', ')} did not run` } : {}),
    };
  });
  const n = (s: ControlStatus) => controls.filter((c) => c.status === s).length;
  const pass = n('pass');
  const fail = n('fail');
  return {
    framework: id,
    title: fw.title,
    version: fw.version,
    reference: fw.reference,
    summary: { controls: controls.length, pass, fail, noScope: n('no-scope'), notAssessed: n('not-assessed'), manual: n('manual'), score: pass + fail ? Math.round((pass / (pass + fail)) * 1000) / 10 : null },
    controls,
  };
}
