// Acceptance tests for the real test control plane (test/cluster): etcd,
// kube-apiserver and kube-controller-manager built from upstream sources.
// If the binaries are missing this file FAILS (it never skips): run
// `bash scripts/build-control-plane.sh` (npm run test:e2e does it for you).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { controlPlaneAvailable, startCluster, type AuditEvent, type Cluster } from '../cluster/index.js';
import { httpCall } from '../cluster/http.js';
import { kubernetesVersion } from '../cluster/paths.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
interface ClusterRole {
  metadata: { name: string };
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors: unknown[] };
}

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: privileged
spec:
  containers:
    - name: c
      image: registry.k8s.io/pause:3.10
      securityContext:
        privileged: true
`;

/** Does one of `rules` grant `verb` on `group`/`resource`? (wildcards as RBAC defines them) */
function covers(rules: PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (r) =>
      (r.apiGroups ?? []).some((g) => g === '*' || g === group) &&
      (r.resources ?? []).some((x) => x === '*' || x === resource) &&
      r.verbs.some((v) => v === '*' || v === verb),
  );
}

/** Every (group, resource, verb) a set of resource rules grants. */
function triples(rules: PolicyRule[]): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const r of rules) {
    for (const g of r.apiGroups ?? []) for (const x of r.resources ?? []) for (const v of r.verbs) out.push([g, x, v]);
  }
  return out;
}

const avail = controlPlaneAvailable();

if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  describe('real control plane', () => {
    let c: Cluster;

    before(async () => {
      const t0 = Date.now();
      c = await startCluster({ extraUsers: [{ name: 'dave', user: 'dave@example.com', groups: ['dev-team', 'auditors'] }] });
      console.log(`# control plane ready in ${((Date.now() - t0) / 1000).toFixed(1)}s at ${c.server}`);
    }, { timeout: 240_000 });

    after(async () => {
      await c?.stop();
    });

    test('kubectl with the generated admin kubeconfig lists namespaces', async () => {
      const r = await c.kubectl(['get', 'namespaces', '-o', 'json']);
      const names = (JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] }).items.map((n) => n.metadata.name);
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(ns), `${ns} in ${names.join(',')}`);
      // The kubeconfig path is usable on its own, as other tools will use it.
      assert.match(c.kubeconfig, /admin\.yaml$/);
    });

    test('the server reports the pinned release', async () => {
      const r = await c.kubectl(['version', '-o', 'json']);
      const v = JSON.parse(r.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string; major: string; minor: string } };
      assert.equal(v.serverVersion.gitVersion, kubernetesVersion());
      // The helper's kubectl is built from the same release (no client/server skew).
      if (!process.env.KUBEHARDEN_KUBECTL) assert.equal(v.clientVersion.gitVersion, kubernetesVersion());
      assert.equal(`v${v.serverVersion.major}.${v.serverVersion.minor}`, kubernetesVersion().replace(/\.\d+$/, ''));
    });

    test('identities authenticate as their users and groups; RBAC denies non-admins', async () => {
      for (const [name, user, groups] of [
        ['admin', 'kubeharden-admin', ['system:masters']],
        ['alice', 'alice', ['dev-team']],
        ['carol', 'carol', []],
        ['dave', 'dave@example.com', ['dev-team', 'auditors']],
      ] as const) {
        const r = await c.api('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
          identity: name,
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        });
        assert.equal(r.status, 201, r.body);
        const info = (r.json as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
        assert.equal(info.username, user);
        assert.deepEqual(info.groups.filter((g) => g !== 'system:authenticated').sort(), [...groups].sort());
        assert.ok(info.groups.includes('system:authenticated'));
      }
      const denied = await c.kubectl(['get', 'namespaces'], { identity: 'alice', allowFail: true });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /forbidden: User "alice" cannot list resource "namespaces"/);
    });

    test('anonymous requests and unknown tokens are rejected (anonymous auth off)', async () => {
      const anon = await httpCall(`${c.server}/api/v1/namespaces`, { ca: c.caPem });
      assert.equal(anon.status, 401);
      const bogus = await httpCall(`${c.server}/api/v1/namespaces`, { ca: c.caPem, token: 'not-a-token' });
      assert.equal(bogus.status, 401);
    });

    test('built-in PodSecurity admission rejects a privileged Pod in an enforce=restricted namespace', async () => {
      await c.namespace('psa-restricted', {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      });
      const dry = await c.apply(privilegedPod, { namespace: 'psa-restricted', dryRunServer: true });
      assert.notEqual(dry.code, 0, dry.stdout);
      assert.match(dry.stderr, /violates PodSecurity "restricted:latest"/);
      assert.match(dry.stderr, /privileged \(container "c" must not set securityContext\.privileged=true\)/);
      const real = await c.apply(privilegedPod, { namespace: 'psa-restricted' });
      assert.notEqual(real.code, 0);
      assert.match(real.stderr, /violates PodSecurity "restricted:latest"/);
      const get = await c.api('GET', '/api/v1/namespaces/psa-restricted/pods/privileged');
      assert.equal(get.status, 404, 'the rejected Pod must not exist');
    });

    test('the same privileged Pod is accepted in an enforce=privileged namespace', async () => {
      await c.namespace('psa-privileged', { 'pod-security.kubernetes.io/enforce': 'privileged' });
      const r = await c.apply(privilegedPod, { namespace: 'psa-privileged' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /pod\/privileged created/);
      const get = await c.api('GET', '/api/v1/namespaces/psa-privileged/pods/privileged');
      assert.equal(get.status, 200);
      const pod = get.json as { spec: { containers: { securityContext: { privileged: boolean } }[]; serviceAccountName: string } };
      assert.equal(pod.spec.containers[0].securityContext.privileged, true);
      // ServiceAccount admission ran too: the Pod got the namespace's default SA.
      assert.equal(pod.spec.serviceAccountName, 'default');
    });

    test('SubjectAccessReview answers according to the Roles the test creates', async () => {
      await c.namespace('rbac-demo');
      const setup = await c.apply(
        `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: rbac-demo }
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: dev-team-reads-pods, namespace: rbac-demo }
subjects:
  - kind: Group
    apiGroup: rbac.authorization.k8s.io
    name: dev-team
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: cm-writer, namespace: rbac-demo }
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [create, get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: carol-writes-cms, namespace: rbac-demo }
subjects:
  - kind: User
    apiGroup: rbac.authorization.k8s.io
    name: carol
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer }
`,
      );
      assert.equal(setup.code, 0, setup.stderr);

      const sar = async (user: string, groups: string[], verb: string, resource: string, namespace = 'rbac-demo'): Promise<boolean> => {
        const r = await c.api('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user, groups, resourceAttributes: { namespace, verb, resource } },
          },
        });
        assert.equal(r.status, 201, r.body);
        return (r.json as { status: { allowed: boolean } }).status.allowed;
      };
      assert.equal(await sar('alice', ['dev-team'], 'list', 'pods'), true);
      assert.equal(await sar('alice', ['dev-team'], 'get', 'pods'), true);
      assert.equal(await sar('alice', ['dev-team'], 'delete', 'pods'), false);
      assert.equal(await sar('alice', ['dev-team'], 'list', 'pods', 'default'), false, 'a RoleBinding is namespaced');
      assert.equal(await sar('alice', ['dev-team'], 'create', 'configmaps'), false);
      assert.equal(await sar('bob', ['ops-team'], 'list', 'pods'), false);
      assert.equal(await sar('carol', [], 'create', 'configmaps'), true);
      assert.equal(await sar('carol', [], 'list', 'pods'), false);
      // Group membership is what grants it: the same user name without the group is denied.
      assert.equal(await sar('alice', [], 'list', 'pods'), false);

      // And the real requests agree with the reviews.
      assert.equal((await c.api('GET', '/api/v1/namespaces/rbac-demo/pods', { identity: 'alice' })).status, 200);
      assert.equal((await c.api('GET', '/api/v1/namespaces/rbac-demo/pods', { identity: 'dave' })).status, 200);
      assert.equal((await c.api('GET', '/api/v1/namespaces/rbac-demo/pods', { identity: 'bob' })).status, 403);
      const canI = await c.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'rbac-demo'], { identity: 'alice', allowFail: true });
      assert.equal(canI.stdout.trim(), 'no');
      const canList = await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'rbac-demo'], { identity: 'alice' });
      assert.equal(canList.stdout.trim(), 'yes');
    });

    test('the admin ClusterRole carries the aggregated edit and view rules', async () => {
      const get = async (name: string): Promise<ClusterRole> => {
        const r = await c.api('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`);
        assert.equal(r.status, 200, r.body);
        return r.json as ClusterRole;
      };
      const [admin, edit, view] = await Promise.all([get('admin'), get('edit'), get('view')]);
      assert.ok(admin.aggregationRule, 'admin is an aggregated ClusterRole');
      const adminRules = admin.rules ?? [];
      const editRules = edit.rules ?? [];
      const viewRules = view.rules ?? [];
      assert.ok(viewRules.length > 0 && editRules.length > 0, 'edit and view were filled in by the aggregation controller');
      for (const [g, r, v] of [...triples(editRules), ...triples(viewRules)]) {
        assert.ok(covers(adminRules, g, r, v), `admin must grant ${v} ${g || 'core'}/${r}`);
      }
      assert.ok(covers(adminRules, 'apps', 'deployments', 'create'), 'from edit');
      assert.ok(covers(adminRules, '', 'pods', 'list'), 'from view');
      assert.ok(covers(adminRules, 'rbac.authorization.k8s.io', 'rolebindings', 'create'), 'admin-only');
      assert.ok(!covers(editRules, 'rbac.authorization.k8s.io', 'rolebindings', 'create'), 'edit cannot bind roles');

      // The controller keeps aggregating: a new aggregate-to-view role flows into view, edit and admin.
      const add = await c.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
  - apiGroups: [widgets.example.com]
    resources: [widgets]
    verbs: [get, list]
`);
      assert.equal(add.code, 0, add.stderr);
      await c.waitFor(async () => {
        const [a, e, v] = await Promise.all([get('admin'), get('edit'), get('view')]);
        return [a, e, v].every((role) => covers(role.rules ?? [], 'widgets.example.com', 'widgets', 'list'));
      }, 30_000);
    });

    test('controller-manager: ServiceAccounts, root CA ConfigMaps and namespace deletion work', async () => {
      await c.namespace('lifecycle');
      // root-ca-cert-publisher puts the cluster CA into every namespace.
      await c.waitFor(async () => (await c.api('GET', '/api/v1/namespaces/lifecycle/configmaps/kube-root-ca.crt')).status === 200);
      const ca = await c.api('GET', '/api/v1/namespaces/lifecycle/configmaps/kube-root-ca.crt');
      assert.equal((ca.json as { data: Record<string, string> }).data['ca.crt'].trim(), c.caPem.trim());

      // A token for the default ServiceAccount authenticates as that ServiceAccount.
      const tok = await c.kubectl(['create', 'token', 'default', '-n', 'lifecycle']);
      const who = await httpCall(`${c.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        method: 'POST',
        ca: c.caPem,
        token: tok.stdout.trim(),
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      });
      assert.equal(who.status, 201, who.body);
      assert.equal((JSON.parse(who.body) as { status: { userInfo: { username: string } } }).status.userInfo.username, 'system:serviceaccount:lifecycle:default');

      // The namespace controller empties and removes a deleted namespace.
      await c.kubectl(['create', 'configmap', 'x', '-n', 'lifecycle', '--from-literal=a=b']);
      await c.kubectl(['delete', 'namespace', 'lifecycle', '--wait=false']);
      await c.waitFor(async () => (await c.api('GET', '/api/v1/namespaces/lifecycle')).status === 404, 90_000);
    });

    test('the audit log records the requests with user, verb, resource and status', async () => {
      const created = await c.kubectl(['create', 'configmap', 'audited', '-n', 'rbac-demo', '--from-literal=k=v'], { identity: 'carol' });
      assert.match(created.stdout, /configmap\/audited created/);
      const denied = await c.kubectl(['get', 'secrets', '-n', 'rbac-demo'], { identity: 'bob', allowFail: true });
      assert.notEqual(denied.code, 0);

      let events: AuditEvent[] = [];
      const match = (user: string, verb: string, resource: string, code: number) => (e: AuditEvent) =>
        e.stage === 'ResponseComplete' &&
        e.user.username === user &&
        e.verb === verb &&
        e.objectRef?.resource === resource &&
        e.objectRef?.namespace === 'rbac-demo' &&
        e.responseStatus?.code === code;
      await c.waitFor(async () => {
        events = await c.auditEvents();
        return events.some(match('carol', 'create', 'configmaps', 201)) && events.some(match('bob', 'list', 'secrets', 403));
      }, 15_000).catch((e: Error) => {
        throw new Error(`${e.message}; ${events.length} audit events, last: ${JSON.stringify(events.slice(-3))}`, { cause: e });
      });
      const carol = events.find(match('carol', 'create', 'configmaps', 201));
      assert.equal(carol?.objectRef?.name, 'audited');
      assert.equal(carol?.level, 'Metadata');
      // RBAC writes are recorded with their bodies (RequestResponse) by the audit policy.
      const binding = events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'rolebindings' && e.objectRef?.name === 'carol-writes-cms');
      assert.equal(binding?.level, 'RequestResponse');
      assert.ok(binding?.requestObject, 'RBAC write carries its request body');
      assert.ok(events.every((e) => e.stage !== 'RequestReceived'), 'policy omits RequestReceived');
    });
  });

  describe('apiserver only, anonymous auth on', () => {
    let c: Cluster;

    before(async () => {
      c = await startCluster({ anonymousAuth: true, controllerManager: false, extraApiserverFlags: ['--audit-log-maxbackup=1'] });
    }, { timeout: 120_000 });

    after(async () => {
      await c?.stop();
    });

    test('anonymous requests authenticate as system:anonymous and RBAC limits them', async () => {
      const version = await httpCall(`${c.server}/version`, { ca: c.caPem });
      assert.equal(version.status, 200, 'system:public-info-viewer allows /version');
      const list = await httpCall(`${c.server}/api/v1/namespaces`, { ca: c.caPem });
      assert.equal(list.status, 403);
      assert.match(list.body, /User \\"system:anonymous\\" cannot list resource \\"namespaces\\"/);
    });

    test('without the controller-manager nothing aggregates ClusterRoles', async () => {
      const admin = await c.api('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin');
      assert.equal(admin.status, 200);
      assert.equal(((admin.json as ClusterRole).rules ?? []).length, 0);
      assert.equal(c.logs.controllerManager, undefined);
    });
  });
}
