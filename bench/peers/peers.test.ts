/**
 * Tests of the benchmark's own logic: output parsers, object renaming for scaled copies, oracles.
 *   node --import tsx --test bench/peers/peers.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { findPod, objectKey, type CorpusObject, type JsonMap } from './corpus.js';
import { truthOf, imageTagProblem, selects } from './oracle.js';
import { parseCheckov, parseKubeharden, parseKubeScore } from './parse.js';
import { nameInsertOffsets } from './scale.js';

function obj(file: string, o: JsonMap): CorpusObject {
  const md = (o.metadata ?? {}) as JsonMap;
  const ns = typeof md.namespace === 'string' ? md.namespace : '';
  const name = String(md.name);
  return { file, kind: String(o.kind), apiVersion: String(o.apiVersion), namespace: ns, name, key: objectKey(file, String(o.kind), ns, name), object: o, pod: findPod(o) };
}

describe('parsers', () => {
  it('kubeharden findings become fail verdicts keyed by file, kind, namespace (default when absent), name', () => {
    const idx = parseKubeharden(
      JSON.stringify({
        findings: [{ check: 'CTR-PRIVILEGED', file: './a/b.yaml', container: 'c', message: 'm', object: { kind: 'Deployment', name: 'd' } }],
        errors: [{ file: 'x.yaml', message: 'invalid YAML: bad' }, { file: 'y.yaml', message: 'duplicate key: k; the last value is used' }],
      }),
    );
    assert.deepEqual([...(idx.idx.get('CTR-PRIVILEGED')?.keys() ?? [])], ['a/b.yaml|Deployment|default|d']);
    assert.deepEqual([...idx.errorFiles], ['x.yaml']);
  });

  it('Checkov resources split on the first two dots only', () => {
    const idx = parseCheckov(
      JSON.stringify({
        results: {
          passed_checks: [{ check_id: 'CKV_K8S_21', resource: 'APIService.default.v1beta1.metrics.k8s.io', file_path: '/m/a.yaml', check_result: {} }],
          failed_checks: [{ check_id: 'CKV_K8S_16', resource: 'Pod.ns.p', file_path: '/m/a.yaml', check_result: { evaluated_keys: ['spec'] } }],
        },
      }),
    );
    assert.equal(idx.get('CKV_K8S_21')?.get('m/a.yaml|APIService|default|v1beta1.metrics.k8s.io')?.fail, false);
    assert.equal(idx.get('CKV_K8S_16')?.get('m/a.yaml|Pod|ns|p')?.fail, true);
  });

  it('kube-score: skipped checks give no verdict, grade < 10 fails with the containers of the comments', () => {
    const idx = parseKubeScore(
      JSON.stringify([
        {
          type_meta: { kind: 'Deployment' },
          object_meta: { name: 'd' },
          checks: [
            { check: { id: 'container-image-tag' }, grade: 1, skipped: false, comments: [{ path: 'app', summary: 'Image with latest tag' }] },
            { check: { id: 'container-seccomp-profile' }, grade: 10, skipped: true, comments: [] },
            { check: { id: 'container-security-context-privileged' }, grade: 10, skipped: false, comments: null },
          ],
        },
      ]),
      'x.yaml',
    );
    assert.deepEqual(idx.get('container-image-tag')?.get('x.yaml|Deployment|default|d')?.containers, ['app']);
    assert.equal(idx.get('container-seccomp-profile'), undefined);
    assert.equal(idx.get('container-security-context-privileged')?.get('x.yaml|Deployment|default|d')?.fail, false);
  });
});

describe('scaled copies', () => {
  it('suffixes metadata.name of every object (plain, quoted, List items) and nothing else', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {name: x}\n---\nkind: List\napiVersion: v1\nitems:\n- kind: Secret\n  apiVersion: v1\n  metadata: {name: "b"}\n';
    const offs = nameInsertOffsets(text);
    let out = '';
    let last = 0;
    for (const o of offs) {
      out += `${text.slice(last, o)}-c7`;
      last = o;
    }
    out += text.slice(last);
    const names = parseAllDocuments(out).map((d) => d.toJS() as { metadata?: { name: string }; items?: Array<{ metadata: { name: string } }> });
    assert.equal(names[0].metadata?.name, 'a-c7');
    assert.equal(names[1].items?.[0].metadata.name, 'b-c7');
    assert.ok(out.includes('labels: {name: x}'));
  });
});

describe('oracles', () => {
  it('PSS semantics: exact ALL, explicit allowPrivilegeEscalation false, init containers count', () => {
    const o = obj('f.yaml', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox', securityContext: { capabilities: { drop: ['all'] } } }],
        containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      },
    });
    assert.deepEqual(truthOf('CTR-CAPS-DROP-ALL', o)?.containers, ['init']);
    assert.deepEqual(truthOf('CTR-PRIV-ESC', o)?.containers, ['init']);
    assert.deepEqual(truthOf('IMG-TAG', o)?.containers, ['init']);
  });

  it('image references: digest pins, registry ports are not tags', () => {
    assert.equal(imageTagProblem('reg:5000/app'), 'no tag');
    assert.equal(imageTagProblem('reg:5000/app:latest'), ':latest');
    assert.equal(imageTagProblem('app@sha256:abc'), undefined);
  });

  it('label selectors: matchLabels and matchExpressions', () => {
    assert.ok(selects({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['2'] }] }, { a: '1', b: '3' }));
    assert.ok(!selects({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, { a: '1' }));
    assert.ok(selects({}, {}));
  });

  it('CSR approval needs both the approval subresource and approve on signers', () => {
    const role = (rules: JsonMap[]): CorpusObject => obj('r.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules });
    assert.equal(truthOf('RBAC-CSR-APPROVE', role([{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'patch'] }]))?.fail, false);
    assert.equal(truthOf('RBAC-CSR-APPROVE', role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]))?.fail, true);
  });
});
