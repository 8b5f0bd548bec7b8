/**
 * The resource checks as CEL, for Pods only: the LimitRanger admission plugin has applied the
 * namespace's LimitRange defaults to a Pod before a policy sees it, so a Pod without the request
 * or limit has no default. A pod template gets its defaults only when its pods are created, and a
 * policy cannot read the namespace's LimitRanges: templates are left out (their pods are checked).
 */
import type { CelForm } from '../../k8s/cel.js';
import { lit, perContainer } from '../../k8s/cel.js';

/** A container's resource map: requests or limits (here, beside the CEL form, so resources.ts builds on this file and not the other way round). */
export type ResourceKind = 'requests' | 'limits';

export const PODS_ONLY_REASON = 'LimitRange defaults: the API server applies them to Pods before admission, not to pod templates, and a policy cannot read the LimitRanges of the namespace (the Pods the templates create are judged)';

/**
 * The container (or the pod-level resources) has the resource's request or limit; a limit sets the
 * request. The API server's schema types drop requests and limits (maps of quantities), so they
 * are read through dyn() to type-check.
 */
export function hasResource(pod: { spec: string }, c: { v: string }, resource: string, kind: ResourceKind): string {
  const has = (m: string) => `(${lit(resource)} in ${m}.orValue({}) && string(${m}.orValue({})[${lit(resource)}]) != '')`;
  const own = [has(`dyn(${c.v}).?resources.?${kind}`), ...(kind === 'requests' ? [has(`dyn(${c.v}).?resources.?limits`)] : [])];
  const podLevel = [has(`dyn(${pod.spec}).?resources.?${kind}`), ...(kind === 'requests' ? [has(`dyn(${pod.spec}).?resources.?limits`)] : [])];
  return `(${[...own, ...podLevel].join(' || ')})`;
}

export function resourceCel(resource: string, kind: ResourceKind, what: string): CelForm {
  return {
    form: 'pod',
    shapes: ['Pod'],
    shapesReason: PODS_ONLY_REASON,
    findings: ({ pod }) =>
      perContainer(pod, (c) => (c.kind === 'ephemeralContainers' ? undefined : { when: `!${hasResource(pod, c, resource, kind)}`, message: `${c.describe} + ${lit(` has no ${resource} ${what}, and no LimitRange in the scan gives it a default`)}` })),
  };
}
