/**
 * Tests of the benchmark's own logic: output parsers, object renaming for scaled copies, oracles.
 *   node --import tsx --test bench/peers/peers.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { spawnSync } from 'node:child_process';
import { kyvernoControls, kyvernoMappings } from './agreement.js';
import { findPod, loadCorpus, objectKey, type CorpusObject, type JsonMap } from './corpus.js';
import { truthOf, imageTagProblem, selects } from './oracle.js';
import { distinctBatches, kyvernoCommand } from './kyverno.js';
import { parseCheckov, parseKubeharden, parseKubeScore, parseKyverno, parseTrivy, trivyCheckId } from './parse.js';
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

/** The corpus model of files written to a temporary directory (for line ranges). */
function corpusOf(files: Record<string, string>): Map<string, CorpusObject> {
  const dir = mkdtempSync(join(tmpdir(), 'peers-test-'));
  try {
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    return loadCorpus(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const POD = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n';

describe('corpus model', () => {
  it('records the lines of each document and of each List item', () => {
    const objs = corpusOf({ 'a.yaml': `${POD('p')}---\n${SVC}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n` });
    assert.deepEqual(objs.get('a.yaml|Pod|default|p')?.lines, [1, 8]);
    assert.deepEqual(objs.get('a.yaml|Service|default|s')?.lines, [10, 16]);
    assert.deepEqual(objs.get('a.yaml|ConfigMap|default|c')?.lines, [21, 23]);
  });
});

describe('Trivy', () => {
  it('check ids are spelled as the catalogue spells them', () => {
    assert.equal(trivyCheckId('KSV-0011'), 'KSV011');
    assert.equal(trivyCheckId('KSV-0108'), 'KSV108');
    assert.equal(trivyCheckId('KSV-01010'), 'KSV01010');
  });

  it('places a FAIL on the object its message names, else by its lines; a per-file PASS passes the objects of kinds the check reads', () => {
    const objs = corpusOf({ 'a.yaml': `${POD('p')}---\n${SVC}---\n${POD('q')}`, 'b.yaml': POD('r') });
    const fail = (id: string, message: string, lines?: [number, number]) => ({ ID: id, Status: 'FAIL', Message: message, CauseMetadata: lines ? { StartLine: lines[0], EndLine: lines[1] } : {} });
    const out = JSON.stringify({
      Results: [
        {
          Target: 'a.yaml',
          Class: 'config',
          Misconfigurations: [
            // Lines off by a document (as Trivy reports for argo-cd's namespace-install.yaml): the name decides.
            fail('KSV-0001', "Container 'app' of Pod 'q' should set 'securityContext.allowPrivilegeEscalation' to false", [9, 20]),
            fail('KSV-0106', 'container should drop all', [18, 22]),
            // No name, the same drifted lines as the finding above: that finding's object, not the Service the lines overlap most.
            fail('KSV-0030', "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'", [9, 20]),
            fail('KSV-0117', 'pod p in default namespace should not set spec.template.spec.containers.ports.containerPort to less than 1024'),
          ],
        },
        { Target: 'b.yaml', Class: 'config', Misconfigurations: [{ ID: 'KSV-0001', Status: 'PASS', Message: 'No issues found', CauseMetadata: {} }] },
      ],
    });
    const { idx, unplaced } = parseTrivy(out, objs);
    assert.deepEqual(unplaced, []);
    const v = (check: string, key: string) => idx.get(check)?.get(key);
    assert.deepEqual(v('KSV001', 'a.yaml|Pod|default|q'), { check: 'KSV001', key: 'a.yaml|Pod|default|q', fail: true, containers: ['app'], notes: ["Container 'app' of Pod 'q' should set 'securityContext.allowPrivilegeEscalation' to false"] });
    assert.equal(v('KSV001', 'a.yaml|Pod|default|p')?.fail, false);
    assert.equal(v('KSV001', 'b.yaml|Pod|default|r')?.fail, false);
    // A Service is of no kind KSV001 reads: no verdict rather than an agreement on a pass.
    assert.equal(v('KSV001', 'a.yaml|Service|default|s'), undefined);
    assert.deepEqual(v('KSV106', 'a.yaml|Pod|default|q')?.containers, ['']);
    assert.equal(v('KSV117', 'a.yaml|Pod|default|p')?.fail, true);
    assert.equal(v('KSV030', 'a.yaml|Pod|default|q')?.fail, true);
    assert.equal(v('KSV030', 'a.yaml|Service|default|s'), undefined);
  });
});

describe('Kyverno', () => {
  it('maps its podSecurity report to the PSS-* checks: failing controls with their containers, the other controls pass', () => {
    const ds = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: node-exporter, namespace: monitoring}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n      - {name: node-exporter, image: ne}\n      - {name: kube-rbac-proxy, image: krp}\n`;
    const objs = corpusOf({ 'd.yaml': ds, 'p.yaml': POD('ok') });
    const controls = kyvernoControls([{ id: 'PSS-hostNamespaces', scope: 'pod', peers: {} }, { id: 'PSS-hostPorts', scope: 'pod', peers: {} }, { id: 'PSS-seccompProfile_restricted', scope: 'pod', peers: {} }, { id: 'PSS-NAMESPACE-NO-ENFORCE', scope: 'bundle', peers: {} }]);
    assert.deepEqual(controls, ['hostNamespaces', 'hostPorts', 'seccompProfile_restricted']);
    const result = (resources: JsonMap[], r: JsonMap) => JSON.stringify({ kind: 'ClusterReport', apiVersion: 'openreports.io/v1alpha1', results: [{ policy: 'pss-restricted', rule: 'restricted', resources, ...r }] });
    // As Kyverno v1.19.1 prints it for kube-prometheus' node-exporter (trimmed to three controls).
    const failing = result([{ kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter', apiVersion: 'apps/v1' }], {
      result: 'fail',
      message:
        'Validation rule \'restricted\' failed. It violates PodSecurity "restricted:v1.32": (Forbidden reason: host namespaces, field error list: [spec.template.spec.hostNetwork is forbidden, forbidden values found: true])(Forbidden reason: hostPort, field error list: [spec.template.spec.containers[1].ports[0].hostPort is forbidden, forbidden values found: 9100])(Forbidden reason: seccompProfile, field error list: [spec.template.spec.containers[0].securityContext.seccompProfile.type: Required value])',
      properties: { controls: 'hostNamespaces,hostPorts,seccompProfile_restricted' },
    });
    const passing = result([{ kind: 'Pod', namespace: 'default', name: 'ok', apiVersion: 'v1' }], { result: 'pass', message: "Validation rule 'restricted' passed." });
    const idx = parseKyverno(`${failing}\n---\n${passing}\n`, (kind) => (kind === 'Pod' ? 'p.yaml' : 'd.yaml'), objs, controls);
    const ds1 = 'd.yaml|DaemonSet|monitoring|node-exporter';
    assert.deepEqual(idx.get('hostNamespaces')?.get(ds1)?.containers, ['']);
    assert.deepEqual(idx.get('hostPorts')?.get(ds1)?.containers, ['kube-rbac-proxy']);
    assert.deepEqual(idx.get('seccompProfile_restricted')?.get(ds1)?.containers, ['node-exporter']);
    for (const c of controls) assert.equal(idx.get(c)?.get('p.yaml|Pod|default|ok')?.fail, false);
    assert.deepEqual(
      kyvernoMappings([{ id: 'PSS-hostPorts', scope: 'pod', peers: {} }, { id: 'PSS-NAMESPACE-NO-ENFORCE', scope: 'bundle', peers: {} }]).map((m) => [m.khCheck, m.peer, m.peerChecks]),
      [['PSS-hostPorts', 'kyverno', ['hostPorts']]],
    );
  });
});

describe('Kyverno batches', () => {
  it('splits files so that no two objects of a batch share kind, namespace and name', () => {
    const ids: Record<string, string[]> = { 'install.yaml': ['CRD|default|apps', 'Deployment|argocd|server'], 'core.yaml': ['CRD|default|apps'], 'other.yaml': ['Pod|default|p'], 'ha.yaml': ['Deployment|argocd|server', 'CRD|default|apps'] };
    const batches = distinctBatches(Object.keys(ids), (f) => ids[f]);
    assert.deepEqual(batches.map((b) => b.files), [['install.yaml', 'other.yaml'], ['core.yaml'], ['ha.yaml']]);
    assert.equal(batches[0].owner.get('Pod|default|p'), 'other.yaml');
  });

  it('runs several batches one after another in one process tree and exits with the highest status', () => {
    // A stand-in for the binary that exits 2 on one file (as kyverno's panic does) and prints its arguments.
    const dir = mkdtempSync(join(tmpdir(), 'peers-test-'));
    try {
      const bin = join(dir, "fake kyverno's");
      writeFileSync(bin, '#!/bin/sh\necho "$@"\ncase "$*" in *bad*) exit 2;; *) exit 1;; esac\n', { mode: 0o755 });
      const c = kyvernoCommand(bin, [['a.yaml', "it's.yaml"], ['bad.yaml'], ['c.yaml']], 'test input');
      const r = spawnSync(c.cmd, c.args, { encoding: 'utf8', cwd: dir });
      assert.equal(r.status, 2);
      assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(' ').filter((a) => a.startsWith('--resource='))), [['--resource=a.yaml', "--resource=it's.yaml"], ['--resource=bad.yaml'], ['--resource=c.yaml']]);
      const one = kyvernoCommand(bin, [['a.yaml']], 'x');
      assert.equal(one.cmd, bin);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
