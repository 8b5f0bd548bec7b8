/**
 * The one place that resolves a container's effective security settings: the container's
 * securityContext field when set, else the pod's (for fields that exist at both levels).
 * Checks never re-implement this inheritance (the most common bug of other scanners).
 */
import type { Path } from '../load/types.js';
import { asMap } from './json.js';
import type { ContainerRef, PodTarget } from './pod-spec.js';

/** Fields of SecurityContext that PodSecurityContext also has (and so are inherited). */
export type InheritedField = 'runAsUser' | 'runAsGroup' | 'runAsNonRoot' | 'seLinuxOptions' | 'seccompProfile' | 'appArmorProfile' | 'windowsOptions';
/** Fields that exist only on the container's securityContext. */
export type ContainerOnlyField = 'privileged' | 'allowPrivilegeEscalation' | 'capabilities' | 'readOnlyRootFilesystem' | 'procMount';

export interface Resolved<T = unknown> {
  readonly value: T | undefined;
  /** Where the value was found; 'unset' when neither level sets it. */
  readonly from: 'container' | 'pod' | 'unset';
  /** Path of the field that decided (or of the container's securityContext field when unset). */
  readonly path: Path;
}

export function podSecurityContext(pod: PodTarget): Record<string, unknown> | undefined {
  return asMap(pod.spec.securityContext);
}

export function containerSecurityContext(c: ContainerRef): Record<string, unknown> | undefined {
  return asMap(c.spec.securityContext);
}

/**
 * A resolved field whose path is built on first read: most checks only look at the value, and
 * this runs for every field they read of every container, on every request the webhook gets.
 */
class Resolution<T> implements Resolved<T> {
  readonly value: T | undefined;
  readonly from: Resolved['from'];
  #base: Path;
  #field: string;
  #path: Path | undefined;

  constructor(value: T | undefined, from: Resolved['from'], base: Path, field: string) {
    this.value = value;
    this.from = from;
    this.#base = base;
    this.#field = field;
  }

  get path(): Path {
    return (this.#path ??= [...this.#base, 'securityContext', this.#field]);
  }
}

/** Effective value of a field: container first, then pod. */
export function effective<T = unknown>(pod: PodTarget, c: ContainerRef, field: InheritedField | ContainerOnlyField): Resolved<T> {
  const csc = containerSecurityContext(c);
  if (csc && csc[field] !== undefined && csc[field] !== null) return new Resolution(csc[field] as T, 'container', c.path, field);
  if (!isContainerOnly(field)) {
    const psc = podSecurityContext(pod);
    if (psc && psc[field] !== undefined && psc[field] !== null) return new Resolution(psc[field] as T, 'pod', pod.specPath, field);
  }
  return new Resolution<T>(undefined, 'unset', c.path, field);
}

const CONTAINER_ONLY = new Set<string>(['privileged', 'allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'procMount']);
function isContainerOnly(field: string): field is ContainerOnlyField {
  return CONTAINER_ONLY.has(field);
}

/** The container's capabilities.add / drop lists (container-only fields). */
export function capabilities(c: ContainerRef): { add: string[]; drop: string[]; path: Path } {
  const caps = asMap(containerSecurityContext(c)?.capabilities);
  return { add: stringsOf(caps?.add), drop: stringsOf(caps?.drop), path: [...c.path, 'securityContext', 'capabilities'] };
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
