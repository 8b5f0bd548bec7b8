/**
 * Which policy each check's CEL lands in. Policies are made per built-in kind (one per pod shape,
 * one per object kind), so the API server type-checks every expression against that kind's
 * schema, and every check that applies to a kind sits in the same policy: the API server
 * returns only the first denying policy's message, and that message must name every failed check.
 */
import type { Check } from '../engine/types.js';
import { POD_SHAPES, type CelForm, type PodShape } from '../k8s/cel.js';

/** A built-in kind that object checks look at. */
export interface KindTarget {
  kind: string;
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

/** Kinds object checks may name, with the resource a policy matches them by. */
export const OBJECT_KINDS: readonly KindTarget[] = [
  { kind: 'Service', group: '', version: 'v1', resource: 'services', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', resource: 'secrets', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', namespaced: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', namespaced: true },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', namespaced: false },
];

/** One policy's target: a pod shape (which may also take object checks of its kind) or an object kind. */
export type Target = { type: 'pod'; shape: PodShape } | { type: 'object'; kind: KindTarget };

export function targetKind(t: Target): string {
  return t.type === 'pod' ? t.shape.kind : t.kind.kind;
}

export function targetResource(t: Target): { group: string; version: string; resources: string[] } {
  if (t.type === 'pod') return { group: t.shape.group, version: t.shape.version, resources: [t.shape.resource, ...(t.shape.subresources ?? [])] };
  return { group: t.kind.group, version: t.kind.version, resources: [t.kind.resource] };
}

/** Every target a kind name can mean (pod shapes first: a Pod object check joins the Pod policy). */
export function targetOfKind(kind: string): Target | undefined {
  const shape = POD_SHAPES.find((s) => s.kind === kind);
  if (shape) return { type: 'pod', shape };
  const k = OBJECT_KINDS.find((x) => x.kind === kind);
  return k ? { type: 'object', kind: k } : undefined;
}

/** Where a check can go, or why it cannot be exported. */
export type Placement =
  | { ok: true; targets: Target[]; form: Exclude<CelForm, { form: 'unsupported' }>; leftOut?: { kinds: string[]; reason: string } }
  | { ok: false; reason: string };

export function placementOf(check: Check): Placement {
  if (check.scope === 'bundle') return { ok: false, reason: 'cross-object: it judges the manifest set as a whole, and admission sees one object' };
  if (check.meta.setDependent) return { ok: false, reason: 'set-dependent: its verdict depends on the other objects of the manifest set, which admission does not see' };
  const form = check.cel;
  if (!form) return { ok: false, reason: 'it declares no CEL form' };
  if (form.form === 'unsupported') return { ok: false, reason: form.reason };
  if (form.form === 'pod') {
    if (check.scope !== 'pod') return { ok: false, reason: 'its CEL form is for pod specs but the check is not a pod check' };
    const wanted = form.shapes;
    const targets: Target[] = POD_SHAPES.filter((s) => !wanted || wanted.includes(s.kind)).map((shape) => ({ type: 'pod', shape }));
    const left = POD_SHAPES.filter((s) => wanted && !wanted.includes(s.kind)).map((s) => s.kind);
    return { ok: true, targets, form, ...(left.length ? { leftOut: { kinds: left, reason: form.shapesReason ?? 'not expressible for them' } } : {}) };
  }
  if (check.scope !== 'object') return { ok: false, reason: 'its CEL form is for objects but the check is not an object check' };
  if (check.kinds === '*') return { ok: false, reason: 'it applies to every kind, which no typed policy can match' };
  const targets: Target[] = [];
  const unknown: string[] = [];
  for (const k of check.kinds) {
    const target = targetOfKind(k);
    if (target) targets.push(target);
    else unknown.push(k);
  }
  if (targets.length === 0) return { ok: false, reason: `no built-in kind to match (${unknown.join(', ')})` };
  return { ok: true, targets, form, ...(unknown.length ? { leftOut: { kinds: unknown, reason: 'not a built-in kind the export knows' } } : {}) };
}
