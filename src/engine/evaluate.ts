/**
 * Runs checks over objects. Pure: objects and checks in, located findings out. A check that
 * throws on a strange object becomes an error entry; it never loses the other results.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { formatPath } from '../k8s/json.js';
import { ObjectIndex } from './object-index.js';
import type { Check, CheckContext, Finding, RawFinding } from './types.js';

export interface EvaluateResult {
  findings: Finding[];
  errors: InputError[];
}

export function toFinding(check: Check, raw: RawFinding, object: LoadedObject): Finding {
  const region = object.source.locate(raw.path);
  const m = check.meta;
  const finding: Finding = {
    check: m.id,
    severity: raw.severity ?? m.severity,
    title: m.title,
    message: raw.message,
    file: object.source.file,
    line: region.line,
    column: region.column,
    endLine: region.endLine,
    endColumn: region.endColumn,
    object: { apiVersion: object.apiVersion, kind: object.kind, ...(object.namespace ? { namespace: object.namespace } : {}), name: object.name },
    path: formatPath([...object.source.itemPath, ...raw.path]),
    remediation: m.remediation,
    references: m.references,
    category: m.category,
  };
  if (raw.container !== undefined) finding.container = raw.container;
  if (raw.fix) finding.fix = raw.fix;
  if (raw.pss) finding.pss = raw.pss;
  return finding;
}

type Plan = ReturnType<typeof makePlan>;
const plans = new WeakMap<readonly Check[], Plan>();

/** Groups checks by how they are invoked, so each object is visited once (memoized per list). */
function plan(checks: readonly Check[]): Plan {
  let p = plans.get(checks);
  if (!p) plans.set(checks, (p = makePlan(checks)));
  return p;
}

function makePlan(checks: readonly Check[]) {
  const pod = checks.filter((c) => c.scope === 'pod');
  const anyKind = checks.filter((c) => c.scope === 'object' && c.kinds === '*');
  const byKind = new Map<string, Check[]>();
  for (const c of checks) {
    if (c.scope !== 'object' || c.kinds === '*') continue;
    for (const k of c.kinds) {
      let l = byKind.get(k);
      if (!l) byKind.set(k, (l = []));
      l.push(c);
    }
  }
  const bundle = checks.filter((c) => c.scope === 'bundle');
  return { pod, anyKind, byKind, bundle };
}

export function evaluate(objects: readonly LoadedObject[], checks: readonly Check[], settings: Readonly<Record<string, unknown>> = {}, index = new ObjectIndex(objects)): EvaluateResult {
  const ctx: CheckContext = { index, settings };
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  const p = plan(checks);

  const run = (check: Check, object: LoadedObject | undefined, fn: () => Iterable<RawFinding>): void => {
    try {
      for (const raw of fn()) {
        const target = raw.object ?? object;
        if (target) findings.push(toFinding(check, raw, target));
      }
    } catch (e) {
      errors.push({
        file: object?.source.file ?? '<scan>',
        ...(object ? { line: object.source.locate([]).line, column: object.source.locate([]).column } : {}),
        message: `check ${check.meta.id} could not evaluate ${object ? `${object.kind} ${object.name}` : 'the scan'}: ${(e as Error).message}`,
      });
    }
  };

  for (const object of objects) {
    if (p.pod.length) {
      let pods: readonly ReturnType<ObjectIndex['podsOf']>[number][] = [];
      try {
        pods = index.podsOf(object);
      } catch (e) {
        errors.push({ file: object.source.file, message: `cannot read ${object.kind} ${object.name}: ${(e as Error).message}` });
      }
      for (const pod of pods) for (const c of p.pod) if (c.scope === 'pod') run(c, object, () => c.check(pod, ctx));
    }
    for (const c of p.anyKind) if (c.scope === 'object') run(c, object, () => c.check(object, ctx));
    for (const c of p.byKind.get(object.kind) ?? []) if (c.scope === 'object') run(c, object, () => c.check(object, ctx));
  }
  for (const c of p.bundle) if (c.scope === 'bundle') run(c, undefined, () => c.check(ctx));
  return { findings, errors };
}
