// `kubeharden audit` as a user runs it, without a cluster: flags, --from, and failing closed when
// there is no cluster to read (exit 2 and a message naming it, never an empty "clean" report).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { kubeharden } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeharden-audit-cli-'));

test('usage errors exit 2 with the reason', () => {
  for (const [args, message] of [
    [['audit', '-n', 'shop', '-A', '--from', 'x'], /-n and -A exclude each other/],
    [['audit', '-n', 'Shop_1', '--from', 'x'], /"Shop_1" is not a namespace name/],
    [['audit', '--from', 'x', '--write-reports'], /cannot be used with --from/],
    [['audit', '--from', 'x', '--context', 'prod'], /takes no --kubeconfig\/--context/],
    [['audit', '--from', 'x', '-o', 'pdf'], /unknown format "pdf"/],
    [['audit', '--from', 'x', '--report-api', 'kyverno'], /"kyverno" is not one of wgpolicyk8s, openreports/],
    [['audit', '--from', 'x', '--chunk-size', '0'], /--chunk-size: expected a whole number/],
    [['audit', 'install', '--schedule', 'hourly'], /not a cron schedule/],
    [['audit', 'install', '--resource', 'rollouts'], /--resource expects group\/resource/],
  ] as const) {
    const r = kubeharden([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('no cluster configuration, or a cluster that does not answer: exit 2 naming it, no report', () => {
  const none = kubeharden(['audit', '-o', 'json'], { env: { KUBECONFIG: join(dir, 'missing'), HOME: dir, KUBERNETES_SERVICE_HOST: '' } });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^error: cannot read the cluster configuration: /m);
  assert.equal(none.stdout, '');

  const kc = join(dir, 'down.kubeconfig');
  writeFileSync(kc, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'down', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'prod', context: { cluster: 'down', user: 'u' } }], 'current-context': 'prod' }));
  const down = kubeharden(['audit', '--kubeconfig', kc, '-o', 'json']);
  assert.equal(down.code, 2, down.stderr);
  assert.match(down.stderr, /cannot audit: discover the core API: context "prod" \(cluster "down"\) at https:\/\/127\.0\.0\.1:1: connection refused .*\(5 attempts\)/);
  assert.equal(down.stdout, '');
});

test('--from a kubectl List: findings name objects and fields (no file position) in every format; exit codes as scan', () => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'n1' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop', uid: 'd1' },
        spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] } } },
      },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', uid: 'r1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] }, spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] } } } },
    ],
  };
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify(list));
  const json = kubeharden(['audit', '--from', file, '-o', 'json', '--checks', 'CTR-PRIVILEGED']);
  assert.equal(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout) as { version: number; findings: Array<Record<string, unknown>> };
  assert.equal(report.version, 1);
  assert.deepEqual(
    report.findings.map((f) => [f.file, f.line, (f.object as { kind: string }).kind, f.path, f.origin]),
    [[file, 0, 'Deployment', 'spec.template.spec.containers[0].securityContext.privileged', { cluster: file, uid: 'd1' }]],
  );
  const text = kubeharden(['audit', '--from', file, '--checks', 'CTR-PRIVILEGED', '--no-color']);
  assert.match(text.stdout, /Deployment shop\/web\n {4}spec\.template\.spec\.containers\[0\]\.securityContext\.privileged {2}CRITICAL CTR-PRIVILEGED/);
  assert.match(text.stdout, /audited .*cluster\.json: 1 namespace; folded into their controllers: 1 ReplicaSet/);
  const sarif = JSON.parse(kubeharden(['audit', '--from', file, '-o', 'sarif', '--checks', 'CTR-PRIVILEGED']).stdout) as { runs: Array<{ results: Array<{ locations: Array<Record<string, unknown>> }> }> };
  const loc = sarif.runs[0].results[0].locations[0];
  assert.equal(loc.physicalLocation, undefined);
  assert.deepEqual(loc.logicalLocations, [{ fullyQualifiedName: 'Deployment/shop/web/spec.template.spec.containers[0].securityContext.privileged', kind: 'object' }]);
  const junit = kubeharden(['audit', '--from', file, '-o', 'junit', '--checks', 'CTR-PRIVILEGED']).stdout;
  assert.doesNotMatch(junit, /line="0"/);
  const none = kubeharden(['audit', '--from', file, '--checks', 'CTR-PRIVILEGED', '--fail-on', 'none', '-o', 'json']);
  assert.equal(none.code, 0);
  const stdin = kubeharden(['audit', '--from', '-', '-o', 'json', '--checks', 'CTR-PRIVILEGED'], { input: JSON.stringify(list) });
  assert.equal((JSON.parse(stdin.stdout) as { findings: unknown[] }).findings.length, 1);
  // kubectl get -o yaml gives the same List as YAML.
  const yamlFile = join(dir, 'cluster.yaml');
  writeFileSync(yamlFile, stringify(list));
  const fromYaml = JSON.parse(kubeharden(['audit', '--from', yamlFile, '-o', 'json', '--checks', 'CTR-PRIVILEGED']).stdout) as { findings: Array<Record<string, unknown>> };
  assert.deepEqual(
    fromYaml.findings.map((f) => [f.path, f.message]),
    report.findings.map((f) => [f.path, f.message]),
  );
});

test('findings wait in TMPDIR: one that cannot be written is exit 2 naming it, no report', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }] };
  const file = join(dir, 'tmpdir-list.json');
  writeFileSync(file, JSON.stringify(list));
  const missing = join(dir, 'no-such-folder');
  const r = kubeharden(['audit', '--from', file, '-o', 'json'], { env: { TMPDIR: missing } });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: cannot create the findings' temporary files in ${missing} \\(ENOENT\\); set TMPDIR`, 'm'));
  assert.equal(r.stdout, '');
});
