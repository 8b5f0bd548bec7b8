/**
 * `-n NAMESPACE` for objects read from files, with `kubectl apply -n` semantics: a namespaced object
 * that names no namespace is put in it; objects that name one keep theirs; cluster-scoped kinds
 * have none. Without it such objects land in "default", as `kubectl apply` without -n would put them.
 */
import type { KubeObject, LoadedObject } from './types.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object as if its metadata named `namespace` (built on first read, like the original). */
function inNamespace(o: LoadedObject, namespace: string): LoadedObject {
  let object: KubeObject | undefined;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace,
    labels: o.labels,
    annotations: o.annotations,
    source: o.source,
    get object(): KubeObject {
      if (!object) {
        const original = o.object;
        object = { ...original, metadata: { ...(isMap(original.metadata) ? original.metadata : {}), namespace } };
      }
      return object;
    },
  };
}

export interface NamespaceResult {
  objects: LoadedObject[];
  /** Objects that name another namespace: `kubectl apply -n` would refuse them. */
  conflicts: LoadedObject[];
}

/** `clusterScoped(kind)`: kinds that have no namespace (the caller knows the Kubernetes kinds). */
export function applyNamespace(objects: readonly LoadedObject[], namespace: string, clusterScoped: (kind: string) => boolean): NamespaceResult {
  const out: LoadedObject[] = [];
  const conflicts: LoadedObject[] = [];
  for (const o of objects) {
    if (clusterScoped(o.kind)) out.push(o);
    else if (o.namespace === undefined) out.push(inNamespace(o, namespace));
    else {
      if (o.namespace !== namespace) conflicts.push(o);
      out.push(o);
    }
  }
  return { objects: out, conflicts };
}

/** The warning for objects -n does not move (kubectl apply -n would refuse them). */
export function namespaceConflictText(o: LoadedObject, namespace: string): string {
  const at = o.source.locate(['metadata', 'namespace']);
  return `${o.source.file}:${at.line}: ${o.kind} ${o.namespace}/${o.name} names namespace "${o.namespace}", not "${namespace}" (-n): scanned in its own namespace; kubectl apply -n ${namespace} would refuse it`;
}
