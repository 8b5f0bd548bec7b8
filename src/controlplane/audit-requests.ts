/** The identities and requests the audit policy checks evaluate a policy against. */
import type { AuditRequest } from './audit-policy.js';

export const AUDIT_IDENTITIES: ReadonlyArray<Pick<AuditRequest, 'user' | 'groups'> & { label: string }> = [
  { label: 'a user', user: 'alice@example.com', groups: ['system:authenticated'] },
  { label: 'a ServiceAccount', user: 'system:serviceaccount:shop:web', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] },
];

const core = (resource: string, subresource?: string) => ({ group: '', resource, namespace: 'shop', ...(subresource ? { subresource } : {}) });

/** CIS 3.2.2's key security concerns, as requests. */
export const KEY_REQUESTS: ReadonlyArray<{ what: string; request: Pick<AuditRequest, 'verb' | 'resource'> }> = [
  { what: 'reading Secrets', request: { verb: 'get', resource: core('secrets') } },
  { what: 'pods/exec', request: { verb: 'create', resource: core('pods', 'exec') } },
  { what: 'pods/exec over WebSocket', request: { verb: 'get', resource: core('pods', 'exec') } },
  { what: 'pods/attach', request: { verb: 'create', resource: core('pods', 'attach') } },
  { what: 'pods/portforward', request: { verb: 'create', resource: core('pods', 'portforward') } },
  { what: 'pods/proxy', request: { verb: 'get', resource: core('pods', 'proxy') } },
  { what: 'services/proxy', request: { verb: 'get', resource: core('services', 'proxy') } },
  { what: 'creating pods', request: { verb: 'create', resource: core('pods') } },
  { what: 'deleting pods', request: { verb: 'delete', resource: core('pods') } },
  { what: 'changing deployments', request: { verb: 'patch', resource: { group: 'apps', resource: 'deployments', namespace: 'shop' } } },
  { what: 'binding roles', request: { verb: 'create', resource: { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'shop' } } },
  { what: 'binding cluster roles', request: { verb: 'create', resource: { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', namespace: '' } } },
];
