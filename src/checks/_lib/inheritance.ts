/**
 * Groups the containers of a pod by where an offending effective value comes from, so a check
 * reports a container's own field once per container, a pod-level field once (naming the
 * containers that inherit it), and can tell a pod-level value that every container overrides.
 * Inheritance itself is resolved only by `effective()` in k8s/security-context.ts.
 */
import type { Path } from '../../load/types.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import { effective, podSecurityContext, type InheritedField, type Resolved } from '../../k8s/security-context.js';
import { describeContainer } from './pod.js';

export interface Offenders {
  /** Containers whose own securityContext sets an offending value. */
  own: Array<{ c: ContainerRef; r: Resolved }>;
  /** Containers that inherit an offending pod-level value. */
  inherited: ContainerRef[];
  /** Containers where neither level sets the field and `bad(undefined)` is true. */
  unset: ContainerRef[];
  /** The pod-level field, when it holds an offending value (inherited or not). */
  pod?: { path: Path; value: unknown };
}

export function offenders(pod: PodTarget, field: InheritedField, bad: (value: unknown) => boolean, containers: readonly ContainerRef[] = pod.containers): Offenders {
  const out: Offenders = { own: [], inherited: [], unset: [] };
  const podValue = podSecurityContext(pod)?.[field];
  if (podValue !== undefined && podValue !== null && bad(podValue)) out.pod = { path: [...pod.specPath, 'securityContext', field], value: podValue };
  for (const c of containers) {
    const r = effective(pod, c, field);
    if (!bad(r.value)) continue;
    if (r.from === 'container') out.own.push({ c, r });
    else if (r.from === 'pod') out.inherited.push(c);
    else out.unset.push(c);
  }
  return out;
}

/** `container "app", init container "setup"`. */
export function describeContainers(cs: readonly ContainerRef[]): string {
  return cs.map(describeContainer).join(', ');
}
