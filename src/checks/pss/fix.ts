/**
 * Structured remediations for PSS findings, derived from the offending paths the evaluator
 * reports. Only safe, behaviour-preserving edits are automated (the PSS-compliant value of a
 * field); choices that need a human (volume types, UIDs, ports, sysctls) are left to the message.
 */
import type { JsonValue, RemediationOp, StructuredRemediation } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import { getIn } from '../../k8s/json.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import type { PssCheckId, PssPath, PssResult } from '../../pss/index.js';

/** An evaluator path ('spec' or 'metadata' first) made absolute within the object. */
export function absolutePath(pod: PodTarget, p: PssPath): Path {
  const [root, ...rest] = p;
  return [...(root === 'metadata' ? pod.metaPath : pod.specPath), ...rest];
}

/** The value at an evaluator path, read from the pod. */
function valueAt(pod: PodTarget, p: PssPath): unknown {
  const [root, ...rest] = p;
  return getIn(root === 'metadata' ? pod.meta : pod.spec, rest);
}

const last = (p: PssPath) => p[p.length - 1];
const isAnnotation = (p: PssPath) => p[0] === 'metadata';

function setOps(pod: PodTarget, r: PssResult, value: (p: PssPath) => JsonValue | undefined, overwrite = true): RemediationOp[] {
  const ops: RemediationOp[] = [];
  for (const p of r.paths) {
    const v = value(p);
    if (v === undefined) continue;
    const exists = valueAt(pod, p) !== undefined;
    ops.push({ op: 'set', path: absolutePath(pod, p), value: v, ...(overwrite && exists ? { overwrite: true } : {}) });
  }
  return ops;
}

/** Removes the offending capabilities.add items (paths end in the item index). */
function removeAdds(pod: PodTarget, r: PssResult): RemediationOp[] {
  const ops: RemediationOp[] = [];
  for (const p of r.paths) {
    if (typeof last(p) !== 'number' || p[p.length - 2] !== 'add') continue;
    const v = valueAt(pod, p);
    if (typeof v === 'string') ops.push({ op: 'remove-item', path: absolutePath(pod, p.slice(0, -1)), value: v });
  }
  return ops;
}

type Builder = (pod: PodTarget, r: PssResult) => { description: string; ops: RemediationOp[] } | undefined;

const BUILDERS: Partial<Record<PssCheckId, Builder>> = {
  allowPrivilegeEscalation: (pod, r) => ({ description: 'set securityContext.allowPrivilegeEscalation to false', ops: setOps(pod, r, () => false) }),
  privileged: (pod, r) => ({ description: 'set securityContext.privileged to false', ops: setOps(pod, r, () => false) }),
  hostNamespaces: (pod, r) => ({ description: 'set hostNetwork, hostPID and hostIPC to false', ops: setOps(pod, r, () => false) }),
  windowsHostProcess: (pod, r) => ({ description: 'set windowsOptions.hostProcess to false', ops: setOps(pod, r, () => false) }),
  procMount: (pod, r) => ({ description: 'set securityContext.procMount to Default', ops: setOps(pod, r, () => 'Default') }),
  procMount_restricted: (pod, r) => ({ description: 'set securityContext.procMount to Default', ops: setOps(pod, r, () => 'Default') }),
  runAsNonRoot: (pod, r) => ({ description: 'set securityContext.runAsNonRoot to true', ops: setOps(pod, r, () => true) }),
  appArmorProfile: (pod, r) => ({
    description: 'use the runtime default AppArmor profile',
    ops: setOps(pod, r, (p) => (isAnnotation(p) ? 'runtime/default' : 'RuntimeDefault')),
  }),
  seccompProfile_baseline: (pod, r) => ({
    description: 'use the runtime default seccomp profile',
    ops: setOps(pod, r, (p) => (isAnnotation(p) ? 'runtime/default' : 'RuntimeDefault')),
  }),
  seccompProfile_restricted: (pod, r) => ({
    description: 'use the runtime default seccomp profile',
    ops: setOps(pod, r, (p) => (isAnnotation(p) ? 'runtime/default' : 'RuntimeDefault')),
  }),
  capabilities_baseline: (pod, r) => ({ description: 'remove the non-default capabilities from capabilities.add', ops: removeAdds(pod, r) }),
  capabilities_restricted: (pod, r) => {
    const ops: RemediationOp[] = [];
    for (const p of r.paths) if (last(p) === 'drop') ops.push({ op: 'append', path: absolutePath(pod, p), value: 'ALL' });
    ops.push(...removeAdds(pod, r));
    return { description: 'drop ALL capabilities and add back none but NET_BIND_SERVICE', ops };
  },
};

export function pssFix(checkId: PssCheckId, pod: PodTarget, r: PssResult): StructuredRemediation | undefined {
  const built = BUILDERS[checkId]?.(pod, r);
  return built && built.ops.length > 0 ? built : undefined;
}
