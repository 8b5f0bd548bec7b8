import type { LoadedObject } from '../../../load/types.js';
import type { CheckContext, ObjectCheck, RawFinding } from '../../../engine/types.js';
import { ObjectIndex } from '../../../engine/object-index.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { covers } from '../../../rbac/covers.js';
import type { PolicyRule } from '../../../rbac/types.js';
import { BINDING_KINDS, roleLabel, roleRefOf, scanPolicy, subjectsOf } from '../_lib.js';

const EVERYTHING: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] }];

export const check: ObjectCheck = {
  scope: 'object',
  kinds: BINDING_KINDS,
  meta: {
    id: 'RBAC-CLUSTER-ADMIN',
    title: 'Binding grants cluster-admin or an equivalent role',
    severity: 'high',
    category: 'rbac',
    attack: 'cluster-admin (or any role with every verb on every resource) lets its subjects do anything: read every Secret, run privileged pods on any node, rewrite RBAC. Through a RoleBinding it is full control of the namespace, Secrets and RBAC included.',
    remediation: 'Bind a role with the permissions the subject needs (view, edit, or a custom role). Keep cluster-admin for break-glass accounts that are not used day to day.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: {
      kubeLinter: ['cluster-admin-role-binding'],
      polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole'],
      trivy: ['KSV111'],
      kubescape: ['C-0185', 'C-0035'],
    },
  },
  cel: { form: 'unsupported', reason: "cross-object: a binding to a role of the manifest set that grants everything is cluster-admin too, and a policy cannot read the role's rules" },
  *check(o: LoadedObject, ctx: CheckContext): Iterable<RawFinding> {
    const ref = roleRefOf(o);
    const subjects = subjectsOf(o);
    // The bootstrap binding of system:masters to cluster-admin is how every cluster works.
    if (subjects.length > 0 && subjects.every((s) => s.kind === 'Group' && s.name === 'system:masters')) return;
    if (subjects.length === 0) return; // binds nobody
    const scope = o.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${ObjectIndex.effectiveNamespace(o) ?? 'default'}`;
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
      yield { message: `${roleLabel(o)} grants ClusterRole cluster-admin ${scope} to ${subjects.length} subject(s)`, path: ['roleRef', 'name'] };
      return;
    }
    const policy = scanPolicy(ctx);
    const ns = ObjectIndex.effectiveNamespace(o) ?? 'default';
    const role = ref.kind === 'ClusterRole' ? policy.getClusterRole(ref.name) : ref.kind === 'Role' && o.kind === 'RoleBinding' ? policy.getRole(ns, ref.name) : undefined;
    if (role && covers(role.rules, EVERYTHING).covered)
      yield { message: `${roleLabel(o)} grants ${ref.kind} ${ref.name}, which allows every verb on every resource (equivalent to cluster-admin) ${scope}`, path: ['roleRef', 'name'] };
  },
};
