import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanObjects } from '../engine/scan.js';
import type { Finding } from '../engine/types.js';
import { asList, fixtureWorld, generatedApp, type Obj } from '../../test/audit/world.js';
import { dumpSource } from './dump-source.js';
import { foldIntoControllers } from './fold.js';
import { normalize } from './normalize.js';
import { liveObject, runAudit } from './run.js';
import type { Json } from './source.js';
import { ALL_CHECKS } from '../checks/registry.js';

const row = (f: Finding) => `${f.object.kind} ${f.object.namespace ?? ''}/${f.object.name} ${f.path} ${f.check} ${f.severity}${f.suppressed ? ' (suppressed)' : ''}: ${f.message}`;

async function auditOf(objects: readonly Obj[], batchObjects: number, settings: Record<string, unknown> = {}) {
  const source = await dumpSource('-', { stdinText: asList(objects) });
  const checked: Json[] = [];
  const result = await runAudit(source, { scan: { checks: ALL_CHECKS, settings }, batchObjects, onObject: (o) => checked.push(structuredClone(o)) });
  return { result, checked, label: source.label };
}

describe('audit pipeline', () => {
  const world = [...fixtureWorld().flatMap((f) => f.objects), ...generatedApp(12)];

  // Every check's fixtures in batches of a few namespaces and in one batch; the generated app
  // (cross-namespace RBAC) one namespace per batch.
  for (const [name, objects, batch] of [
    ['all check fixtures and a generated app', world, 7],
    ['all check fixtures and a generated app', world, 5000],
    ['a generated app', generatedApp(12), 1],
  ] as const) {
    test(`${name}, in namespace batches of ${batch} object(s), gives exactly the findings of one scan over the same objects`, async () => {
      const { result, checked, label } = await auditOf(objects, batch, { pss: 'restricted' });
      const whole = scanObjects(
        checked.map((o) => liveObject(o, label)),
        { checks: ALL_CHECKS, settings: { pss: 'restricted' } },
      );
      assert.deepEqual(result.errors, []);
      assert.deepEqual(whole.errors, []);
      assert.ok(result.findings.length > 100, `a meaningful world (${result.findings.length} findings)`);
      assert.deepEqual(result.findings.map(row).sort(), whole.findings.map(row).sort());
      assert.equal(result.summary.objects, checked.length);
      // Findings name the object, not a file position.
      for (const f of result.findings) {
        assert.equal(f.line, 0);
        assert.equal(f.file, label);
        assert.equal(f.origin.cluster, label);
      }
    });
  }

  test('cross-namespace RBAC: a ServiceAccount bound in another namespace, and to cluster-admin, is seen from its own namespace', async () => {
    const { result } = await auditOf(generatedApp(4), 1);
    const power = result.findings.filter((f) => f.check === 'WL-SA-POWER').map((f) => `${f.object.namespace}/${f.object.name}`);
    assert.ok(power.includes('app-1/frontend'), power.join(', '));
  });

  test('--from -n and --exclude-namespace: only those namespaces (and their Namespace objects) are reported', async () => {
    const source = await dumpSource('-', { stdinText: asList(generatedApp(6)) });
    const r = await runAudit(source, { scan: { checks: ALL_CHECKS }, namespaces: ['app-2', 'app-4'], exclude: ['app-4'] });
    const spaces = new Set(r.findings.map((f) => f.object.namespace ?? `(${f.object.kind} ${f.object.name})`));
    assert.deepEqual([...spaces].sort(), ['app-2', '(Namespace app-2)'].sort());
    assert.equal(r.namespaces, 1);
  });
});

describe('bootstrap RBAC', () => {
  test('objects the API server maintains (rbac-defaults) are context, reported only with includeBootstrap', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:node', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] };
    const mine = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] };
    const reported = async (includeBootstrap: boolean) => {
      const r = await runAudit(await dumpSource('-', { stdinText: asList([role, mine] as Obj[]) }), { scan: { checks: ALL_CHECKS, only: ['RBAC-SECRETS'] }, includeBootstrap });
      return r.findings.map((f) => f.object.name);
    };
    assert.deepEqual(await reported(false), ['reader']);
    assert.deepEqual((await reported(true)).sort(), ['reader', 'system:node']);
  });
});

describe('folding pods into their controllers', () => {
  const owned = (kind: string, name: string, uid: string, owner?: { kind: string; uid: string }, extra: Json = {}): Json => ({
    apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: 'shop', uid, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: 'x', uid: owner.uid, controller: true }] } : {}) },
    ...extra,
  });
  const template = { spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } };
  const podSpec = { spec: { containers: [{ name: 'c', image: 'x' }] } };

  test('replicas and ReplicaSets fold into the Deployment; bare, mirror and orphaned pods stay', () => {
    const objects = [
      owned('Deployment', 'web', 'd1', undefined, template),
      owned('ReplicaSet', 'web-1', 'r1', { kind: 'Deployment', uid: 'd1' }, template),
      owned('Pod', 'web-1-a', 'p1', { kind: 'ReplicaSet', uid: 'r1' }, podSpec),
      owned('Pod', 'web-1-b', 'p2', { kind: 'ReplicaSet', uid: 'r1' }, podSpec),
      owned('Pod', 'bare', 'p3', undefined, podSpec),
      // A static pod's mirror is owned by its Node, which is not in the namespace.
      owned('Pod', 'etcd-node1', 'p4', { kind: 'Node', uid: 'n1' }, podSpec),
      // Owned by a ReplicaSet that is gone (or not listed): reported itself.
      owned('Pod', 'orphan', 'p5', { kind: 'ReplicaSet', uid: 'gone' }, podSpec),
      // A ConfigMap owned by the Deployment is not a replica.
      owned('ConfigMap', 'web-config', 'c1', { kind: 'Deployment', uid: 'd1' }),
    ];
    const { kept, folded } = foldIntoControllers(objects);
    assert.deepEqual(
      kept.map((o) => (o.metadata as { name: string }).name),
      ['web', 'bare', 'etcd-node1', 'orphan', 'web-config'],
    );
    assert.deepEqual(Object.fromEntries(folded), { ReplicaSet: 1, Pod: 2 });
  });
});

describe('normalizing live objects', () => {
  test('drops managedFields, last-applied, status (except Nodes and Services), Secret values and the serviceAccount alias', () => {
    const dep = normalize({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { template: { spec: { serviceAccount: 'web', serviceAccountName: 'web', containers: [] } } },
      status: { replicas: 1 },
    });
    assert.deepEqual(dep, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { serviceAccountName: 'web', containers: [] } } } });
    // A different alias is the author's (a mistake SA-REF reports): kept.
    const pod = normalize({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccount: 'old', serviceAccountName: 'new', containers: [] } });
    assert.equal((pod.spec as Json).serviceAccount, 'old');
    const secret = normalize({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'a' } }, data: { password: 'aHVudGVyMg==' }, type: 'Opaque' });
    assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { team: 'a' } }, type: 'Opaque' });
    const node = normalize({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [] } });
    assert.deepEqual(node.status, { addresses: [] });
  });
});

describe('--from dumps', () => {
  test('Secret values never reach the checks; kinds audit does not read are skipped and counted', async () => {
    const dump = asList([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'a' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tok', namespace: 'a', labels: { 'kubernetes.io/legacy-token-last-used': '2025-01-02' } }, type: 'kubernetes.io/service-account-token', data: { token: 'ZXlK' } },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'a' } },
      { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'a' }, spec: { size: 3 } },
      { apiVersion: 'example.com/v1', kind: 'Runner', metadata: { name: 'r', namespace: 'a' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } } },
    ] as Obj[]);
    const source = await dumpSource('-', { stdinText: dump });
    const seen: Json[] = [];
    const r = await runAudit(source, { scan: { checks: ALL_CHECKS }, onObject: (o) => seen.push(o) });
    assert.deepEqual(
      seen.map((o) => `${String(o.kind)}/${String((o.metadata as Json).name)}`),
      ['Secret/tok', 'Runner/r'],
    );
    assert.ok(!JSON.stringify(seen).includes('ZXlK') && !JSON.stringify(r).includes('aHVudGVyMg'), 'no Secret value anywhere');
    assert.ok(r.findings.some((f) => f.check === 'CTR-PRIVILEGED' && f.object.kind === 'Runner'), 'custom resources with pod templates are checked');
    assert.match(r.warnings.join('\n'), /3 object\(s\) of kinds audit does not check were skipped: .*Endpoints \(1\)/);
  });

  test('a file that is not a manifest, or holds nothing, is a gap, not a clean audit', async () => {
    const bad = await dumpSource('-', { stdinText: 'items: [' });
    assert.equal(bad.gaps.length, 1);
    const empty = await dumpSource('-', { stdinText: '' });
    assert.match(empty.gaps.map((g) => g.message).join(), /no Kubernetes objects/);
  });
});
