/**
 * Whether a container ends up with a request or limit for a resource once the API server is done
 * with it: the container's own value; for a request, the container's limit (the API server copies
 * limits into unset requests); the pod-level spec.resources (PodLevelResources); or a default of a
 * LimitRange of type Container in the same namespace, as the LimitRanger admission plugin applies
 * it (max fills an unset default; default, then min, fill an unset defaultRequest).
 */
import type { PeerIds, PodCheck, Severity } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import type { CheckContext } from '../../engine/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import { asList, asMap, asString, isSet } from '../../k8s/json.js';
import { describeContainer } from './pod.js';
import { LIMIT_RANGES, RESOURCES } from './references.js';
import { resourceCel, type ResourceKind } from './resources-cel.js';

function has(list: unknown, resource: string): boolean {
  const m = asMap(list);
  return m !== undefined && isSet(m[resource]) && m[resource] !== '';
}

/** LimitRange objects (with their names) giving `resource` a default for the pod's namespace. */
export function limitRangeDefault(pod: PodTarget, ctx: CheckContext, resource: string, kind: ResourceKind): string | undefined {
  const ns = ObjectIndex.effectiveNamespace(pod.owner);
  for (const lr of ctx.index.ofKind('LimitRange')) {
    if (ObjectIndex.effectiveNamespace(lr) !== ns) continue;
    for (const item of asList(asMap(lr.object.spec)?.limits)) {
      const it = asMap(item);
      if (!it || asString(it.type) !== 'Container') continue;
      const limit = has(it.default, resource) || has(it.max, resource);
      const request = has(it.defaultRequest, resource) || limit || has(it.min, resource);
      if (kind === 'limits' ? limit : request) return lr.name;
    }
  }
  return undefined;
}

/** Why the container has the request/limit, or undefined when it has none. */
export function resourceSource(pod: PodTarget, c: ContainerRef, resource: string, kind: ResourceKind, ctx: CheckContext): string | undefined {
  const res = asMap(c.spec.resources);
  if (has(res?.[kind], resource)) return 'container';
  if (kind === 'requests' && has(res?.limits, resource)) return 'container limit';
  const podRes = asMap(pod.spec.resources);
  if (has(podRes?.[kind], resource) || (kind === 'requests' && has(podRes?.limits, resource))) return 'pod-level resources';
  const lr = limitRangeDefault(pod, ctx, resource, kind);
  return lr ? `LimitRange ${lr}` : undefined;
}

/** Containers whose resources matter: containers and initContainers (ephemeral containers cannot have any). */
export function resourceContainers(pod: PodTarget): ContainerRef[] {
  return pod.containers.filter((c) => c.kind !== 'ephemeralContainers');
}

export function resourcePath(c: ContainerRef, kind: ResourceKind, resource: string): Path {
  return [...c.path, 'resources', kind, resource];
}

export function resourceCheck(p: { id: string; resource: 'cpu' | 'memory'; kind: ResourceKind; severity: Severity; title: string; attack: string; remediation: string; peers: PeerIds }): PodCheck {
  const what = `${p.kind === 'requests' ? 'request' : 'limit'} (resources.${p.kind}.${p.resource})`;
  return {
    scope: 'pod',
    meta: {
      id: p.id,
      title: p.title,
      severity: p.severity,
      category: 'resources',
      attack: p.attack,
      remediation: p.remediation,
      references: [RESOURCES, LIMIT_RANGES],
      peers: p.peers,
    },
    cel: resourceCel(p.resource, p.kind, what),
    *check(pod, ctx) {
      for (const c of resourceContainers(pod)) {
        if (resourceSource(pod, c, p.resource, p.kind, ctx)) continue;
        yield {
          message: `${describeContainer(c)} has no ${p.resource} ${what}, and no LimitRange in the scan gives it a default`,
          path: resourcePath(c, p.kind, p.resource),
          container: c.name,
        };
      }
    },
  };
}
