// Unit tests for the pure parts of the test-cluster helper (no binaries needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { auditPolicy, defaultUsers, kubeconfig, makeTokenUsers, tokenFile } from './config.js';
import { sanList } from './pki.js';
import { freePorts } from './ports.js';

test('token file lists each identity with its groups as one quoted field', () => {
  let n = 0;
  const users = makeTokenUsers(defaultUsers, () => `tok${n++}`);
  assert.equal(
    tokenFile(users),
    'tok0,kubeharden-admin,uid-0-admin,"system:masters"\n' +
      'tok1,alice,uid-1-alice,"dev-team"\n' +
      'tok2,bob,uid-2-bob,"ops-team"\n' +
      'tok3,carol,uid-3-carol\n',
  );
});

test('random tokens are distinct and long', () => {
  const users = makeTokenUsers(defaultUsers);
  assert.equal(new Set(users.map((u) => u.token)).size, users.length);
  for (const u of users) assert.match(u.token, /^[0-9a-f]{48}$/);
});

test('identities that would corrupt the CSV token file are rejected', () => {
  assert.throws(() => makeTokenUsers([{ name: 'x', groups: ['a,b'] }]), /invalid user or group/);
  assert.throws(() => makeTokenUsers([{ name: 'x', user: 'a"b' }]), /invalid user or group/);
  assert.throws(() => makeTokenUsers([{ name: 'Bad Name' }]), /DNS label/);
  assert.throws(() => makeTokenUsers([{ name: 'x' }, { name: 'x' }]), /duplicate/);
});

test('kubeconfig is valid YAML pointing at the server with the token', () => {
  const doc = parse(kubeconfig('https://127.0.0.1:6443', '/tmp/ca.crt', 'alice', 't0k')) as {
    clusters: { cluster: { server: string; 'certificate-authority': string } }[];
    users: { name: string; user: { token: string } }[];
    'current-context': string;
  };
  assert.equal(doc.clusters[0].cluster.server, 'https://127.0.0.1:6443');
  assert.equal(doc.clusters[0].cluster['certificate-authority'], '/tmp/ca.crt');
  assert.deepEqual(doc.users[0], { name: 'alice', user: { token: 't0k' } });
  assert.equal(doc['current-context'], 'alice');
});

test('audit policy ends with a catch-all Metadata rule and skips RequestReceived', () => {
  const p = JSON.parse(auditPolicy()) as { kind: string; omitStages: string[]; rules: { level: string }[] };
  assert.equal(p.kind, 'Policy');
  assert.deepEqual(p.omitStages, ['RequestReceived']);
  assert.deepEqual(p.rules[p.rules.length - 1], { level: 'Metadata' });
});

test('SANs: IPs become IP entries, names DNS entries', () => {
  assert.equal(sanList(['127.0.0.1', 'localhost', '::1']), 'IP:127.0.0.1,DNS:localhost,IP:::1');
});

test('freePorts returns distinct unprivileged ports', async () => {
  const ports = await freePorts(4);
  assert.equal(new Set(ports).size, 4);
  for (const p of ports) assert.ok(p > 1024 && p < 65536);
});
