import type { LoadedObject } from '../../../load/types.js';
import type { ObjectCheck, RawFinding } from '../../../engine/types.js';
import { NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { BINDING_KINDS, roleLabel, roleRefOf, subjectsOf } from '../_lib.js';
import { cel } from './cel.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: BINDING_KINDS,
  meta: {
    id: 'RBAC-USER-DIRECT',
    title: 'User bound directly instead of through a Group',
    severity: 'low',
    category: 'rbac',
    attack: 'Access granted to individual users outlives their role: when someone changes teams or leaves, bindings that name them keep working until someone remembers to edit every one. Groups from the identity provider follow membership.',
    remediation: 'Bind a Group managed by the identity provider and add the user to it; keep per-user bindings for break-glass accounts only.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA],
    peers: {},
  },
  cel,
  *check(o: LoadedObject): Iterable<RawFinding> {
    const ref = roleRefOf(o);
    for (const s of subjectsOf(o)) {
      // system:* users are components (kube-scheduler, kube-proxy…) authenticating with certificates.
      if (s.kind !== 'User' || s.name.startsWith('system:')) continue;
      yield { message: `${roleLabel(o)} binds User "${s.name}" directly to ${ref.kind} ${ref.name}`, path: ['subjects', s.index] };
    }
  },
};
