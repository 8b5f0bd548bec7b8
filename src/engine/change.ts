/**
 * Change checks (scope `change`): run by admission on an object and the version it replaces, with
 * the run's settings; findings are built like every other check's. A check that throws becomes
 * an error entry, as in evaluate.ts.
 */
import type { LoadedObject } from '../load/types.js';
import { toFinding, type EvaluateResult } from './evaluate.js';
import type { ObjectIndex } from './object-index.js';
import type { PreparedRun } from './run.js';
import type { Finding, SettingsSchema, CheckContext } from './types.js';

export function evaluateChange(object: LoadedObject, before: LoadedObject | undefined, run: Pick<PreparedRun, 'plan' | 'settings' | 'catalog'>, index: ObjectIndex): EvaluateResult {
  const findings: Finding[] = [];
  const errors: EvaluateResult['errors'] = [];
  const ctx: CheckContext<SettingsSchema> = { index, settings: run.settings, known: run.catalog };
  for (const c of run.plan.change.get(object.kind) ?? []) {
    try {
      for (const raw of c.check({ object, before }, ctx)) findings.push(toFinding(c, raw, raw.object ?? object));
    } catch (e) {
      errors.push({ file: object.source.file, message: `check ${c.meta.id} could not evaluate ${object.kind} ${object.name}: ${(e as Error).message}` });
    }
  }
  return { findings, errors };
}
