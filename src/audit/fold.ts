/**
 * Pods (and ReplicaSets, Jobs…) created by a controller are folded into it: the Deployment is
 * reported once, not each of its 300 replicas, and the finding points at the template an
 * operator can fix. An object is folded when it has a pod spec and its controlling owner is
 * among the objects of the same namespace and has a pod spec too; otherwise (bare pods,
 * static pods mirrored by the kubelet — owned by their Node — and pods of an operator whose
 * custom resource has no pod template) it is reported itself.
 */

type Json = Record<string, unknown>;

function map(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Does the object carry a pod spec (the shapes of k8s/pod-spec.ts)? */
export function hasPodSpec(o: Json): boolean {
  const spec = map(o.spec);
  const template = map(map(spec?.template)?.spec) ?? map(map(map(map(spec?.jobTemplate)?.spec)?.template)?.spec) ?? map(map(o.template)?.spec);
  const candidate = template ?? spec;
  return Array.isArray(candidate?.containers);
}

function uidOf(o: Json): string | undefined {
  const uid = map(o.metadata)?.uid;
  return typeof uid === 'string' && uid ? uid : undefined;
}

/** The uid of the object's controlling owner (ownerReferences with controller: true). */
export function controllerUid(o: Json): string | undefined {
  const refs = map(o.metadata)?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    const ref = map(r);
    if (ref?.controller === true && typeof ref.uid === 'string') return ref.uid;
  }
  return undefined;
}

export interface Folded {
  /** The objects to check. */
  kept: Json[];
  /** How many objects were folded into their controllers, by kind. */
  folded: Map<string, number>;
}

/** Folds the objects of one namespace. Order is kept. */
export function foldIntoControllers(objects: readonly Json[]): Folded {
  const templated = new Set<string>();
  for (const o of objects) {
    const uid = uidOf(o);
    if (uid && hasPodSpec(o)) templated.add(uid);
  }
  const kept: Json[] = [];
  const folded = new Map<string, number>();
  for (const o of objects) {
    const owner = controllerUid(o);
    if (owner !== undefined && templated.has(owner) && hasPodSpec(o)) {
      const kind = String(o.kind);
      folded.set(kind, (folded.get(kind) ?? 0) + 1);
      continue;
    }
    kept.push(o);
  }
  return { kept, folded };
}
