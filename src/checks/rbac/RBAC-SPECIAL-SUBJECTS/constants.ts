import type { Severity } from '../../../engine/types.js';

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
