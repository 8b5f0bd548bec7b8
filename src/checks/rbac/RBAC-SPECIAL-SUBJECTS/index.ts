import type { LoadedObject } from '../../../load/types.js';
import type { ObjectCheck, RawFinding, Severity } from '../../../engine/types.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { BINDING_KINDS, roleLabel, roleRefOf, subjectPath, subjectsOf } from '../_lib.js';
import { cel } from './cel.js';

interface Special {
  kind: string;
  name: string;
  severity: Severity;
  who: string;
}

export const SPECIAL: Special[] = [
  { kind: 'Group', name: 'system:unauthenticated', severity: 'critical', who: 'anyone who can reach the API server, without credentials' },
  { kind: 'User', name: 'system:anonymous', severity: 'critical', who: 'every unauthenticated request' },
  { kind: 'Group', name: 'system:authenticated', severity: 'high', who: 'every authenticated identity, every ServiceAccount of every namespace included' },
  { kind: 'Group', name: 'system:serviceaccounts', severity: 'medium', who: 'every ServiceAccount of every namespace' },
  { kind: 'Group', name: 'system:masters', severity: 'low', who: 'members of system:masters, who bypass authorization anyway: the binding suggests the group is used for day-to-day access' },
];

/** The bootstrap policy's own grants to these groups (every cluster has them). */
export const DEFAULTS = new Set([
  'system:basic-user/system:authenticated',
  'system:discovery/system:authenticated',
  'system:public-info-viewer/system:authenticated',
  'system:public-info-viewer/system:unauthenticated',
  'system:service-account-issuer-discovery/system:serviceaccounts',
  'cluster-admin/system:masters',
]);

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
