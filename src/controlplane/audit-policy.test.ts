import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditLevel, type AuditRequest } from './audit-policy.js';

const user = { user: 'alice', groups: ['system:authenticated'] };
const res = (resource: string, extra: Partial<NonNullable<AuditRequest['resource']>> = {}): AuditRequest => ({ ...user, verb: 'get', resource: { group: '', resource, namespace: 'shop', ...extra } });

describe('audit policy evaluation (k8s.io/apiserver audit/policy/checker.go)', () => {
  const policy = {
    rules: [
      { level: 'None', users: ['system:kube-proxy'] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
      { level: 'RequestResponse', resources: [{ group: '', resources: ['pods/*'] }] },
      { level: 'Request', resources: [{ group: '', resources: ['*/scale'] }] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets'], resourceNames: ['db'] }] },
      { level: 'None', namespaces: ['kube-system'] },
      { level: 'Request', verbs: ['create'] },
    ],
  };
  it('first match wins; users, URLs with trailing *, pods/* (incl. pods itself), */scale, resourceNames, namespaces, verbs', () => {
    assert.equal(auditLevel(policy, { user: 'system:kube-proxy', groups: [], verb: 'get', resource: { group: '', resource: 'secrets', namespace: 'x' } }).level, 'None');
    assert.equal(auditLevel(policy, { ...user, verb: 'get', path: '/healthz/etcd' }).level, 'None');
    assert.equal(auditLevel(policy, { ...user, verb: 'get', path: '/versions' }).level, 'None', '/version is exact: /versions falls through to no match for a get');
    assert.equal(auditLevel(policy, res('pods', { subresource: 'exec' })).level, 'RequestResponse');
    assert.equal(auditLevel(policy, res('pods')).level, 'RequestResponse', '"pods/*" also matches pods');
    assert.equal(auditLevel(policy, res('deployments', { group: '' , subresource: 'scale' })).level, 'Request');
    assert.equal(auditLevel(policy, res('secrets', { name: 'db' })).level, 'Metadata');
    assert.equal(auditLevel(policy, res('secrets', { name: 'other' })).level, 'None', 'no later rule matches a get');
    assert.equal(auditLevel(policy, res('configmaps', { namespace: 'kube-system' })).level, 'None');
    const d = auditLevel(policy, { ...res('configmaps'), verb: 'create' });
    assert.deepEqual([d.level, d.rule, d.path], ['Request', 6, ['rules', 6, 'level']]);
  });

  it('no rules, no match: None', () => {
    assert.deepEqual(auditLevel({}, res('secrets')), { level: 'None', path: [] });
  });
});
