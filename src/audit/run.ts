/**
 * The audit pipeline: objects from a source in, findings out — the same engine and checks as
 * `scan`, run in passes so memory holds the global objects plus one batch of namespaces:
 *
 * 1. the global pass checks cluster-scoped objects, RBAC and ServiceAccounts (and cluster
 *    facts) against each other;
 * 2. each namespace batch is checked with the global objects beside it in the index (a pod's
 *    Namespace labels, the RBAC that grants its ServiceAccount power), and only the batch's own
 *    objects are reported, plus the Namespace objects that cross-object checks of the batch
 *    report on (a namespace without a default-deny policy).
 *
 * This gives the findings of one scan over all objects as long as a check of a namespaced
 * object reads only its own namespace and the global objects — true of every check today, and
 * held by the partition test in run.test.ts. Pods are folded into their controllers first.
 */
import { ObjectIndex } from '../engine/object-index.js';
import { RunsSummary, scanObjects, summarize, type FindingSink, type ScanOptions, type ScanResult } from '../engine/scan.js';
import type { Finding, ObjectRef } from '../engine/types.js';
import type { InputError, LoadedObject } from '../load/types.js';
import { liveObject } from '../cluster/objects.js';
import { GLOBAL_KINDS } from './catalogue.js';
import { foldIntoControllers } from './fold.js';
import { isControlPlaneObject } from '../controlplane/model.js';
import type { AuditSource, Gap, Json } from './source.js';

/** A finding about an object read from a cluster (or a dump of one): no file position. */
export interface AuditFinding extends Finding {
  origin: { cluster: string; uid?: string };
}

export interface AuditProgress {
  namespacesDone: number;
  namespacesTotal: number;
  objects: number;
  findings: number;
}

export interface AuditOptions {
  scan: ScanOptions;
  /** -n: report only these namespaces (and their Namespace objects). */
  namespaces?: readonly string[];
  /** --exclude-namespace. */
  exclude?: readonly string[];
  /**
   * Objects per evaluation pass (default 1,000). A namespace is never split. A pass's objects,
   * index and findings outlive a few young-generation collections and die in the old one: with
   * 5,000 a 30,400-object audit peaked 1.4× higher (docs/benchmarks.md).
   */
  batchObjects?: number;
  onProgress?: (p: AuditProgress) => void;
  /**
   * Receives every object the checks see (for --dump and reports): all global objects first
   * (reported or context), then each namespace's after folding.
   */
  onObject?: (o: Json, reported: boolean) => void;
  /**
   * Also report the RBAC objects the API server creates and reconciles itself (label
   * kubernetes.io/bootstrapping=rbac-defaults). By default they are context only: no manifest
   * holds them and no one can change them for long.
   */
  includeBootstrap?: boolean;
  /**
   * Runs before each pass with the objects it reports on: evidence the checks need that must be
   * fetched first (the image gate's registry lookups for these objects' images).
   */
  beforePass?: (objects: readonly LoadedObject[]) => Promise<void>;
  /** Also return the inventory of reported objects (scores and compliance in html/markdown/--framework). */
  inventory?: boolean;
  /**
   * Receives each pass's findings (made with compareAudit) instead of the result: memory then
   * holds one pass's findings, not all (result.findings is empty; the summary counts them).
   */
  spool?: FindingSink<AuditFinding>;
}

const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/** An object the API server maintains (the bootstrap RBAC policy). */
export function isBootstrapObject(o: LoadedObject): boolean {
  return o.labels[BOOTSTRAP_LABEL] === 'rbac-defaults';
}

export interface AuditResult extends ScanResult {
  findings: AuditFinding[];
  label: string;
  /** Namespaces whose objects were checked. */
  namespaces: number;
  /** Objects folded into their controllers, by kind. */
  folded: Record<string, number>;
  gaps: Gap[];
  /** Every reported object (with `inventory: true`): clean ones count in scores and compliance. */
  inventory?: ObjectRef[];
}

/** A LoadedObject for an object that has no file: positions are 0 (reporters print the path). */
export { liveObject };

function identityKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

function findingKey(f: Finding): string {
  return `${f.check}\u0000${identityKey(f.object.kind, f.object.namespace, f.object.name)}\u0000${f.path}\u0000${f.message}`;
}

function uidOf(o: LoadedObject): string | undefined {
  const uid = (o.object.metadata as { uid?: unknown } | undefined)?.uid;
  return typeof uid === 'string' && uid ? uid : undefined;
}

/** Report order: namespace, kind, name, then the field and check. */
export function compareAudit(a: Finding, b: Finding): number {
  // Field by field, without building keys: a large audit compares millions of times.
  return (
    order(a.object.namespace ?? '', b.object.namespace ?? '') ||
    order(a.object.kind, b.object.kind) ||
    order(a.object.name, b.object.name) ||
    order(a.path, b.path) ||
    order(a.check, b.check) ||
    order(a.message, b.message)
  );
}

function order(x: string, y: string): number {
  return x === y ? 0 : x < y ? -1 : 1;
}

export async function runAudit(source: AuditSource, opts: AuditOptions): Promise<AuditResult> {
  const only = opts.namespaces?.length ? new Set(opts.namespaces) : undefined;
  const exclude = new Set(opts.exclude ?? []);
  const inScope = (ns: string) => (!only || only.has(ns)) && !exclude.has(ns);
  const batchLimit = Math.max(1, opts.batchObjects ?? 1000);
  const label = source.label;

  const findings: AuditFinding[] = [];
  const errors: InputError[] = [];
  const warnings = new Set<string>();
  const folded: Record<string, number> = {};
  /** Findings already reported on Namespace objects (global pass and earlier batches). */
  const namespaceFindings = new Set<string>();
  let objectsChecked = 0;
  let namespacesChecked = 0;
  let namespacesDone = 0;
  let namespacesTotal = 0;

  let global: LoadedObject[] | undefined;
  const globalRaw: Json[] = [];

  const strings = new Map<string, string>();
  const intern = (v: string): string => {
    const known = strings.get(v);
    if (known !== undefined) return known;
    strings.set(v, v);
    return v;
  };
  /** Structured fixes by their JSON: a cluster repeats a few dozen, each finding had its own copy. */
  const fixes = new Map<string, NonNullable<Finding['fix']>>();
  const internFix = (fix: NonNullable<Finding['fix']>) => {
    const key = JSON.stringify(fix);
    const known = fixes.get(key);
    if (known) return known;
    fixes.set(key, fix);
    return fix;
  };

  let found = 0;
  const spooled = opts.spool ? new RunsSummary(compareAudit) : undefined;
  const progress = () => opts.onProgress?.({ namespacesDone, namespacesTotal, objects: objectsChecked, findings: found });
  const inventory: ObjectRef[] | undefined = opts.inventory ? [] : undefined;
  const record = (objects: readonly LoadedObject[], index: ObjectIndex) => {
    if (!inventory) return;
    for (const o of objects) {
      inventory.push({
        kind: o.kind,
        ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        name: o.name,
        workload: index.podsOf(o).length > 0,
        ...(isControlPlaneObject(o, index) ? { controlPlane: true } : {}),
      });
    }
  };

  const collect = (result: ScanResult, reported: (f: Finding) => boolean, objects: readonly LoadedObject[]) => {
    const uids = new Map<string, string | undefined>();
    for (const o of objects) uids.set(identityKey(o.kind, o.namespace, o.name), uidOf(o));
    // The findings of one object share its reference and origin: memory grows with findings.
    const shared = new Map<string, Pick<AuditFinding, 'object' | 'origin'>>();
    const pass: AuditFinding[] = [];
    for (const f of result.findings) {
      if (!reported(f)) continue;
      const key = identityKey(f.object.kind, f.object.namespace, f.object.name);
      let ref = shared.get(key);
      if (!ref) {
        const uid = uids.get(key);
        shared.set(key, (ref = { object: f.object, origin: { cluster: label, ...(uid ? { uid } : {}) } }));
      }
      f.object = ref.object;
      if (!opts.spool) {
        // Held to the end: replicas of one template, and objects made from one chart, repeat
        // messages and paths. (A spool holds a pass's findings only, and shares fixes itself.)
        f.message = intern(f.message);
        f.path = intern(f.path);
        if (f.fix) f.fix = internFix(f.fix);
      }
      pass.push(Object.assign(f, { origin: ref.origin }));
    }
    found += pass.length;
    if (opts.spool && spooled) {
      opts.spool.addRun(pass);
      spooled.add(pass);
    } else for (const f of pass) findings.push(f);
    errors.push(...result.errors);
    for (const w of result.warnings) warnings.add(w);
  };

  const globalPass = async () => {
    global = globalRaw.map((o) => liveObject(o, label));
    const reportable = global.filter((o) => {
      if (!opts.includeBootstrap && isBootstrapObject(o)) return false;
      if (o.namespace !== undefined) return inScope(o.namespace);
      if (o.kind === 'Namespace') return inScope(o.name);
      return !only; // with -n, cluster-scoped objects are context only
    });
    // Every global object, context included: a dump must rebuild the same index.
    if (opts.onObject) {
      const shown = new Set(reportable);
      for (const o of global) opts.onObject(o.object, shown.has(o));
    }
    namespacesTotal = global.filter((o) => o.kind === 'Namespace' && inScope(o.name)).length;
    const keys = new Set(reportable.map((o) => identityKey(o.kind, o.namespace, o.name)));
    await opts.beforePass?.(reportable);
    const index = new ObjectIndex(global);
    const result = scanObjects(reportable, { ...opts.scan, index });
    record(reportable, index);
    collect(
      result,
      (f) => {
        if (!keys.has(identityKey(f.object.kind, f.object.namespace, f.object.name))) return false;
        if (f.object.kind === 'Namespace') namespaceFindings.add(findingKey(f));
        return true;
      },
      reportable,
    );
    objectsChecked += reportable.length;
    progress();
  };

  let batch: LoadedObject[] = [];
  let batchNamespaces = new Set<string>();
  const flush = async () => {
    if (batchNamespaces.size === 0) return;
    const keys = new Set(batch.map((o) => identityKey(o.kind, o.namespace, o.name)));
    const namespaces = batchNamespaces;
    await opts.beforePass?.(batch);
    const index = new ObjectIndex([...(global ?? []), ...batch]);
    const result = scanObjects(batch, { ...opts.scan, index });
    record(batch, index);
    collect(
      result,
      (f) => {
        if (keys.has(identityKey(f.object.kind, f.object.namespace, f.object.name))) return true;
        // Cross-object checks of the batch report some findings on its Namespace objects.
        if (f.object.kind !== 'Namespace' || !namespaces.has(f.object.name)) return false;
        const k = findingKey(f);
        if (namespaceFindings.has(k)) return false;
        namespaceFindings.add(k);
        return true;
      },
      batch,
    );
    objectsChecked += batch.length;
    namespacesChecked += namespaces.size;
    batch = [];
    batchNamespaces = new Set();
    progress();
  };

  for await (const chunk of source.chunks()) {
    if (chunk.scope === 'global') {
      if (global) throw new Error(`internal: ${label} yielded global objects after namespaced ones`);
      for (const o of chunk.objects) globalRaw.push(o);
      continue;
    }
    if (!global) await globalPass();
    namespacesDone++;
    if (!inScope(chunk.namespace)) {
      progress();
      continue;
    }
    const { kept, folded: f } = foldIntoControllers(chunk.objects);
    for (const [kind, n] of f) folded[kind] = (folded[kind] ?? 0) + n;
    for (const o of kept) {
      // A namespaced kind that every namespace needs arrived late: it was not held globally.
      if (GLOBAL_KINDS.has(String(o.kind))) throw new Error(`internal: ${label} yielded ${String(o.kind)} with the objects of namespace ${chunk.namespace}`);
      opts.onObject?.(o, true);
      batch.push(liveObject(o, label));
    }
    batchNamespaces.add(chunk.namespace);
    if (batch.length >= batchLimit) await flush();
  }
  if (!global) await globalPass();
  await flush();
  namespacesDone = Math.max(namespacesDone, namespacesTotal);
  progress();

  findings.sort(compareAudit);
  return {
    findings,
    errors,
    warnings: [...source.warnings, ...warnings],
    summary: spooled ? spooled.summary(objectsChecked) : summarize(objectsChecked, findings),
    label,
    namespaces: namespacesChecked,
    folded,
    gaps: source.gaps,
    ...(inventory ? { inventory } : {}),
  };
}
