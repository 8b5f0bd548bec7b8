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
  const evaluation = new Evaluation(run, index, opts);
  evaluation.objects(objects);
  evaluation.bundle();
  return evaluation.take();
}

/**
 * An evaluation that can be taken in parts: the object checks of some objects, then of others,
 * then the bundle checks once, each part's findings taken before the next (a scan too large to
 * hold its findings hands them on pass by pass: scan.ts). The parts in order give exactly what
 * evaluate() gives at once.
 */
export class Evaluation {
  private readonly ctx: CheckContext<SettingsSchema>;
  private readonly plan: PreparedRun['plan'];
  private readonly minRank: number;
  private findings: Finding[] = [];
  private errors: InputError[] = [];

  constructor(
    run: Pick<PreparedRun, 'plan' | 'settings' | 'catalog'>,
    private readonly index: ObjectIndex,
    opts: EvaluateOptions = {},
  ) {
    this.ctx = { index, settings: run.settings, known: run.catalog };
    this.plan = run.plan;
    this.minRank = opts.minSeverity ? severityRank(opts.minSeverity) : 0;
  }

  /** The findings and errors since the last take. */
  take(): EvaluateResult {
    const taken = { findings: this.findings, errors: this.errors };
    this.findings = [];
    this.errors = [];
    return taken;
  }

  // Checks are called directly in the loops below, with no closure per call: this runs ~100
  // times per object, and the webhook runs it on every request.
  private collect(check: Check, raws: Iterable<RawFinding>, object: LoadedObject | undefined): void {
    for (const raw of raws) {
      if (this.minRank > 0 && severityRank(raw.severity ?? check.meta.severity) < this.minRank) continue;
      const target = raw.object ?? object;
      if (target) this.findings.push(toFinding(check, raw, target));
    }
  }

  private failed(check: Check, object: LoadedObject | undefined, e: unknown): void {
    const at = object?.source.locate([]);
    this.errors.push({
      file: object?.source.file ?? '<scan>',
      ...(at ? { line: at.line, column: at.column } : {}),
      message: `check ${check.meta.id} could not evaluate ${object ? `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}` : 'the scan'}: ${(e as Error).message}`,
    });
  }

  private runObjectChecks(list: readonly ObjectCheck<SettingsSchema>[], object: LoadedObject): void {
    for (const c of list) {
      try {
        this.collect(c, c.check(object, this.ctx), object);
      } catch (e) {
        this.failed(c, object, e);
      }
    }
  }

  /** The pod and object checks of `objects`. */
  objects(objects: readonly LoadedObject[]): void {
    const p = this.plan;
    for (const object of objects) {
      if (p.pod.length) {
        let pods: readonly PodTarget[] = [];
        try {
          pods = this.index.podsOf(object);
        } catch (e) {
          const at = object.source.locate([]);
          this.errors.push({ file: object.source.file, line: at.line, column: at.column, message: `cannot read ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}: ${(e as Error).message}` });
        }
        for (const pod of pods) {
          for (const c of p.pod) {
            try {
              this.collect(c, c.check(pod, this.ctx), object);
            } catch (e) {
              this.failed(c, object, e);
            }
          }
        }
      }
      this.runObjectChecks(p.anyKind, object);
      const byKind = p.byKind.get(object.kind);
      if (byKind) this.runObjectChecks(byKind, object);
    }
  }

  /** The checks of the whole set (once, after every object's). */
  bundle(): void {
    for (const c of this.plan.bundle) {
      try {
        this.collect(c, c.check(this.ctx), undefined);
      } catch (e) {
        this.failed(c, undefined, e);
      }
    }
  }
}
