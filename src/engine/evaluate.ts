/**
 * Runs checks over objects. Pure: objects and checks in, located findings out. A check that
 * throws on a strange object becomes an error entry; it never loses the other results.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { formatPath } from '../k8s/json.js';
import { ObjectIndex } from './object-index.js';
import type { PodTarget } from '../k8s/pod-spec.js';
import type { PreparedRun } from './run.js';
import { severityRank, type Check, type CheckContext, type Finding, type ObjectCheck, type RawFinding, type SettingsSchema, type Severity } from './types.js';

export interface EvaluateResult {
  findings: Finding[];
  errors: InputError[];
}

export function toFinding(check: Check, raw: RawFinding, object: LoadedObject): Finding {
  const region = object.source.locate(raw.path);
  const m = check.meta;
  const itemPath = object.source.itemPath;
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
    path: formatPath(itemPath.length ? [...itemPath, ...raw.path] : raw.path),
    remediation: m.remediation,
    references: m.references,
    category: m.category,
  };
  if (raw.container !== undefined) finding.container = raw.container;
  if (raw.fix) finding.fix = raw.fix;
  if (raw.pss) finding.pss = raw.pss;
  return finding;
}

export interface EvaluateOptions {
  /**
   * Findings below this severity (after per-finding and configured severities) are dropped
   * before they are located and built: for callers that act only on the rest (the webhook,
   * whose deny and warn lines ignore them). The checks still run, so errors are the same.
   */
  minSeverity?: Severity;
}

export function evaluate(
  objects: readonly LoadedObject[],
  run: Pick<PreparedRun, 'plan' | 'settings' | 'catalog'>,
  index = new ObjectIndex(objects),
  opts: EvaluateOptions = {},
): EvaluateResult {
  const ctx: CheckContext<SettingsSchema> = { index, settings: run.settings, known: run.catalog };
  const p = run.plan;
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  const minRank = opts.minSeverity ? severityRank(opts.minSeverity) : 0;

  // Checks are called directly in the loops below, with no closure per call: this runs ~100
  // times per object, and the webhook runs it on every request.
  const collect = (check: Check, raws: Iterable<RawFinding>, object: LoadedObject | undefined): void => {
    for (const raw of raws) {
      if (minRank > 0 && severityRank(raw.severity ?? check.meta.severity) < minRank) continue;
      const target = raw.object ?? object;
      if (target) findings.push(toFinding(check, raw, target));
    }
  };
  const failed = (check: Check, object: LoadedObject | undefined, e: unknown): void => {
    const at = object?.source.locate([]);
    errors.push({
      file: object?.source.file ?? '<scan>',
      ...(at ? { line: at.line, column: at.column } : {}),
      message: `check ${check.meta.id} could not evaluate ${object ? `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}` : 'the scan'}: ${(e as Error).message}`,
    });
  };

  const runObjectChecks = (list: readonly ObjectCheck<SettingsSchema>[], object: LoadedObject): void => {
    for (const c of list) {
      try {
        collect(c, c.check(object, ctx), object);
      } catch (e) {
        failed(c, object, e);
      }
    }
  };

  for (const object of objects) {
    if (p.pod.length) {
      let pods: readonly PodTarget[] = [];
      try {
        pods = index.podsOf(object);
      } catch (e) {
        const at = object.source.locate([]);
        errors.push({ file: object.source.file, line: at.line, column: at.column, message: `cannot read ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}: ${(e as Error).message}` });
      }
      for (const pod of pods) {
        for (const c of p.pod) {
          try {
            collect(c, c.check(pod, ctx), object);
          } catch (e) {
            failed(c, object, e);
          }
        }
      }
    }
    runObjectChecks(p.anyKind, object);
    const byKind = p.byKind.get(object.kind);
    if (byKind) runObjectChecks(byKind, object);
  }
  for (const c of p.bundle) {
    try {
      collect(c, c.check(ctx), undefined);
    } catch (e) {
      failed(c, undefined, e);
    }
  }
  return { findings, errors };
}
