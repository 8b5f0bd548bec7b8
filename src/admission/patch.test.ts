import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch, escapePointerSegment, remediationToPatch, toPointer } from './patch.js';

test('pointer segments escape ~ and / (RFC 6901)', () => {
  assert.equal(escapePointerSegment('a/b~c'), 'a~1b~0c');
  assert.equal(toPointer(['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/app', 0]), '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app/0');
});

test('set creates the missing maps with one add, then adds beside them', () => {
  const doc = { spec: { containers: [{ name: 'a' }] } };
  const { patch, applied } = remediationToPatch(doc, [
    { op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], value: true },
    { op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], value: false },
  ]);
  assert.equal(applied, 2);
  assert.deepEqual(patch, [
    { op: 'add', path: '/spec/containers/0/securityContext', value: { runAsNonRoot: true } },
    { op: 'add', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation', value: false },
  ]);
  assert.deepEqual(applyJsonPatch({ spec: { containers: [{ name: 'a' }] } }, patch), doc);
});

test('set never replaces a value, with or without overwrite', () => {
  const doc = { spec: { privileged: true, other: 1 } };
  const r = remediationToPatch(doc, [
    { op: 'set', path: ['spec', 'privileged'], value: false, overwrite: true },
    { op: 'set', path: ['spec', 'other'], value: 2 },
  ]);
  assert.deepEqual(r.patch, []);
  assert.equal(r.skipped, 2);
  // a missing field with overwrite is still filled in
  assert.deepEqual(remediationToPatch({ spec: {} }, [{ op: 'set', path: ['spec', 'automountServiceAccountToken'], value: false, overwrite: true }]).patch, [
    { op: 'add', path: '/spec/automountServiceAccountToken', value: false },
  ]);
});

test('a null value counts as missing (add replaces it)', () => {
  const r = remediationToPatch({ spec: { securityContext: null } }, [{ op: 'set', path: ['spec', 'securityContext', 'seccompProfile'], value: { type: 'RuntimeDefault' } }]);
  assert.deepEqual(r.patch, [{ op: 'add', path: '/spec/securityContext', value: { seccompProfile: { type: 'RuntimeDefault' } } }]);
});

test('append adds to an existing list unless the item is there, or creates the list', () => {
  const doc = { c: { drop: ['NET_RAW'] }, d: {} as Record<string, unknown> };
  const r = remediationToPatch(doc, [
    { op: 'append', path: ['c', 'drop'], value: 'ALL' },
    { op: 'append', path: ['c', 'drop'], value: 'ALL' },
    { op: 'append', path: ['d', 'volumes'], value: { name: 'tmp', emptyDir: {} } },
  ]);
  assert.deepEqual(r.patch, [
    { op: 'add', path: '/c/drop/-', value: 'ALL' },
    { op: 'add', path: '/d/volumes', value: [{ name: 'tmp', emptyDir: {} }] },
  ]);
  assert.deepEqual(doc.c.drop, ['NET_RAW', 'ALL']);
});

test('remove-item is never applied; wrongly shaped objects are skipped, not crashed on', () => {
  const doc = { spec: { containers: 'oops', add: ['SYS_ADMIN'], list: [1] } };
  const r = remediationToPatch(doc, [
    { op: 'remove-item', path: ['spec', 'add'], value: 'SYS_ADMIN' },
    { op: 'set', path: ['spec', 'containers', 0, 'securityContext'], value: {} },
    { op: 'set', path: ['spec', 'list', 3, 'x'], value: 1 },
    { op: 'append', path: ['spec', 'containers'], value: 'x' },
    { op: 'set', path: [], value: 1 },
  ]);
  assert.deepEqual(r.patch, []);
  assert.equal(r.skipped, 5);
});
