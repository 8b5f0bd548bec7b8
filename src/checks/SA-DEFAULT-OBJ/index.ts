import type { ObjectCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { CIS, RBAC_GOOD_PRACTICES, SERVICE_ACCOUNTS } from '../_lib/references.js';
import { cel } from './cel.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding'],
  meta: {
    id: 'SA-DEFAULT-OBJ',
    title: 'The default ServiceAccount mounts tokens or is granted permissions',
    severity: 'low',
    category: 'service-account',
    attack: 'The "default" ServiceAccount is used by every pod that names no account. If it mounts its token, each of those pods carries API credentials; if a binding grants it a role, each of them holds that role.',
    remediation: 'Set automountServiceAccountToken: false on every namespace\'s default ServiceAccount (CIS 5.1.5) and never bind roles to it (CIS 5.1.6); create a dedicated ServiceAccount for workloads that need the API.',
    references: [SERVICE_ACCOUNTS, RBAC_GOOD_PRACTICES, CIS],
    peers: { checkov: ['CKV_K8S_41', 'CKV_K8S_42'], kubescape: ['C-0189'] },
  },
  cel,
  *check(o) {
    if (o.kind === 'ServiceAccount') {
      if (o.name !== 'default') return;
      const v = o.object.automountServiceAccountToken;
      if (v === false) return;
      yield {
        message: `the "default" ServiceAccount${o.namespace ? ` of namespace "${o.namespace}"` : ''} ${v === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false'}: every pod that names no ServiceAccount gets its token`,
        path: ['automountServiceAccountToken'],
        fix: { description: 'set automountServiceAccountToken: false on the default ServiceAccount', ops: [{ op: 'set', path: ['automountServiceAccountToken'], value: false, overwrite: true }] },
      };
      return;
    }
    const role = asMap(o.object.roleRef);
    const roleName = `${asString(role?.kind) ?? 'role'} "${asString(role?.name) ?? '?'}"`;
    const subjects = asList(o.object.subjects);
    for (let i = 0; i < subjects.length; i++) {
      const s = asMap(subjects[i]);
      if (!s || s.kind !== 'ServiceAccount' || s.name !== 'default') continue;
      const ns = asString(s.namespace) || (o.kind === 'RoleBinding' ? o.namespace : undefined);
      yield {
        message: `${o.kind} "${o.name}" grants ${roleName} to the "default" ServiceAccount${ns ? ` of namespace "${ns}"` : ''}: every pod there that names no ServiceAccount holds it`,
        path: ['subjects', i],
      };
    }
  },
};
