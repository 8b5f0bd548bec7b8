/**
 * What is taken away from an object read from a cluster before it is checked, and why. Each rule
 * removes only what the API server or kubectl wrote, never what the object's author wrote, so
 * `audit` and `scan` judge the same intent (the parity suite in test/e2e/audit.test.ts holds
 * them to it); the apiserver's other defaults stay, and the differences they make are listed and
 * explained there.
 */
type Json = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Kinds whose status a check reads (addresses and versions of Nodes, LoadBalancer ingress of Services). */
const STATUS_READ = new Set(['Node', 'Service']);

/** Where pod specs sit (as in k8s/pod-spec.ts). */
const POD_SPEC_PATHS: readonly (readonly string[])[] = [['spec'], ['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['template', 'spec']];

function map(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function at(o: Json, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = o;
  for (const k of path) {
    cur = map(cur?.[k]);
    if (!cur) return undefined;
  }
  return cur;
}

/**
 * Normalizes in place and returns the object:
 * - `metadata.managedFields`: server-side apply bookkeeping (often the largest part of an object);
 * - the last-applied-configuration annotation: kubectl's copy of the object as applied, which
 *   would be checked twice, and for a Secret holds its values in plain text;
 * - `status`, except where a check reads it: what the cluster observed, not what was asked for;
 * - Secret `data`/`stringData` (a `kubectl get -o json` dump has them): audit never reads Secret
 *   values; a Secret listed by type keeps that type;
 * - a pod spec's `serviceAccount` equal to its `serviceAccountName`: the API server writes the
 *   deprecated alias on every read, so it says nothing about the manifest.
 */
export function normalize(o: Json, opts: { secretType?: string } = {}): Json {
  const meta = map(o.metadata);
  if (meta) {
    delete meta.managedFields;
    const ann = map(meta.annotations);
    if (ann && LAST_APPLIED in ann) {
      delete ann[LAST_APPLIED];
      if (Object.keys(ann).length === 0) delete meta.annotations;
    }
  }
  const kind = o.kind;
  if (typeof kind === 'string' && !STATUS_READ.has(kind)) delete o.status;
  if (kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined)) {
    delete o.data;
    delete o.stringData;
    if (opts.secretType && o.type === undefined) o.type = opts.secretType;
    return o;
  }
  for (const path of POD_SPEC_PATHS) {
    const spec = at(o, path);
    if (!spec || !Array.isArray(spec.containers)) continue;
    if (typeof spec.serviceAccount === 'string' && spec.serviceAccount === spec.serviceAccountName) delete spec.serviceAccount;
    break;
  }
  return o;
}
