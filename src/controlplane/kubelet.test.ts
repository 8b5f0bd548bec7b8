import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { controlPlaneModel } from './model.js';
import { effective, KUBELET_FIELDS, kubeletFeatureGate } from './kubelet.js';
import { makeNodeView, placeObject } from './node-files.js';

/** Objects from several "files" (path → YAML), placed at those node paths. */
function node(files: Record<string, string>) {
  const view = makeNodeView({ root: '/n' });
  const objects = Object.entries(files).flatMap(([path, text]) => {
    const r = loadText(Buffer.from(text), `/n${path}`);
    assert.deepEqual(r.errors, [], path);
    for (const o of r.objects) placeObject(o, view);
    return r.objects;
  });
  const model = controlPlaneModel(new ObjectIndex(objects));
  return model.kubelets;
}

const cmd = (...args: string[]) => `apiVersion: kubeharden.io/v1alpha1\nkind: ProcessCommandLine\nmetadata: {name: kubelet}\nspec:\n  command: ${JSON.stringify(['/usr/bin/kubelet', ...args])}\n`;
const cfg = (body: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${body}\n`;

describe('kubelet precedence', () => {
  it('flag > drop-ins (lexical, subdirectories where they sort) > --config > default', () => {
    const [k] = node({
      '/cmd.yaml': cmd('--config=/var/lib/kubelet/config.yaml', '--config-dir=/etc/kubelet.d', '--read-only-port=0'),
      '/var/lib/kubelet/config.yaml': cfg('readOnlyPort: 10255\nprotectKernelDefaults: false\nseccompDefault: true\nrotateCertificates: true'),
      '/etc/kubelet.d/10-a.conf': cfg('protectKernelDefaults: true\nrotateCertificates: false'),
      '/etc/kubelet.d/20-b/x.conf': cfg('rotateCertificates: true'),
      '/etc/kubelet.d/15-c.conf': cfg('rotateCertificates: false'),
      '/etc/kubelet.d/ignored.yaml': cfg('protectKernelDefaults: false'),
    });
    assert.equal(k.dropIns.map((d) => d.source.file.replace('/n/etc/kubelet.d/', '')).join(' '), '10-a.conf 15-c.conf 20-b/x.conf');
    const ro = effective(k, KUBELET_FIELDS.readOnlyPort);
    assert.deepEqual([ro.value, ro.origin], [0, 'flag']);
    const pkd = effective(k, KUBELET_FIELDS.protectKernelDefaults);
    assert.deepEqual([pkd.value, pkd.origin, pkd.object.source.file], [true, 'drop-in', '/n/etc/kubelet.d/10-a.conf']);
    const rot = effective(k, KUBELET_FIELDS.rotateCertificates);
    assert.deepEqual([rot.value, rot.object.source.file], [true, '/n/etc/kubelet.d/20-b/x.conf'], 'the subdirectory sorts after 15-c.conf');
    assert.deepEqual([effective(k, KUBELET_FIELDS.seccompDefault).value, effective(k, KUBELET_FIELDS.seccompDefault).origin], [true, 'config']);
    const anon = effective(k, KUBELET_FIELDS.anonymous);
    assert.deepEqual([anon.value, anon.origin], [false, 'default'], 'with --config, the v1beta1 default');
  });

  it('without --config the command line\'s legacy defaults hold, also under --config-dir', () => {
    const [k] = node({ '/cmd.yaml': cmd('--config-dir=/etc/kubelet.d'), '/etc/kubelet.d/00.conf': cfg('authentication: {webhook: {enabled: true}}') });
    assert.deepEqual([effective(k, KUBELET_FIELDS.anonymous).value, effective(k, KUBELET_FIELDS.anonymous).origin], [true, 'legacy-default']);
    assert.equal(effective(k, KUBELET_FIELDS.authorizationMode).value, 'AlwaysAllow');
    assert.equal(effective(k, KUBELET_FIELDS.readOnlyPort).value, 10255);
    assert.deepEqual([effective(k, KUBELET_FIELDS.webhookAuthn).value, effective(k, KUBELET_FIELDS.webhookAuthn).origin], [true, 'drop-in']);
    assert.equal(effective(k, KUBELET_FIELDS.streamingConnectionIdleTimeout).value, '4h0m0s', 'not a legacy field: v1beta1 default');
  });

  it('a drop-in null resets a field (or a parent) to the v1beta1 default, as a JSON merge patch does', () => {
    const [k] = node({
      '/cmd.yaml': cmd('--config-dir=/d'),
      '/d/00.conf': cfg('readOnlyPort: 4000'),
      '/d/10.conf': cfg('readOnlyPort: null\nauthorization: null'),
    });
    assert.deepEqual([effective(k, KUBELET_FIELDS.readOnlyPort).value, effective(k, KUBELET_FIELDS.readOnlyPort).origin], [0, 'drop-in']);
    assert.equal(effective(k, KUBELET_FIELDS.authorizationMode).value, 'Webhook');
  });

  it('--seccomp-default is ORed with the configuration, not an override', () => {
    const [k] = node({ '/cmd.yaml': cmd('--config=/c.yaml', '--seccomp-default=false'), '/c.yaml': cfg('seccompDefault: true') });
    assert.deepEqual([effective(k, KUBELET_FIELDS.seccompDefault).value, effective(k, KUBELET_FIELDS.seccompDefault).origin], [true, 'config']);
  });

  it('a missing --config or --config-dir makes every value a flag does not set unknown', () => {
    const [k] = node({ '/cmd.yaml': cmd('--config=/missing.yaml', '--anonymous-auth=false') });
    assert.equal(effective(k, KUBELET_FIELDS.anonymous).value, false, 'a flag decides anyway');
    const e = effective(k, KUBELET_FIELDS.readOnlyPort);
    assert.equal(e.value, undefined);
    assert.match(e.unknown ?? '', /the kubelet configuration file \/missing\.yaml \(--config\) is not in the scan/);
  });

  it('YAML 1.1 booleans in a config are booleans to the kubelet; wrong types are unknown, not guessed', () => {
    const [a, b] = node({ '/a.yaml': cfg('protectKernelDefaults: yes'), '/b.yaml': cfg('readOnlyPort: "10255"') });
    assert.equal(effective(a, KUBELET_FIELDS.protectKernelDefaults).value, true);
    assert.match(effective(b, KUBELET_FIELDS.readOnlyPort).unknown ?? '', /wrong type/);
  });

  it('feature gates merge key by key: flags over drop-ins over the config', () => {
    const [k] = node({
      '/cmd.yaml': cmd('--config=/c.yaml', '--config-dir=/d', '--feature-gates=A=false'),
      '/c.yaml': cfg('featureGates: {A: true, B: true, RotateKubeletServerCertificate: true}'),
      '/d/1.conf': cfg('featureGates: {B: false}'),
    });
    assert.deepEqual([kubeletFeatureGate(k, 'A')?.value, kubeletFeatureGate(k, 'A')?.origin], [false, 'flag']);
    assert.deepEqual([kubeletFeatureGate(k, 'B')?.value, kubeletFeatureGate(k, 'B')?.origin], [false, 'drop-in']);
    assert.equal(kubeletFeatureGate(k, 'RotateKubeletServerCertificate')?.value, true);
    assert.equal(kubeletFeatureGate(k, 'Unset'), undefined);
  });

  it('/configz is complete: a field it leaves out is the Go zero value', () => {
    const [k] = node({ '/z.yaml': `${cfg('authentication: {anonymous: {enabled: false}}')}metadata: {name: n1, annotations: {kubeharden.io/configz-node: n1}}\n` });
    assert.equal(k.effective, true);
    assert.deepEqual([effective(k, KUBELET_FIELDS.readOnlyPort).value, effective(k, KUBELET_FIELDS.readOnlyPort).origin], [0, 'configz']);
    assert.equal(effective(k, KUBELET_FIELDS.eventRecordQPS).value, 0);
    // …but a feature gate it does not list is at the release's default, not off.
    assert.equal(kubeletFeatureGate(k, 'RotateKubeletServerCertificate'), undefined);
  });
});
