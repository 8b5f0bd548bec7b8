import type { LoadedObject } from '../../../load/types.js';
import type { CheckContext, ObjectCheck, RawFinding } from '../../../engine/types.js';
import { ObjectIndex } from '../../../engine/object-index.js';
import { asMap, asString } from '../../../k8s/json.js';
import { RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { bootstrapObjects } from '../../../rbac/defaults.js';
import { BINDING_KINDS, roleLabel, roleRefOf } from '../_lib.js';

let builtins: Set<string> | undefined;

/** ClusterRoles every cluster has (bootstrap policy), plus the system:* controller roles. */
function isBuiltinClusterRole(name: string): boolean {
  builtins ??= new Set(bootstrapObjects().map((o) => asString(asMap(asMap(o)?.metadata)?.name) ?? ''));
  return builtins.has(name) || name.startsWith('system:');
}

/** `namespace\0name` of every Role of the scan (a lookup per binding instead of a scan of all Roles). */
function rolesByNamespace(index: ObjectIndex): Set<string> {
  return new Set(index.ofKind('Role').map((r) => `${ObjectIndex.effectiveNamespace(r)}\u0000${r.name}`));
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: BINDING_KINDS,
  meta: {
    id: 'RBAC-DANGLING-ROLE',
    title: 'Binding references a role that is not in the scanned set',
    severity: 'info',
    setDependent: true,
    category: 'rbac',
    attack: 'A binding to a missing role grants nothing today, but goes live the moment anyone creates a role with that name, with whatever rules that role has. It may also simply exist in the cluster and not in these manifests.',
    remediation: 'Ship the role with the binding, fix the roleRef name, or delete the binding.',
    references: [RBAC_GOOD_PRACTICES],
    peers: {},
  },
  *check(o: LoadedObject, ctx: CheckContext): Iterable<RawFinding> {
    const ref = roleRefOf(o);
    if (ref.kind === 'ClusterRole') {
      if (isBuiltinClusterRole(ref.name) || ctx.index.get('ClusterRole', undefined, ref.name)) return;
      yield { message: `${roleLabel(o)} references ClusterRole "${ref.name}", which is not among the scanned objects (it may exist in the cluster)`, path: ['roleRef', 'name'] };
    } else if (ref.kind === 'Role') {
      if (o.kind === 'ClusterRoleBinding') {
        yield { message: `${roleLabel(o)} references a Role: a ClusterRoleBinding can only reference a ClusterRole (the API server rejects it)`, path: ['roleRef', 'kind'], severity: 'low' };
        return;
      }
      const ns = ObjectIndex.effectiveNamespace(o);
      const found = ctx.index.derived(rolesByNamespace).has(`${ns}\u0000${ref.name}`);
      if (!found) yield { message: `${roleLabel(o)} references Role "${ref.name}" in namespace ${ns ?? 'default'}, which is not among the scanned objects (it may exist in the cluster)`, path: ['roleRef', 'name'] };
    } else {
      yield { message: `${roleLabel(o)} references a ${JSON.stringify(ref.kind)}: roleRef.kind must be Role or ClusterRole (the API server rejects it)`, path: ['roleRef', 'kind'], severity: 'low' };
    }
  },
};
