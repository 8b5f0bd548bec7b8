/** Small shared helpers for pod and container checks. */
import type { Path } from '../../load/types.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import type { RawFinding, StructuredRemediation } from '../../engine/types.js';

/** `container "app"` / `init container "setup"` / `ephemeral container "debug"` for messages. */
export function describeContainer(c: ContainerRef): string {
  const kind = c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${kind} "${c.name}"`;
}

/** Builds a container finding. */
export function containerFinding(c: ContainerRef, message: string, path: Path, fix?: StructuredRemediation): RawFinding {
  return { message, path, container: c.name, ...(fix ? { fix } : {}) };
}

/** A remediation that sets one container-level securityContext field (never overriding the user). */
export function setContainerField(c: ContainerRef, field: string, value: boolean | number | string, description: string): StructuredRemediation {
  return { description, ops: [{ op: 'set', path: [...c.path, 'securityContext', field], value }] };
}

/** Pod-level field path. */
export function podPath(pod: PodTarget, ...rest: Array<string | number>): Path {
  return [...pod.specPath, ...rest];
}
