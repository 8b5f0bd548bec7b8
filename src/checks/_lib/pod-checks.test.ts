/** Unit tests for the helpers behind the pod/container catalogue checks, and what fixtures cannot show (settings errors, fixes). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { LATEST_MINOR } from '../../pss/version.js';
import { targetMinor, VERSION_SETTINGS } from './k8s-version.js';
import { ALL_CHECKS } from '../registry.js';
import { parseSettings, SettingError } from '../../engine/settings.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';
import { holdsCap, dropsAtRuntime, grantedCap } from './capabilities.js';
import { isAtOrUnder, normalizeHostPath } from './host-path.js';

function scan(yaml: string, id: string, settings: Record<string, unknown> = {}) {
  const loaded = loadText(Buffer.from(yaml), 'test.yaml');
  assert.deepEqual(loaded.errors, []);
  return scanObjects(loaded.objects, { checks: ALL_CHECKS, only: [id], settings, now: new Date('2026-01-01') });
}

/** Raw settings as a run parses them (the values checks see). */
function typed(raw: Record<string, unknown>) {
  return parseSettings([{ origin: 'settings', values: raw }], new Map(Object.entries(VERSION_SETTINGS))) as { k8sVersion: PssVersionSpec | undefined; pss: PssPolicy | undefined };
}

describe('targetMinor (setting k8sVersion)', () => {
  it('reads k8sVersion, then the pss version, else latest', () => {
    assert.equal(targetMinor(typed({ k8sVersion: 'v1.30' })), 30);
    assert.equal(targetMinor(typed({ k8sVersion: '1.28' })), 28);
    assert.equal(targetMinor(typed({ k8sVersion: 'latest' })), LATEST_MINOR);
    assert.equal(targetMinor(typed({ pss: 'restricted:v1.29' })), 29);
    assert.equal(targetMinor(typed({ pss: 'restricted' })), LATEST_MINOR);
    assert.equal(targetMinor(typed({})), LATEST_MINOR);
    assert.equal(targetMinor(typed({ k8sVersion: 'v1.99' })), LATEST_MINOR);
  });
  it('refuses a number (YAML reads 1.30 as 1.3) and nonsense', () => {
    assert.throws(() => typed({ k8sVersion: 1.3 }), /must be a string/);
    assert.throws(() => typed({ k8sVersion: 'one-thirty' }), /not "latest"/);
  });
  it('turns a bad setting into a usage error when the run is prepared, not a crash or a silent default', () => {
    assert.throws(
      () => scan('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {sysctls: [{name: kernel.msgmax, value: "1"}]}\n  containers: [{name: a, image: x:1}]\n', 'POD-SYSCTLS', { k8sVersion: 1.3 }),
      (e: Error) => e instanceof SettingError && /k8sVersion must be a string/.test(e.message),
    );
  });
});

describe('capabilities as runtimes apply them', () => {
  it('drop wins over add for the same name; add wins over drop ALL; privileged holds everything', () => {
    assert.equal(holdsCap({ add: ['NET_RAW'], drop: ['NET_RAW'] }, 'NET_RAW', false), undefined);
    assert.equal(holdsCap({ add: ['net_raw'], drop: ['ALL'] }, 'NET_RAW', false), 'added');
    assert.equal(holdsCap({ add: [], drop: ['all'] }, 'NET_RAW', false), undefined);
    assert.equal(holdsCap({ add: ['ALL'], drop: [] }, 'NET_RAW', false), 'added-all');
    assert.equal(holdsCap({ add: [], drop: ['CAP_NET_RAW'] }, 'NET_RAW', false), 'default');
    assert.equal(holdsCap({ add: [], drop: ['ALL'] }, 'NET_RAW', true), 'privileged');
  });
  it('reads names case-insensitively, and CAP_ only on adds', () => {
    assert.ok(dropsAtRuntime(['net_raw'], 'NET_RAW'));
    assert.ok(!dropsAtRuntime(['CAP_NET_RAW'], 'NET_RAW'));
    assert.equal(grantedCap('cap_sys_admin'), 'SYS_ADMIN');
  });
});

describe('host paths', () => {
  it('normalises as the node resolves them', () => {
    assert.equal(normalizeHostPath('/var//run/./docker.sock/'), '/var/run/docker.sock');
    assert.equal(normalizeHostPath('/var/lib/../run/containerd'), '/var/run/containerd');
    assert.equal(normalizeHostPath('/'), '/');
    assert.equal(normalizeHostPath('/..'), '/');
  });
  it('compares by path segments', () => {
    assert.ok(isAtOrUnder('/etc/kubernetes', '/etc'));
    assert.ok(!isAtOrUnder('/etcd', '/etc'));
    assert.ok(isAtOrUnder('/anything', '/'));
  });
  it('finds a runtime socket behind .. and double slashes', () => {
    const r = scan('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x:1}]\n  volumes: [{name: s, hostPath: {path: "/var/lib/..//run/containerd/containerd.sock"}}]\n', 'VOL-RUNTIME-SOCKET');
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].severity, 'critical');
  });
});

describe('fixes', () => {
  const pod = (sc: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: x:1\n      securityContext: ${sc}\n`;
  it('CTR-HIGH-UID leaves an unset UID to CTR-RUN-AS-NON-ROOT; CTR-HIGH-GID sets 10001 only where nothing is set', () => {
    assert.deepEqual(scan(pod('{runAsNonRoot: true}'), 'CTR-HIGH-UID').findings, []);
    const unsetGroup = scan(pod('{runAsUser: 10001}'), 'CTR-HIGH-GID').findings;
    assert.deepEqual(unsetGroup[0].fix?.ops, [{ op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'runAsGroup'], value: 10001 }]);
    const low = scan(pod('{runAsUser: 1000}'), 'CTR-HIGH-UID').findings;
    assert.equal(low.length, 1);
    assert.equal(low[0].fix, undefined);
  });
  it('CTR-CAPS-RESTRICTED appends ALL and keeps NET_BIND_SERVICE', () => {
    const f = scan(pod('{capabilities: {add: [NET_BIND_SERVICE]}}'), 'CTR-CAPS-RESTRICTED').findings;
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fix?.ops, [{ op: 'append', path: ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' }]);
  });
  it('POD-SECCOMP-UNCONFINED and the RES-* checks never carry a fix', () => {
    for (const f of scan(pod('{seccompProfile: {type: Unconfined}}'), 'POD-SECCOMP-UNCONFINED').findings) assert.equal(f.fix, undefined);
    for (const id of ['RES-CPU-REQ', 'RES-CPU-LIM', 'RES-MEM-REQ', 'RES-MEM-LIM', 'RES-OTHER']) {
      const fs = scan(pod('{}'), id).findings;
      assert.equal(fs.length, 1, id);
      assert.equal(fs[0].fix, undefined, id);
    }
  });
});
