/**
 * kube-bench's known false results, reproduced as node files and kubelet command lines
 * (test/controlplane/kube-bench/README.md), scanned as a user would: `kubeharden scan --root
 * <node copy> --cmdline <file>`. Each asserts the complete list of control-plane and kubelet
 * findings — none where kube-bench reports a false FAIL, the real problems still reported, and
 * "not assessable" (never FAIL) for what the scan cannot see.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cliBatch } from '../cli/helpers.js';

const DIR = fileURLToPath(new URL('./kube-bench/', import.meta.url));
const OURS = /^(APISERVER|KUBELET|ETCD|KCM|CP|ENCRYPTION|AUDIT|AUTHN|AUTHZ|ADMISSION)-/;

interface Report {
  findings: Array<{ check: string; severity: string; message: string; file: string; line: number; path: string }>;
  errors: Array<{ file: string; message: string }>;
}

function ours(stdout: string): Report['findings'] {
  const r = JSON.parse(stdout) as Report;
  assert.deepEqual(r.errors, [], 'no input errors');
  return r.findings.filter((f) => OURS.test(f.check));
}

const checks = (fs: Report['findings']) => fs.map((f) => f.check).sort();

describe('kube-bench reproductions: no false FAIL', () => {
  const runs = cliBatch(
    ['scan', '--root', `${DIR}195-eks/root`, '--cmdline', `${DIR}195-eks/cmdline`, '-o', 'json'],
    ['scan', '--cmdline', `${DIR}195-eks/cmdline`, '-o', 'json'],
    ['scan', '--root', `${DIR}1256-relative-config/root`, `${DIR}1256-relative-config/process.yaml`, '-o', 'json'],
    ['scan', '--root', `${DIR}1256-relative-config/root`, '--cmdline', `${DIR}1256-relative-config/cmdline`, '-o', 'json'],
    ['scan', '--root', `${DIR}1973-k3s-config-dir/root`, '--cmdline', `${DIR}1973-k3s-config-dir/cmdline`, '-o', 'json'],
    ['scan', '--root', `${DIR}858-external-etcd/root`, `${DIR}858-external-etcd/root/etc/kubernetes/manifests`, '-o', 'json', '--fail-on', 'none'],
    ['scan', '--cmdline', `${DIR}1242-flags-only/cmdline`, '-o', 'json', '--fail-on', 'none'],
  );

  it('#195 EKS: `--config FILE` (JSON, space-separated) is read: every kubelet setting passes', () => {
    assert.equal(runs[0].code, 0, runs[0].stderr);
    assert.deepEqual(checks(ours(runs[0].stdout)), []);
  });

  it('#195 without the node files: the kubelet settings are not assessable, never FAIL', () => {
    const f = ours(runs[1].stdout);
    assert.deepEqual(checks(f), ['CP-NOT-ASSESSABLE']);
    assert.match(f[0].message, /the KubeletConfiguration \/etc\/kubernetes\/kubelet\/kubelet-config\.json \(--config, .*\) is missing: not in the scan/);
    assert.equal(f[0].line, 4, 'at the --config argument (the line that names the flag)');
  });

  it('#1256: a relative --config resolves against the kubelet\'s working directory', () => {
    assert.equal(runs[2].code, 0, runs[2].stderr);
    assert.deepEqual(checks(ours(runs[2].stdout)), []);
  });

  it('#1256 from /proc/<pid>/cmdline text without the working directory: / is assumed, and the miss is said, not failed', () => {
    const f = ours(runs[3].stdout);
    assert.deepEqual(checks(f), ['CP-NOT-ASSESSABLE']);
    assert.match(f[0].message, /\/kubelet_conf\.json on the node\) is missing/);
  });

  it('#1973 k3s: --config-dir drop-ins merge in lexical order over the legacy flag defaults; flags win', () => {
    assert.equal(runs[4].code, 0, runs[4].stderr);
    assert.deepEqual(checks(ours(runs[4].stdout)), []);
  });

  it('#858 external etcd: not assessable at --etcd-servers, no ETCD-* FAIL', () => {
    const f = ours(runs[5].stdout);
    assert.deepEqual(f.filter((x) => x.check.startsWith('ETCD-') || x.check === 'APISERVER-ETCD-TLS'), []);
    const na = f.filter((x) => x.check === 'CP-NOT-ASSESSABLE').map((x) => x.message).sort();
    assert.equal(na.length, 2, na.join('\n'));
    assert.match(na[0], /^etcd is not in the scan \(the API server uses https:\/\/10\.0\.0\.31:2379,/);
    assert.match(na[1], /^no kubelet configuration is in the scan/);
    assert.ok(f.every((x) => x.check !== 'CP-NOT-ASSESSABLE' || x.severity === 'info'));
  });

  it('#1242 flags only: --anonymous-auth=false passes; the legacy defaults of a kubelet without --config are real findings', () => {
    const f = ours(runs[6].stdout);
    assert.deepEqual(checks(f), [
      'KUBELET-AUTHZ-MODE', 'KUBELET-CERT-ROTATION', 'KUBELET-CLIENT-CA', 'KUBELET-PROTECT-KERNEL-DEFAULTS',
      'KUBELET-READ-ONLY-PORT', 'KUBELET-SECCOMP-DEFAULT', 'KUBELET-SERVING-CERT', 'KUBELET-WEBHOOK-AUTHN',
    ]);
    assert.match(f.find((x) => x.check === 'KUBELET-AUTHZ-MODE')?.message ?? '', /AlwaysAllow \(the legacy default of a kubelet started without --config\)/);
    assert.match(f.find((x) => x.check === 'KUBELET-READ-ONLY-PORT')?.message ?? '', /port 10255/);
  });
});
