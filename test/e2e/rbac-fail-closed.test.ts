/**
 * `kubeharden rbac` against real faults of a real kube-apiserver: no kubeconfig, a closed port,
 * a CA that did not sign the server's certificate, a token the server rejects (401), and users who
 * may list only part of the RBAC objects (403). Every command must fail closed: exit 2, nothing on
 * stdout, a message naming the cluster, the context and the cause, never an answer that looks
 * complete. With --skip-unreadable the partial answer is given and says what it could not read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { kubeconfig } from '../cluster/config.js';
import { createPki } from '../cluster/pki.js';
import { freePort } from '../cluster/ports.js';
import { kubeharden, type Run } from '../cli/helpers.js';

let c: Cluster;
let dir: string;
/** kubeconfigs with one fault each */
const kc: Record<string, string> = {};

const COMMANDS: ReadonlyArray<readonly string[]> = [
  ['can-i', 'get', 'pods', '-n', 'default', '--as', 'someone'],
  ['who-can', 'get', 'secrets', '-n', 'default'],
  ['lookup', 'Group:system:masters'],
  ['risks'],
];

/** The CLI with no ambient kubeconfig: only what the test gives it. */
function rbac(args: readonly string[], config?: string): Run {
  return kubeharden(['rbac', ...args, ...(config ? ['--kubeconfig', config] : [])], { env: { KUBECONFIG: '', HOME: dir } });
}

function assertRefused(r: Run, cause: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.stdout, '', `${what}: nothing that looks like an answer`);
  assert.match(r.stderr, cause, what);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
}

describe('rbac fails closed on live read failures (real kube-apiserver)', () => {
  before(async () => {
    const avail = controlPlaneAvailable();
    assert.ok(avail.ok, `control plane not available: ${avail.reason ?? ''}`);
    // dave may read the four RBAC lists, nothing else; carol (a default identity) may read nothing.
    c = await startCluster({ controllerManager: false, extraUsers: [{ name: 'dave', groups: ['rbac-readers'] }] });
    const grant = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rbac-reader}
rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles, clusterrolebindings, roles, rolebindings], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: rbac-readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rbac-reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: rbac-readers}]
`;
    assert.equal((await c.apply(grant)).code, 0);
    await c.waitFor(async () => (await c.api('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=1', { identity: 'dave' })).status === 200);

    dir = mkdtempSync(join(tmpdir(), 'kh-rbac-fail-'));
    const closed = await freePort();
    const other = await createPki(mkdtempSync(join(dir, 'other-ca-')));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      kc[name] = join(dir, name);
    };
    write('closed-port', kubeconfig(`https://127.0.0.1:${closed}`, c.caFile, 'admin', c.identities.admin.token));
    write('wrong-ca', kubeconfig(c.server, other.caFile, 'admin', c.identities.admin.token));
    write('bad-token', kubeconfig(c.server, c.caFile, 'admin', 'not-a-token-the-server-knows'));
  });
  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('no kubeconfig at all: an error, not an empty answer', () => {
    for (const args of COMMANDS) assertRefused(rbac(args), /^error: no Kubernetes configuration: \$KUBECONFIG is unset, ~\/\.kube\/config does not exist/m, `${args[0]} without kubeconfig`);
  });

  test('closed port: connection refused, naming cluster and context', () => {
    for (const args of COMMANDS) assertRefused(rbac(args, kc['closed-port']), /cannot read cluster "kubeharden-test" \(context "admin", https:\/\/127\.0\.0\.1:\d+\): connection refused/, `${args[0]} closed port`);
  });

  test('wrong CA: a TLS error, naming cluster and context', () => {
    for (const args of COMMANDS) assertRefused(rbac(args, kc['wrong-ca']), /cannot read cluster "kubeharden-test" \(context "admin", https:\/\/127\.0\.0\.1:\d+\): TLS: .*certificate/, `${args[0]} wrong CA`);
  });

  test('credentials refused: 401 unauthorized', () => {
    for (const args of COMMANDS) assertRefused(rbac(args, kc['bad-token']), /cannot read cluster "kubeharden-test" .*: unauthorized \(401\)/, `${args[0]} bad token`);
  });

  test('a user who may read no RBAC object: forbidden on each list, by name', () => {
    for (const args of COMMANDS) {
      const r = rbac(args, c.identities.carol.kubeconfig);
      assertRefused(r, /error: cannot read all the RBAC objects of cluster "kubeharden-test" \(context "carol"/, `${args[0]} as carol`);
      for (const list of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) assert.match(r.stderr, new RegExp(`cannot list ${list} in all namespaces: forbidden \\(403\\)`), `${args[0]}: ${list}`);
    }
  });

  test('a user who may read RBAC but not pods: can-i answers, who-can and risks refuse (they need the pods)', () => {
    const canI = rbac(['can-i', 'list', 'clusterroles', '--as', 'system:serviceaccount:kube-system:nobody'], c.identities.dave.kubeconfig);
    assert.equal(canI.code, 1, canI.stderr);
    assert.equal(canI.stdout, 'no\n');
    for (const args of [COMMANDS[1], COMMANDS[3]]) {
      const r = rbac(args, c.identities.dave.kubeconfig);
      assertRefused(r, /cannot list pods in all namespaces: forbidden \(403\)/, `${args[0]} as dave`);
      assert.match(r.stderr, /cannot list serviceaccounts in all namespaces: forbidden \(403\)/);
    }
  });

  test('--skip-unreadable: the partial answer names what it did not read', () => {
    const r = rbac(['who-can', 'list', 'clusterroles', '--skip-unreadable'], c.identities.dave.kubeconfig);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^list clusterroles\.rbac\.authorization\.k8s\.io/);
    assert.match(r.stdout, /^INCOMPLETE: not read: pods in all namespaces of cluster "kubeharden-test"/m);
    assert.match(r.stderr, /warning: not read: pods in all namespaces/);
    const j = JSON.parse(rbac(['risks', '--skip-unreadable', '-o', 'json', '--fail-on', 'none'], c.identities.dave.kubeconfig).stdout) as { incomplete: boolean; unread: Array<{ what: string }> };
    assert.equal(j.incomplete, true);
    assert.deepEqual(j.unread.map((u) => u.what.split(' ')[0]).sort(), ['pods', 'serviceaccounts']);
  });
});
