import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadText } from '../load/index.js';
import { linkNodeFiles } from './link.js';
import { commandLineObject } from './cmdline.js';

const root = mkdtempSync(join(tmpdir(), 'kubeharden-link-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const kubeletCfg = (body: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${body}\n`;

describe('following the files command lines name', () => {
  put('node/var/lib/kubelet/config.yaml', kubeletCfg('staticPodPath: /etc/kubernetes/manifests'));
  put('node/etc/kubernetes/kubelet.conf.d/10.conf', kubeletCfg('readOnlyPort: 0'));
  put('node/etc/kubernetes/kubelet.conf.d/sub/20.conf', kubeletCfg('seccompDefault: true'));
  put('node/etc/kubernetes/kubelet.conf.d/notes.txt', 'not a drop-in');
  put('node/etc/kubernetes/manifests/kube-apiserver.yaml', `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: a
      image: registry.k8s.io/kube-apiserver:v1.35.4
      command: [kube-apiserver, --encryption-provider-config=/etc/kubernetes/enc.yaml, --audit-policy-file=/etc/kubernetes/audit.yaml, --authorization-config=/etc/kubernetes/authz.yaml]
      volumeMounts: [{name: k, mountPath: /etc/kubernetes}]
  volumes: [{name: k, hostPath: {path: /etc/kubernetes}}]
`);
  put('node/etc/kubernetes/manifests/.hidden.yaml', 'not: read');
  put('node/etc/kubernetes/enc.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{identity: {}}]}]\n');
  put('node/etc/kubernetes/audit.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [\n');
  const cmd = commandLineObject('kubelet.cmdline', Buffer.from('/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--config-dir=/etc/kubernetes/kubelet.conf.d\0'));

  it('kubelet → config → drop-ins → static pods → their config files; dot files and non-.conf files skipped', async () => {
    const r = await linkNodeFiles([cmd], { root: join(root, 'node') });
    const rel = r.files.map((f) => f.slice(join(root, 'node').length)).sort();
    assert.deepEqual(rel, [
      '/etc/kubernetes/audit.yaml',
      '/etc/kubernetes/enc.yaml',
      '/etc/kubernetes/kubelet.conf.d/10.conf',
      '/etc/kubernetes/kubelet.conf.d/sub/20.conf',
      '/etc/kubernetes/manifests/kube-apiserver.yaml',
      '/var/lib/kubelet/config.yaml',
    ]);
    // The audit policy that does not parse is an input error with its position; authz.yaml does not exist: nothing read, no error.
    assert.equal(r.errors.length, 1);
    assert.match(`${r.errors[0].file}:${r.errors[0].line}: ${r.errors[0].message}`, /audit\.yaml:\d+: invalid YAML/);
    assert.deepEqual([...r.view.listedDirectories.keys()], ['/etc/kubernetes/kubelet.conf.d']);
  });

  it('reads nothing without --root or --path-map', async () => {
    const r = await linkNodeFiles([cmd], {});
    assert.deepEqual(r.files, []);
  });

  it('--path-map reads only under the mapped directory', async () => {
    const r = await linkNodeFiles([cmd], { pathMap: [{ node: '/var/lib/kubelet', local: join(root, 'node/var/lib/kubelet') }] });
    assert.deepEqual(r.files.map((f) => f.slice(root.length)), ['/node/var/lib/kubelet/config.yaml']);
  });

  it('a file that exists but cannot be read is an input error naming it', async () => {
    // /proc/self/mem exists and refuses reads at offset 0 (EIO), for root too.
    mkdirSync(join(root, 'broken/var/lib/kubelet'), { recursive: true });
    symlinkSync('/proc/self/mem', join(root, 'broken/var/lib/kubelet/config.yaml'));
    const r = await linkNodeFiles([cmd], { root: join(root, 'broken') });
    assert.match(r.errors.map((e) => `${e.file}: ${e.message}`).join('\n'), /broken\/var\/lib\/kubelet\/config\.yaml: cannot read: EIO/);
  });
});

describe('command lines from /proc', () => {
  it('NUL-separated arguments, located by byte offset; text files by line', () => {
    const nul = commandLineObject('/proc/1/cmdline', Buffer.from('kubelet\0--a=b\0--c\0'));
    assert.deepEqual((nul.object.spec as { command: string[] }).command, ['kubelet', '--a=b', '--c']);
    assert.deepEqual(nul.source.locate(['spec', 'command', 2]), { line: 1, column: 15, endLine: 1, endColumn: 18 });
    const text = commandLineObject('cmd.txt', Buffer.from('kubelet\n--a=b\n--c\n'));
    assert.deepEqual(text.source.locate(['spec', 'command', 1]), { line: 2, column: 1, endLine: 2, endColumn: 6 });
    assert.equal(loadText(Buffer.from(''), 'x').objects.length, 0);
  });
});
