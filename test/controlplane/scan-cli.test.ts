/**
 * The control-plane options of `kubeharden scan` as a user meets them: usage errors exit 2 before
 * anything is read, unreadable or unparsable inputs are errors naming the file (exit 2) while the
 * rest is still reported, and nothing is read from disk that the options did not point at.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliBatch } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeharden-cp-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const put = (rel: string, text: string): string => {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const manifest = put('manifests/kube-apiserver.yaml', `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: a
      image: registry.k8s.io/kube-apiserver:v1.35.4
      command: [kube-apiserver, --anonymous-auth=false, "--authorization-mode=Node,RBAC", --audit-policy-file=/etc/kubernetes/audit.yaml, --encryption-provider-config=/etc/kubernetes/enc.yaml]
      volumeMounts: [{name: k, mountPath: /etc/kubernetes}]
  volumes: [{name: k, hostPath: {path: /etc/kubernetes}}]
`);
put('node/etc/kubernetes/audit.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n   bad: indent\n');

const app = put('app/deployment.yaml', `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`);

describe('compliance view of the control-plane controls', () => {
  const [apps, cp] = cliBatch(
    ['scan', app, '-o', 'json', '--fail-on', 'none', '--framework', 'nsa-cisa'],
    ['scan', manifest, '-o', 'json', '--fail-on', 'none', '--framework', 'nsa-cisa'],
  );
  const status = (stdout: string, id: string) => (JSON.parse(stdout) as { compliance: { controls: Array<{ id: string; status: string }> } }).compliance.controls.find((c) => c.id === id)?.status;

  it('a scan without a control plane does not pass the control-plane controls: they are out of its scope', () => {
    assert.equal(status(apps.stdout, 'N4'), 'no-scope');
    assert.equal(status(apps.stdout, 'L1'), 'no-scope');
  });

  it('with an API server in the scan they are judged', () => {
    assert.equal(status(cp.stdout, 'N4'), 'fail');
    assert.equal(status(cp.stdout, 'L1'), 'fail', 'no audit log');
  });
});

describe('scan: control-plane options', () => {
  const runs = cliBatch(
    ['scan', manifest, '--path-map', 'etc/kubernetes=./x'],
    ['scan', manifest, '--root', join(dir, 'nope')],
    ['scan', manifest, '--context', 'prod'],
    ['scan', '--cmdline', join(dir, 'missing.cmdline'), '-o', 'json'],
    ['scan', manifest, '--root', join(dir, 'node'), '-o', 'json', '--fail-on', 'none', '--checks', 'CP-NOT-ASSESSABLE,APISERVER-ANONYMOUS-AUTH,AUDIT-POLICY-GAPS'],
    ['scan', manifest, '-o', 'json', '--fail-on', 'none', '--checks', 'CP-NOT-ASSESSABLE'],
  );

  it('usage errors exit 2 and say what is expected', () => {
    assert.deepEqual(runs.slice(0, 3).map((r) => r.code), [2, 2, 2]);
    assert.match(runs[0].stderr, /--path-map expects \/node\/dir=local\/dir, got "etc\/kubernetes=\.\/x"/);
    assert.match(runs[1].stderr, /--root .*nope: not a directory/);
    assert.match(runs[2].stderr, /--kubeconfig and --context are for --control-plane/);
  });

  it('a command line file that cannot be read is an error naming it (exit 2), and scans nothing else by default', () => {
    assert.equal(runs[3].code, 2);
    const r = JSON.parse(runs[3].stdout) as { errors: Array<{ file: string; message: string }>; summary: { objects: number } };
    assert.deepEqual(r.errors.map((e) => e.message), ['cannot read the command line: ENOENT']);
    assert.equal(r.summary.objects, 0, 'no default "." scan when the inputs are command lines');
  });

  it('a named config file that does not parse is an input error with its position; a missing one is not assessable; other results stay', () => {
    // --fail-on none silences findings, never an incomplete read: the input error still exits 2.
    assert.equal(runs[4].code, 2);
    const r = JSON.parse(runs[4].stdout) as { errors: Array<{ file: string; line?: number; message: string }>; findings: Array<{ check: string; message: string }> };
    assert.equal(r.errors.length, 1);
    assert.match(`${r.errors[0].file}:${r.errors[0].line}`, /node\/etc\/kubernetes\/audit\.yaml:5/);
    const na = r.findings.filter((f) => f.check === 'CP-NOT-ASSESSABLE').map((f) => f.message);
    assert.ok(na.some((m) => /the EncryptionConfiguration \/etc\/kubernetes\/enc\.yaml .* is missing: not found at .*node\/etc\/kubernetes\/enc\.yaml \(--root /.test(m)), na.join('\n'));
    assert.ok(na.some((m) => /the Policy \/etc\/kubernetes\/audit\.yaml/.test(m)), 'the policy that did not parse is not judged either');
  });

  it('without --root, nothing outside the inputs is read: the files are not assessable, with the way to provide them', () => {
    const r = JSON.parse(runs[5].stdout) as { findings: Array<{ message: string }> };
    assert.ok(r.findings.some((f) => /is missing: not in the scan: add the file, or scan with --root \/ on the node \(or --path-map \/etc\/kubernetes=<copy>\)/.test(f.message)), r.findings.map((f) => f.message).join('\n'));
  });
});
