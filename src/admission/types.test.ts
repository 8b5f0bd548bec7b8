import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionReview, pod } from './testing.js';
import { parseAdmissionReview } from './types.js';

const good = admissionReview(pod('p', 'demo', { containers: [{ name: 'c', image: 'x:1' }] }));

function withRequest(patch: Record<string, unknown>): unknown {
  return { ...good, request: { ...(good.request as object), ...patch } };
}

test('a well-formed AdmissionReview parses', () => {
  const r = parseAdmissionReview(good);
  assert.ok(r.ok);
  assert.equal(r.request.operation, 'CREATE');
  assert.equal(r.request.kind.kind, 'Pod');
  assert.equal(r.request.namespace, 'demo');
  assert.deepEqual(r.request.userInfo.groups, ['dev-team', 'system:authenticated']);
});

test('envelope errors name the field and never echo values', () => {
  const cases: [unknown, RegExp][] = [
    ['"a string"', /must be a JSON object/],
    [[], /must be a JSON object/],
    [{ ...good, kind: 'Pod' }, /kind must be "AdmissionReview"/],
    [{ ...good, apiVersion: 'admission.k8s.io/v1beta1' }, /apiVersion must be "admission\.k8s\.io\/v1"/],
    [{ ...good, request: undefined }, /request is missing/],
    [withRequest({ uid: '' }), /request\.uid is missing or empty/],
    [withRequest({ uid: 7 }), /request\.uid/],
    [withRequest({ uid: 'x'.repeat(300) }), /longer than 256/],
    [withRequest({ kind: 'Pod' }), /request\.kind must be an object/],
    [withRequest({ resource: null }), /request\.resource/],
    [withRequest({ operation: 'PATCH' }), /request\.operation must be one of/],
    [withRequest({ object: [1, 2] }), /request\.object must be an object or null/],
    [withRequest({ object: null }), /request\.object is required for CREATE/],
    [withRequest({ operation: 'UPDATE', oldObject: null }), /oldObject is required for UPDATE/],
    [withRequest({ namespace: { evil: true } }), /request\.namespace must be a string/],
  ];
  for (const [body, re] of cases) {
    const r = parseAdmissionReview(body);
    assert.equal(r.ok, false, JSON.stringify(body).slice(0, 80));
    if (!r.ok) {
      assert.equal(r.status, 400);
      assert.match(r.message, re);
      assert.ok(!r.message.includes('xxxxxxxx'));
    }
  }
});

test('DELETE needs no object', () => {
  const r = parseAdmissionReview(withRequest({ operation: 'DELETE', object: null, oldObject: { kind: 'Pod' } }));
  assert.ok(r.ok);
  assert.equal(r.request.object, null);
});
