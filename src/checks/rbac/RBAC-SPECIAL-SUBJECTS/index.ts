import type { LoadedObject } from '../../../load/types.js';
import type { ObjectCheck, RawFinding } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { BINDING_KINDS, roleLabel, roleRefOf, subjectPath, subjectsOf } from '../_lib.js';
import { cel } from './cel.js';
import { SPECIAL, DEFAULTS } from './constants.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: BINDING_KINDS,
  meta: {
    id: 'RBAC-SPECIAL-SUBJECTS',
    title: 'Binding grants to anonymous users, every authenticated user or system:masters',
    severity: 'critical',
    category: 'rbac',
    attack: 'system:unauthenticated and system:anonymous are anyone who can reach the API server; system:authenticated is every identity the cluster accepts, every ServiceAccount token included. A grant to them is a grant to an attacker with network access or any foothold.',
    remediation: 'Bind named Groups from the identity provider (or specific ServiceAccounts) instead; leave the defaults (system:basic-user, system:discovery, system:public-info-viewer) as they are.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { kubesec: ['BindingsToSystemAnonymous'], trivy: ['KSV122', 'KSV01011', 'KSV123'], kubescape: ['C-0262', 'C-0265', 'C-0246'] },
  },
  cel,
  *check(o: LoadedObject): Iterable<RawFinding> {
    const ref = roleRefOf(o);
    for (const s of subjectsOf(o)) {
      const sp = SPECIAL.find((x) => x.kind === s.kind && x.name === s.name);
      if (!sp) continue;
      if (o.kind === 'ClusterRoleBinding' && ref.kind === 'ClusterRole' && o.name === ref.name && DEFAULTS.has(`${ref.name}/${s.name}`)) continue;
      const f: RawFinding = { message: `${roleLabel(o)} grants ${ref.kind} ${ref.name} to ${s.kind} ${s.name}: ${sp.who}`, path: subjectPath(s) };
      if (sp.severity !== 'critical') f.severity = sp.severity;
      yield f;
    }
  },
};
