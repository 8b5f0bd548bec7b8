/**
 * Containers that switch user themselves. An image that starts as root and drops to its own user
 * (mongo, postgres, redis entrypoints: `gosu`/`su-exec`, after chowning its data directory) needs
 * the capabilities to do so, and a manifest that adds SETUID or SETGID says exactly that. Forcing
 * runAsNonRoot/runAsUser on such a container stops it at start-up, so `fix` leaves advice there
 * instead of an edit.
 */
import type { RemediationOp } from '../engine/types.js';
import { getIn, isMap } from '../k8s/json.js';

const USER_FIELDS = new Set(['runAsNonRoot', 'runAsUser', 'runAsGroup']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const SWITCHING = new Set(['SETUID', 'SETGID']);

function addsUserSwitch(container: unknown): string[] {
  const add = getIn(container, ['securityContext', 'capabilities', 'add']);
  if (!Array.isArray(add)) return [];
  return add.filter((c): c is string => typeof c === 'string').map((c) => c.toUpperCase().replace(/^CAP_/, '')).filter((c) => SWITCHING.has(c) || c === 'CHOWN');
}

/**
 * Why this op must not be applied, when it sets a user field of a container (or of the pod, which
 * every container inherits) that adds SETUID/SETGID. `object`: the whole object the op applies to.
 */
export function userSwitchAdvice(op: RemediationOp, object: unknown): string | undefined {
  if (op.op !== 'set' || !USER_FIELDS.has(String(op.path[op.path.length - 1])) || op.path[op.path.length - 2] !== 'securityContext') return undefined;
  const owner = op.path.slice(0, -2);
  // A container's securityContext (…, containers, i) or the pod's (…, spec): the containers concerned.
  const isContainer = owner.length >= 2 && CONTAINER_LISTS.has(String(owner[owner.length - 2]));
  const containers = isContainer ? [getIn(object, owner)] : [...CONTAINER_LISTS].flatMap((k) => {
    const list = getIn(object, [...owner, k]);
    return Array.isArray(list) ? list : [];
  });
  for (const c of containers) {
    if (!isMap(c)) continue;
    const caps = addsUserSwitch(c);
    if (!caps.some((x) => SWITCHING.has(x))) continue;
    const name = typeof c.name === 'string' ? `container "${c.name}"` : 'the container';
    return `${name} adds ${caps.join(', ')}: its image starts as root and switches to its own user, so forcing ${String(op.path[op.path.length - 1])} would stop it from starting. Run it as the image's own user by hand (runAsUser: its UID) and drop these capabilities, or keep it and accept the finding`;
  }
  return undefined;
}
