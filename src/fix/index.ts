/**
 * `fix`: the structured remediations of the reported findings, applied as minimal YAML edits.
 *
 * Texts in, texts out (the CLI reads and writes files). The same scan as `kubeharden scan`
 * decides what is reported (config, suppressions, --checks); the fixes are data the checks
 * attach to their findings. Fixing runs in rounds until nothing changes, so a second run
 * never finds more to do (idempotence), and what is left is reported with the reason and the
 * check's advice.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { parseManifestText } from '../load/documents.js';
import { scanObjects, type ScanOptions } from '../engine/scan.js';
import type { Finding, RemediationOp } from '../engine/types.js';
import { getIn } from '../k8s/json.js';
import { fieldTypeFindings } from '../k8s/field-types.js';
import { append } from '../load/append.js';
import { editFileText } from './file.js';
import { deepEqual } from './json-ops.js';
import { userSwitchAdvice } from './user-switch.js';
import type { EditOutcome } from './yaml-edit.js';

export { editFileText } from './file.js';

export interface FixInput {
  file: string;
  text: string;
}

export interface FixOptions {
  /** The scan whose findings are fixed: its checks (the CLI passes the registry's) and configuration. */
  scan: ScanOptions;
  /**
   * Also apply operations that reverse a value the manifest sets explicitly (`overwrite`
   * sets such as privileged: true → false, and removals such as an added capability).
   */
  overwrite?: boolean;
  /** Rounds of scan → edit (default 6); each round only runs when the previous changed something. */
  maxRounds?: number;
}

export interface FixedFile {
  file: string;
  before: string;
  after: string;
  changed: boolean;
  /** Edit operations applied in this file. */
  applied: number;
}

export interface Remaining {
  finding: Finding;
  /** Why it is still there: no automatic fix (with the advice), or why the fix was not applied. */
  reason: string;
  /** The finding has a structured fix that --overwrite would apply. */
  needsOverwrite?: boolean;
}

export interface FixResult {
  files: FixedFile[];
  /** Findings of the first scan that the last scan no longer reports. */
  fixed: Finding[];
  /** Unsuppressed findings of the last scan. */
  remaining: Remaining[];
  errors: InputError[];
  /** Pod templates without containers (not evaluated). */
  warnings: string[];
  rounds: number;
}

/**
 * Operations that undo something the author wrote in `object` (a different explicit value
 * overwritten, a list item removed); applied only with `overwrite`. An `overwrite` set of a
 * field the manifest leaves unset only adds.
 */
export function overridesExplicitValue(op: RemediationOp, object: unknown): boolean {
  const current = getIn(object, op.path);
  if (op.op === 'remove-item') return Array.isArray(current) && current.some((x) => deepEqual(x, op.value));
  if (op.op === 'set' && op.overwrite) return current !== undefined && current !== null && !deepEqual(current, op.value);
  return false;
}

/** What fix never writes, whatever a check suggests: sizes and image references need a human. */
export function guesses(op: RemediationOp): string | undefined {
  if (op.path.some((s) => s === 'resources')) return 'resource sizes depend on the workload; kubeharden does not guess them';
  if (op.path[op.path.length - 1] === 'image') return 'image references (tags, digests) must come from your registry; kubeharden does not guess them';
  return undefined;
}

export function findingKey(f: Finding): string {
  return [f.check, f.file, f.object.kind, f.object.namespace ?? '', f.object.name, f.container ?? '', f.path].join('\u0000');
}

function objectKey(file: string, kind: string, namespace: string | undefined, name: string): string {
  return [file, kind, namespace ?? '', name].join('\u0000');
}

/** The loaded object a finding belongs to (by identity; by position among duplicates). */
function objectOf(f: Finding, byKey: Map<string, LoadedObject[]>): LoadedObject | undefined {
  const list = byKey.get(objectKey(f.file, f.object.kind, f.object.namespace, f.object.name));
  if (!list || list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return list.find((o) => {
    const r = o.source.locate([]);
    return f.line >= r.line && f.line <= r.endLine;
  });
}

interface Loaded {
  objects: LoadedObject[];
  errors: InputError[];
}

/** Parsed files by text: between rounds only the files that changed are parsed again. */
type ParseCache = Map<string, { text: string; parsed: Loaded }>;

function loadAll(texts: Map<string, string>, cache: ParseCache): Loaded {
  const objects: LoadedObject[] = [];
  const errors: InputError[] = [];
  for (const [file, text] of texts) {
    let hit = cache.get(file);
    if (!hit || hit.text !== text) {
      hit = { text, parsed: parseManifestText(text, file) };
      cache.set(file, hit);
    }
    append(objects, hit.parsed.objects);
    append(errors, hit.parsed.errors);
  }
  return { objects, errors };
}

function scan(texts: Map<string, string>, opts: FixOptions, cache: ParseCache): { findings: Finding[]; loaded: Loaded; scanErrors: InputError[] } {
  const loaded = loadAll(texts, cache);
  const r = scanObjects(loaded.objects, opts.scan);
  return { findings: r.findings.filter((f) => !f.suppressed), loaded, scanErrors: r.errors };
}

/** Findings that another kubeharden command resolves: say which, rather than only what. */
export const HINTS: Readonly<Record<string, string>> = {
  'NET-NO-NETPOL': 'kubeharden generate networkpolicies (default deny, DNS, --allow FROM->TO:PORT) or kubeharden harden',
  'NET-NS-DEFAULT-DENY': 'kubeharden generate networkpolicies (or generate namespace NAME) adds default-deny ingress and egress',
  'SA-DEFAULT-USED': 'kubeharden generate serviceaccounts gives each workload its own ServiceAccount',
  'META-DEFAULT-NS': 'kubeharden harden --namespace NAME (or generate namespace NAME and set metadata.namespace)',
  'PSS-NAMESPACE-NO-ENFORCE': 'kubeharden generate namespace NAME --pss restricted, or harden, labels the namespace',
};

const OUTCOME_REASON: Partial<Record<EditOutcome, string>> = {
  impossible: 'the fix does not fit this manifest (a value on the way is not a map or list)',
};

/** Applies the fixes of the reported findings to `inputs` (texts, not files). */
export function fixTexts(inputs: readonly FixInput[], opts: FixOptions): FixResult {
  const texts = new Map(inputs.map((i) => [i.file, i.text]));
  const appliedByFile = new Map<string, number>();
  const reasons = new Map<string, { reason: string; needsOverwrite?: boolean }>();
  const maxRounds = opts.maxRounds ?? 6;

  const cache: ParseCache = new Map();
  let current = scan(texts, opts, cache);
  const initial = current.findings;
  const errors: InputError[] = [...current.loaded.errors];
  // Wrongly typed fields: the API server would refuse the object, whatever fix does to it.
  const typed = fieldTypeFindings(current.loaded.objects);
  append(errors, typed.errors);
  let rounds = 0;

  while (rounds < maxRounds) {
    rounds++;
    const byKey = new Map<string, LoadedObject[]>();
    for (const o of current.loaded.objects) {
      const k = objectKey(o.source.file, o.kind, o.namespace, o.name);
      const l = byKey.get(k);
      if (l) l.push(o);
      else byKey.set(k, [o]);
    }
    // file → document → ordered unique ops, each remembering the findings it serves.
    const plan = new Map<string, Map<number, Map<string, { op: RemediationOp; findings: Finding[] }>>>();
    // Fixes of different checks often overlap (drop ALL and drop NET_RAW; a PSS finding and the
    // catalogue check it mirrors). Within a round, a finding that would edit a path another one
    // already edits, or a PSS finding on an object another fix changes, waits for the next round,
    // whose scan tells whether it is still needed.
    const touchedPaths = new Set<string>();
    const touchedObjects = new Set<LoadedObject>();
    const ordered = [...current.findings.filter((f) => !f.check.startsWith('PSS-')), ...current.findings.filter((f) => f.check.startsWith('PSS-'))];
    let deferred = false;
    for (const f of ordered) {
      if (!f.fix) continue;
      const key = findingKey(f);
      const blocked = f.fix.ops.map(guesses).find((g) => g !== undefined);
      if (blocked) {
        reasons.set(key, { reason: blocked });
        continue;
      }
      const obj = objectOf(f, byKey);
      if (!obj) continue;
      const advice = f.fix.ops.map((op) => userSwitchAdvice(op, obj.object)).find((a) => a !== undefined);
      if (advice) {
        reasons.set(key, { reason: advice });
        continue;
      }
      if (!opts.overwrite && f.fix.ops.some((op) => overridesExplicitValue(op, obj.object))) {
        reasons.set(key, { reason: `the fix (${f.fix.description}) changes a value the manifest sets explicitly; review it and re-run with --overwrite`, needsOverwrite: true });
        continue;
      }
      const fullOps = f.fix.ops.map((op) => ({ ...op, path: [...obj.source.itemPath, ...op.path] }) as RemediationOp);
      const pathKeys = fullOps.map((op) => `${obj.source.file}\u0000${obj.source.documentIndex}\u0000${JSON.stringify(op.path)}`);
      let docs = plan.get(obj.source.file);
      let ops = docs?.get(obj.source.documentIndex);
      const same = (op: RemediationOp): boolean => ops?.has(JSON.stringify(op)) === true;
      const clash = pathKeys.some((k, i) => touchedPaths.has(k) && !same(fullOps[i]));
      if (clash || (f.check.startsWith('PSS-') && touchedObjects.has(obj) && !fullOps.every(same))) {
        deferred = true;
        continue;
      }
      if (!docs) plan.set(obj.source.file, (docs = new Map()));
      if (!ops) docs.set(obj.source.documentIndex, (ops = new Map()));
      fullOps.forEach((full, i) => {
        touchedPaths.add(pathKeys[i]);
        const k = JSON.stringify(full);
        const entry = ops.get(k);
        if (entry) entry.findings.push(f);
        else ops.set(k, { op: full, findings: [f] });
      });
      touchedObjects.add(obj);
    }

    let changed = false;
    for (const [file, docs] of plan) {
      const text = texts.get(file);
      if (text === undefined) continue;
      const opsByDoc = new Map([...docs].map(([i, m]) => [i, [...m.values()].map((e) => e.op)]));
      const r = editFileText(text, opsByDoc);
      if (r.error) errors.push({ file, message: `not fixed: ${r.error}` });
      for (const d of r.documents) {
        const entries = [...(docs.get(d.documentIndex)?.values() ?? [])];
        d.results.forEach((res, i) => {
          if (res.outcome === 'applied' || res.outcome === 'unchanged') return;
          const reason = res.reason ?? OUTCOME_REASON[res.outcome] ?? res.outcome;
          for (const f of entries[i]?.findings ?? []) reasons.set(findingKey(f), { reason: `fix not applied: ${reason}` });
        });
        if (r.changed) appliedByFile.set(file, (appliedByFile.get(file) ?? 0) + d.results.filter((x) => x.outcome === 'applied').length);
      }
      if (r.changed) {
        texts.set(file, r.text);
        changed = true;
      }
    }
    if (!changed && !deferred) break;
    if (changed) current = scan(texts, opts, cache);
    else break;
  }

  const finalKeys = new Set(current.findings.map(findingKey));
  const fixed = initial.filter((f) => !finalKeys.has(findingKey(f)));
  const remaining: Remaining[] = current.findings.map((f) => {
    const r = reasons.get(findingKey(f));
    if (r) return { finding: f, ...r };
    if (!f.fix) return { finding: f, reason: `no automatic fix: ${HINTS[f.check] ?? f.remediation}` };
    return { finding: f, reason: 'the fix did not resolve it; change it by hand' };
  });
  return {
    files: inputs.map((i) => {
      const after = texts.get(i.file) ?? i.text;
      return { file: i.file, before: i.text, after, changed: after !== i.text, applied: appliedByFile.get(i.file) ?? 0 };
    }),
    fixed,
    remaining,
    errors: append(errors, current.scanErrors),
    warnings: typed.warnings,
    rounds,
  };
}
