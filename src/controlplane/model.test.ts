import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { controlPlaneModel } from './model.js';
import { makeNodeView, nodePathOf, placeObject } from './node-files.js';

function model(files: Record<string, string>, view = makeNodeView({ root: '/n' })) {
  const objects = Object.entries(files).flatMap(([path, text]) => {
    const r = loadText(Buffer.from(text), `/n${path}`);
    assert.deepEqual(r.errors, [], path);
    for (const o of r.objects) placeObject(o, view);
    return r.objects;
  });
  return controlPlaneModel(new ObjectIndex(objects));
}

const apiserver = (flags: string[], extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.35.4
      command: ${JSON.stringify(['kube-apiserver', ...flags])}
${extra}`;

const mounts = `      volumeMounts:
        - {name: cfg, mountPath: /etc/kubernetes/cfg, readOnly: true}
        - {name: one, mountPath: /etc/kubernetes/audit.yaml, subPath: policy.yaml}
        - {name: cm, mountPath: /etc/cm}
  volumes:
    - {name: cfg, hostPath: {path: /srv/k8s}}
    - {name: one, hostPath: {path: /srv/audit}}
    - {name: cm, configMap: {name: apiserver-config}}
`;

describe('control-plane model: files named by flags', () => {
  it('maps container paths to node paths through hostPath mounts (longest mountPath, subPath)', () => {
    const m = model({
      '/etc/kubernetes/manifests/kube-apiserver.yaml': apiserver(['--encryption-provider-config=/etc/kubernetes/cfg/enc.yaml', '--audit-policy-file=/etc/kubernetes/audit.yaml', '--admission-control-config-file=/etc/cm/admission.yaml', '--authorization-config=/opt/authz.yaml'], mounts),
      '/srv/k8s/enc.yaml': 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: []\n',
      '/srv/audit/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    });
    const refs = Object.fromEntries(m.references.map((r) => [r.flag.name, r]));
    assert.deepEqual([refs['encryption-provider-config'].nodePath, refs['encryption-provider-config'].status], ['/srv/k8s/enc.yaml', 'found']);
    assert.deepEqual([refs['audit-policy-file'].nodePath, refs['audit-policy-file'].status], ['/srv/audit/policy.yaml', 'wrong-kind']);
    assert.equal(refs['admission-control-config-file'].status, 'unreachable');
    assert.match(refs['admission-control-config-file'].reason ?? '', /configMap volume "cm"/);
    assert.match(refs['authorization-config'].reason ?? '', /inside the container image/);
  });

  it('a ProcessCommandLine resolves relative paths against its working directory', () => {
    const m = model({
      '/p.yaml': 'apiVersion: kubeharden.io/v1alpha1\nkind: ProcessCommandLine\nmetadata: {name: k}\nspec:\n  workingDir: /var/lib/kubelet\n  command: [kubelet, --config=../kubelet/./config.yaml]\n',
      '/var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n',
    });
    assert.equal(m.references[0].nodePath, '/var/lib/kubelet/config.yaml');
    assert.equal(m.kubelets.length, 1, 'the config file is consumed by the process, not a second kubelet');
    assert.ok(m.kubelets[0].config);
  });

  it('finds the components in sh -c scripts, hyperkube and images without a command', () => {
    const m = model({
      '/a.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: hosted-cp}
spec:
  selector: {matchLabels: {app: cp}}
  template:
    metadata: {labels: {app: cp}}
    spec:
      containers:
        - {name: api, image: registry.k8s.io/kube-apiserver:v1.31.0, args: [--profiling=false]}
        - {name: sched, image: example/hyperkube, command: [/hyperkube, scheduler, --profiling=false]}
        - {name: etcd, image: registry.k8s.io/etcd:3.6.5-0, command: [/bin/sh, -c, "exec etcd --client-cert-auth=true"]}
        - {name: web, image: nginx}
        - {name: operator, image: quay.io/prometheus-operator/prometheus-operator:v0.93.1, args: [--kubelet-service=kube-system/kubelet]}
`,
    });
    assert.deepEqual(m.processes.map((p) => [p.component, p.minor, p.viaShell]), [['kube-apiserver', 31, false], ['kube-scheduler', undefined, false], ['etcd', undefined, true]],
      'args without a command are arguments of the image entrypoint: --kubelet-service=kube-system/kubelet is not the kubelet');
  });
});

describe('node paths', () => {
  it('--path-map wins over --root, longest prefix first; outside every mapping there is no node path', () => {
    const v = makeNodeView({ root: '/copy', pathMap: [{ node: '/etc/kubernetes', local: '/elsewhere/k8s' }] });
    assert.equal(v.toNode('/copy/var/lib/kubelet/config.yaml'), '/var/lib/kubelet/config.yaml');
    assert.equal(v.toNode('/elsewhere/k8s/enc.yaml'), '/etc/kubernetes/enc.yaml');
    assert.equal(v.toNode('/tmp/x.yaml'), undefined);
    assert.equal(v.toLocal('/etc/kubernetes/manifests/a.yaml'), '/elsewhere/k8s/manifests/a.yaml');
    assert.equal(v.toLocal('/var/lib/kubelet'), '/copy/var/lib/kubelet');
  });

  it('without a view, a file is where its own path says; stdin and live objects are nowhere', () => {
    const [a] = loadText(Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'), '/etc/x.yaml').objects;
    const [b] = loadText(Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'), '<stdin>').objects;
    assert.equal(nodePathOf(a), '/etc/x.yaml');
    assert.equal(nodePathOf(b), undefined);
  });
});
