/**
 * What an impersonated request tells about the impersonator: it was allowed to `impersonate` the
 * user (or ServiceAccount) and each group it asked for. The groups the API server adds by itself
 * (system:authenticated, the ServiceAccount groups) are never asked for, so they are left out.
 */
import { ALL_AUTHENTICATED, ALL_SERVICE_ACCOUNTS, ALL_UNAUTHENTICATED, SA_GROUP_PREFIX, splitServiceAccountUsername } from '../identity.js';
import type { RequestAttributes, UserInfo } from '../types.js';

export function implicitGroup(g: string): boolean {
  return g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED || g === ALL_SERVICE_ACCOUNTS || g.startsWith(SA_GROUP_PREFIX);
}

export function impersonationRequests(target: UserInfo): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  const sa = splitServiceAccountUsername(target.name);
  if (sa) out.push({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', subresource: '', name: sa.name, namespace: sa.namespace });
  else out.push({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'users', subresource: '', name: target.name, namespace: '' });
  for (const g of target.groups) if (!implicitGroup(g)) out.push({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'groups', subresource: '', name: g, namespace: '' });
  return out;
}
