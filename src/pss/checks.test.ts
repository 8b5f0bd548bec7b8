/**
 * Every check and every version boundary, on pods written here (the project stands alone
 * without ../shared). Each case starts from a pod that passes restricted at every version and
 * changes one thing, like upstream's fixtures. Expected reasons and details are upstream's wording.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, formatPssMessage, LATEST_MINOR, type PssCheckId, type PssLevel, type PssResult, type PssVersionSpec } from './index.js';

type J = Record<string, unknown>;
interface Pod {
  meta: J;
  spec: J;
}

function ctr(name: string): J {
  return { name, image: 'registry.example/app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
}

/** Passes restricted at every version. */
function base(): Pod {
  return {
    meta: { name: 'p', annotations: {} },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [ctr('init')],
      containers: [ctr('app')],
    },
  };
}

function mk(change: (p: Pod & { init: J; app: J; podSecurityContext: J }) => void): Pod {
  const p = base();
  const init = (p.spec.initContainers as J[])[0];
  const app = (p.spec.containers as J[])[0];
  change({ ...p, init, app, podSecurityContext: p.spec.securityContext as J });
  return p;
}

const v = (minor: number): PssVersionSpec => ({ major: 1, minor });

function failing(p: Pod, level: PssLevel, version: PssVersionSpec): PssResult[] {
  return evaluatePod(p.meta, p.spec, level, version);
}

function ids(p: Pod, level: PssLevel, version: PssVersionSpec): PssCheckId[] {
  return failing(p, level, version).map((r) => r.checkId);
}

function one(p: Pod, level: PssLevel, version: PssVersionSpec, id: PssCheckId): PssResult {
  const r = failing(p, level, version).find((x) => x.checkId === id);
  assert.ok(r, `${id} should fail at ${level}:${JSON.stringify(version)}; failing: ${ids(p, level, version).join(', ')}`);
  return r;
}

function expectOnly(p: Pod, level: PssLevel, version: PssVersionSpec, expected: PssCheckId[]): void {
  assert.deepEqual(ids(p, level, version), expected, `${level}:${JSON.stringify(version)}`);
}

/** Asserts the exact upstream reason and detail (at latest unless given). */
function expectMessage(p: Pod, level: PssLevel, id: PssCheckId, reason: string, detail: string, version: PssVersionSpec = 'latest'): void {
  const r = one(p, level, version, id);
  assert.equal(r.forbiddenReason, reason);
  assert.equal(r.forbiddenDetail, detail);
  assert.equal(r.allowed, false);
  assert.ok(r.paths.length > 0, 'paths');
}

/** The check passes below `since` and fails from `since` on (at this level). */
function expectBoundary(p: Pod, level: PssLevel, id: PssCheckId, since: number): void {
  assert.ok(!ids(p, level, v(since - 1)).includes(id), `${id} should not fail at ${level}:v1.${since - 1}`);
  assert.ok(ids(p, level, v(since)).includes(id), `${id} should fail at ${level}:v1.${since}`);
}

test('the base pod passes baseline and restricted at every version, latest and newer-than-known', () => {
  const p = base();
  for (let minor = 0; minor <= LATEST_MINOR + 3; minor++) {
    expectOnly(p, 'baseline', v(minor), []);
    expectOnly(p, 'restricted', v(minor), []);
  }
  expectOnly(p, 'restricted', 'latest', []);
  assert.equal(evaluatePod(p.meta, p.spec, 'restricted', 'latest'), evaluatePod({}, {}, 'privileged', 'latest'), 'allowed pods share one frozen empty result');
});

test('privileged level allows anything', () => {
  const p = mk((x) => {
    x.spec.hostNetwork = true;
    (x.app.securityContext as J).privileged = true;
  });
  assert.deepEqual(evaluatePod(p.meta, p.spec, 'privileged', 'latest'), []);
});

test('allowPrivilegeEscalation: restricted from v1.8, must be explicitly false, Windows exempt from v1.25', () => {
  const p = mk((x) => {
    delete (x.app.securityContext as J).allowPrivilegeEscalation;
    (x.init.securityContext as J).allowPrivilegeEscalation = true;
  });
  expectBoundary(p, 'restricted', 'allowPrivilegeEscalation', 8);
  expectOnly(p, 'baseline', 'latest', []);
  expectMessage(p, 'restricted', 'allowPrivilegeEscalation', 'allowPrivilegeEscalation != false', 'containers "init", "app" must set securityContext.allowPrivilegeEscalation=false');
  assert.deepEqual(one(p, 'restricted', 'latest', 'allowPrivilegeEscalation').paths, [
    ['spec', 'initContainers', 0, 'securityContext', 'allowPrivilegeEscalation'],
    ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'],
  ]);
  const noSC = mk((x) => delete x.app.securityContext);
  expectMessage(noSC, 'restricted', 'allowPrivilegeEscalation', 'allowPrivilegeEscalation != false', 'container "app" must set securityContext.allowPrivilegeEscalation=false');
  const win = mk((x) => {
    x.spec.os = { name: 'windows' };
    delete (x.app.securityContext as J).allowPrivilegeEscalation;
  });
  assert.ok(ids(win, 'restricted', v(24)).includes('allowPrivilegeEscalation'));
  assert.ok(!ids(win, 'restricted', v(25)).includes('allowPrivilegeEscalation'));
});

test('appArmorProfile: fields and deprecated annotations, singular and plural', () => {
  const p = mk((x) => {
    x.podSecurityContext.appArmorProfile = { type: 'Unconfined' };
    x.app.securityContext = { ...(x.app.securityContext as J), appArmorProfile: { type: 'Unconfined' } };
    x.meta.annotations = {
      'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
      'container.apparmor.security.beta.kubernetes.io/init': 'localhost/custom',
      'container.apparmor.security.beta.kubernetes.io/x': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/y': '',
      'other.example/key': 'unconfined',
    };
  });
  expectMessage(p, 'baseline', 'appArmorProfile', 'forbidden AppArmor profiles', 'pod and container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""', v(0));
  const one1 = mk((x) => (x.podSecurityContext.appArmorProfile = { type: 'Unconfined' }));
  expectMessage(one1, 'baseline', 'appArmorProfile', 'forbidden AppArmor profile', 'pod must not set AppArmor profile type to "Unconfined"');
  const anns = mk((x) => {
    x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/b': 'unknown', 'container.apparmor.security.beta.kubernetes.io/a': 'un"confined' };
  });
  expectMessage(anns, 'restricted', 'appArmorProfile', 'forbidden AppArmor profiles', 'annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="un\\"confined"", "container.apparmor.security.beta.kubernetes.io/b="unknown""');
  const ok = mk((x) => {
    x.podSecurityContext.appArmorProfile = { type: 'RuntimeDefault' };
    x.app.securityContext = { ...(x.app.securityContext as J), appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } };
    x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/p' };
  });
  expectOnly(ok, 'restricted', 'latest', []);
});

test('capabilities_baseline: only the default set may be added; replaced by capabilities_restricted from restricted v1.22', () => {
  const p = mk((x) => {
    (x.app.securityContext as J).capabilities = { add: ['NET_RAW', 'CHOWN'], drop: ['ALL'] };
    (x.init.securityContext as J).capabilities = { add: ['SYS_ADMIN', 'NET_RAW'], drop: ['ALL'] };
  });
  expectMessage(p, 'baseline', 'capabilities_baseline', 'non-default capabilities', 'containers "init", "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add', v(0));
  expectOnly(p, 'restricted', v(21), ['capabilities_baseline']);
  expectOnly(p, 'restricted', v(22), ['capabilities_restricted']);
  const defaults = mk((x) => {
    (x.app.securityContext as J).capabilities = { add: ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'] };
  });
  expectOnly(defaults, 'baseline', 'latest', []);
  for (const bad of ['chown', 'CAP_CHOWN', 'ALL']) {
    const q = mk((x) => ((x.app.securityContext as J).capabilities = { add: [bad], drop: ['ALL'] }));
    expectOnly(q, 'baseline', 'latest', ['capabilities_baseline']);
  }
});

test('capabilities_restricted: drop must contain "ALL" exactly, add only NET_BIND_SERVICE; from v1.22; Windows exempt from v1.25', () => {
  const p = mk((x) => {
    (x.app.securityContext as J).capabilities = { drop: ['all'], add: ['NET_ADMIN', 'NET_BIND_SERVICE', 'CHOWN'] };
  });
  expectBoundary(p, 'restricted', 'capabilities_restricted', 22);
  expectMessage(p, 'restricted', 'capabilities_restricted', 'unrestricted capabilities', 'container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN", "NET_ADMIN" in securityContext.capabilities.add');
  const missing = mk((x) => {
    delete x.app.securityContext;
    delete (x.init.securityContext as J).capabilities;
  });
  expectMessage(missing, 'restricted', 'capabilities_restricted', 'unrestricted capabilities', 'containers "init", "app" must set securityContext.capabilities.drop=["ALL"]');
  const nbs = mk((x) => ((x.app.securityContext as J).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }));
  expectOnly(nbs, 'restricted', 'latest', []);
  const win = mk((x) => {
    x.spec.os = { name: 'windows' };
    delete (x.app.securityContext as J).capabilities;
  });
  assert.ok(ids(win, 'restricted', v(24)).includes('capabilities_restricted'));
  assert.ok(!ids(win, 'restricted', v(25)).includes('capabilities_restricted'));
});

test('hostNamespaces: hostNetwork, hostPID, hostIPC (in that order, as kube-apiserver prints them)', () => {
  const p = mk((x) => Object.assign(x.spec, { hostIPC: true, hostPID: true, hostNetwork: true }));
  expectMessage(p, 'baseline', 'hostNamespaces', 'host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true', v(0));
  assert.deepEqual(one(p, 'baseline', 'latest', 'hostNamespaces').paths, [['spec', 'hostNetwork'], ['spec', 'hostPID'], ['spec', 'hostIPC']]);
  expectMessage(mk((x) => Object.assign(x.spec, { hostIPC: true, hostPID: true })), 'baseline', 'hostNamespaces', 'host namespaces', 'hostPID=true, hostIPC=true');
  expectOnly(mk((x) => Object.assign(x.spec, { hostPID: false, hostNetwork: false, hostIPC: false })), 'baseline', 'latest', []);
});

test('hostPathVolumes (baseline) is replaced by restrictedVolumes (restricted)', () => {
  const p = mk((x) => (x.spec.volumes = [{ name: 'a', hostPath: { path: '/a' } }, { name: 'e', emptyDir: {} }, { name: 'b', hostPath: { path: '/b' } }]));
  expectMessage(p, 'baseline', 'hostPathVolumes', 'hostPath volumes', 'volumes "a", "b"', v(0));
  expectOnly(p, 'restricted', v(0), ['restrictedVolumes']);
  expectMessage(p, 'restricted', 'restrictedVolumes', 'restricted volume types', 'volumes "a", "b" use restricted volume type "hostPath"');
  assert.deepEqual(one(p, 'baseline', 'latest', 'hostPathVolumes').paths, [['spec', 'volumes', 0, 'hostPath'], ['spec', 'volumes', 2, 'hostPath']]);
});

test('hostPorts: non-zero hostPort, sorted as strings; hostNetwork defaults hostPort to containerPort', () => {
  const p = mk((x) => {
    x.app.ports = [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }];
    x.init.ports = [{ containerPort: 80, hostPort: 80 }];
  });
  expectMessage(p, 'baseline', 'hostPorts', 'hostPort', 'containers "init", "app" use hostPorts 80, 8080', v(0));
  const single = mk((x) => (x.app.ports = [{ containerPort: 12345, hostPort: 12345 }]));
  expectMessage(single, 'restricted', 'hostPorts', 'hostPort', 'container "app" uses hostPort 12345');
  const defaulted = mk((x) => {
    x.spec.hostNetwork = true;
    x.app.ports = [{ containerPort: 9090 }];
  });
  expectOnly(defaulted, 'baseline', 'latest', ['hostNamespaces', 'hostPorts']);
  expectMessage(defaulted, 'baseline', 'hostPorts', 'hostPort', 'container "app" uses hostPort 9090');
  const ephemeral = mk((x) => {
    x.spec.hostNetwork = true;
    x.spec.ephemeralContainers = [{ ...ctr('debug'), ports: [{ containerPort: 7070 }] }];
  });
  expectOnly(ephemeral, 'baseline', 'latest', ['hostNamespaces']);
});

test('hostProbesAndHostLifecycle: from v1.34, probes and lifecycle handlers must not set host', () => {
  const p = mk((x) => {
    x.app.livenessProbe = { httpGet: { host: 'b.example', port: 8080 } };
    x.app.readinessProbe = { tcpSocket: { host: '', port: 8080 } };
    x.init.lifecycle = { preStop: { tcpSocket: { host: 'a.example', port: 1 } }, postStart: { httpGet: { host: 'b.example', port: 1 } } };
  });
  expectBoundary(p, 'baseline', 'hostProbesAndHostLifecycle', 34);
  expectBoundary(p, 'restricted', 'hostProbesAndHostLifecycle', 34);
  expectMessage(p, 'baseline', 'hostProbesAndHostLifecycle', 'probe or lifecycle host', 'containers "app", "init" use probe or lifecycle hosts "a.example", "b.example"');
  const single = mk((x) => (x.app.startupProbe = { tcpSocket: { host: '127.0.0.1', port: 1 } }));
  expectMessage(single, 'baseline', 'hostProbesAndHostLifecycle', 'probe or lifecycle host', 'container "app" uses probe or lifecycle host "127.0.0.1"');
  assert.deepEqual(one(single, 'baseline', 'latest', 'hostProbesAndHostLifecycle').paths, [['spec', 'containers', 0, 'startupProbe', 'tcpSocket', 'host']]);
  expectOnly(mk((x) => (x.app.livenessProbe = { httpGet: { port: 8080 } })), 'restricted', 'latest', []);
});

test('privileged: containers must not set privileged=true', () => {
  const p = mk((x) => {
    (x.app.securityContext as J).privileged = true;
    (x.init.securityContext as J).privileged = false;
  });
  expectMessage(p, 'baseline', 'privileged', 'privileged', 'container "app" must not set securityContext.privileged=true', v(0));
  assert.deepEqual(one(p, 'baseline', 'latest', 'privileged').paths, [['spec', 'containers', 0, 'securityContext', 'privileged']]);
});

test('procMount: Default only; baseline relaxes with hostUsers=false from v1.35; procMount_restricted from v1.35', () => {
  const p = mk((x) => {
    (x.app.securityContext as J).procMount = 'Unmasked';
    x.spec.hostUsers = false;
  });
  expectMessage(p, 'baseline', 'procMount', 'procMount', 'container "app" must not set securityContext.procMount to "Unmasked"', v(34));
  expectOnly(p, 'baseline', v(34), ['procMount']);
  expectOnly(p, 'baseline', v(35), []);
  expectOnly(p, 'restricted', v(34), ['procMount']);
  expectOnly(p, 'restricted', v(35), ['procMount_restricted']);
  expectMessage(p, 'restricted', 'procMount_restricted', 'procMount', 'container "app" must not set securityContext.procMount to "Unmasked"');
  const hostUsers = mk((x) => {
    (x.app.securityContext as J).procMount = 'Unmasked';
    (x.init.securityContext as J).procMount = 'Weird';
  });
  expectOnly(hostUsers, 'baseline', 'latest', ['procMount']);
  expectMessage(hostUsers, 'baseline', 'procMount', 'procMount', 'containers "init", "app" must not set securityContext.procMount to "Unmasked", "Weird"');
  expectOnly(mk((x) => ((x.app.securityContext as J).procMount = 'Default')), 'restricted', 'latest', []);
});

test('restrictedVolumes: allowed types, image, sourceless volumes (defaulted to emptyDir), everything else', () => {
  const ok = mk((x) => {
    x.spec.volumes = [
      { name: 'cm', configMap: { name: 'c' } },
      { name: 'csi', csi: { driver: 'd' } },
      { name: 'dapi', downwardAPI: {} },
      { name: 'ed', emptyDir: {} },
      { name: 'eph', ephemeral: {} },
      { name: 'img', image: { reference: 'r' } },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
      { name: 'proj', projected: {} },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'implicit' },
    ];
  });
  for (let minor = 0; minor <= LATEST_MINOR; minor++) expectOnly(ok, 'restricted', v(minor), []);
  const bad = mk((x) => (x.spec.volumes = [{ name: 'n', nfs: { server: 's', path: '/' } }, { name: 'g', gitRepo: { repository: 'r' } }, { name: 'ok', secret: { secretName: 's' } }]));
  expectMessage(bad, 'restricted', 'restrictedVolumes', 'restricted volume types', 'volumes "n", "g" use restricted volume types "gitRepo", "nfs"', v(0));
  expectOnly(bad, 'baseline', 'latest', []);
  const single = mk((x) => (x.spec.volumes = [{ name: 'x', awsElasticBlockStore: { volumeID: 'v' } }]));
  expectMessage(single, 'restricted', 'restrictedVolumes', 'restricted volume types', 'volume "x" uses restricted volume type "awsElasticBlockStore"');
  assert.deepEqual(one(single, 'restricted', 'latest', 'restrictedVolumes').paths, [['spec', 'volumes', 0, 'awsElasticBlockStore']]);
});

test('runAsNonRoot: explicit false anywhere fails; unset needs the pod-level true; hostUsers=false relaxes from v1.35', () => {
  const explicit = mk((x) => {
    x.podSecurityContext.runAsNonRoot = false;
    (x.app.securityContext as J).runAsNonRoot = false;
  });
  expectMessage(explicit, 'restricted', 'runAsNonRoot', 'runAsNonRoot != true', 'pod and container "app" must not set securityContext.runAsNonRoot=false', v(0));
  const implicit = mk((x) => {
    delete x.podSecurityContext.runAsNonRoot;
    (x.app.securityContext as J).runAsNonRoot = true;
  });
  expectMessage(implicit, 'restricted', 'runAsNonRoot', 'runAsNonRoot != true', 'pod or container "init" must set securityContext.runAsNonRoot=true');
  assert.deepEqual(one(implicit, 'restricted', 'latest', 'runAsNonRoot').paths, [['spec', 'securityContext', 'runAsNonRoot']]);
  const allContainers = mk((x) => {
    delete x.podSecurityContext.runAsNonRoot;
    (x.app.securityContext as J).runAsNonRoot = true;
    (x.init.securityContext as J).runAsNonRoot = true;
  });
  expectOnly(allContainers, 'restricted', 'latest', []);
  const userns = mk((x) => {
    delete x.podSecurityContext.runAsNonRoot;
    x.spec.hostUsers = false;
  });
  expectOnly(userns, 'restricted', v(34), ['runAsNonRoot']);
  expectOnly(userns, 'restricted', v(35), []);
  expectOnly(mk((x) => delete x.podSecurityContext.runAsNonRoot), 'baseline', 'latest', []);
});

test('runAsUser: from v1.23 nothing may set runAsUser=0; hostUsers=false relaxes from v1.35', () => {
  const p = mk((x) => {
    x.podSecurityContext.runAsUser = 0;
    (x.app.securityContext as J).runAsUser = 0;
    (x.init.securityContext as J).runAsUser = 0;
  });
  expectBoundary(p, 'restricted', 'runAsUser', 23);
  expectMessage(p, 'restricted', 'runAsUser', 'runAsUser=0', 'pod and containers "init", "app" must not set runAsUser=0');
  const c = mk((x) => ((x.app.securityContext as J).runAsUser = 0));
  expectMessage(c, 'restricted', 'runAsUser', 'runAsUser=0', 'container "app" must not set runAsUser=0');
  const userns = mk((x) => {
    x.podSecurityContext.runAsUser = 0;
    x.spec.hostUsers = false;
  });
  expectOnly(userns, 'restricted', v(34), ['runAsUser']);
  expectOnly(userns, 'restricted', v(35), []);
  expectOnly(mk((x) => (x.podSecurityContext.runAsUser = 1000)), 'restricted', 'latest', []);
});

test('seLinuxOptions: allowed types (container_engine_t from v1.31), user and role forbidden', () => {
  const p = mk((x) => {
    x.podSecurityContext.seLinuxOptions = { type: 'foo', user: 'bar', role: 'baz' };
    x.spec.containers = [
      { ...ctr('a'), securityContext: { ...(ctr('a').securityContext as J), seLinuxOptions: { type: 'container_t', level: 's0:c1' } } },
      { ...ctr('e'), securityContext: { ...(ctr('e').securityContext as J), seLinuxOptions: { type: 'bar' } } },
      { ...ctr('f'), securityContext: { ...(ctr('f').securityContext as J), seLinuxOptions: { user: 'bar' } } },
      { ...ctr('g'), securityContext: { ...(ctr('g').securityContext as J), seLinuxOptions: { role: 'baz' } } },
    ];
  });
  expectMessage(p, 'baseline', 'seLinuxOptions', 'seLinuxOptions', 'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set', v(0));
  const engine = mk((x) => ((x.init.securityContext as J).seLinuxOptions = { type: 'container_engine_t' }));
  expectOnly(engine, 'baseline', v(30), ['seLinuxOptions']);
  expectMessage(engine, 'baseline', 'seLinuxOptions', 'seLinuxOptions', 'container "init" set forbidden securityContext.seLinuxOptions: type "container_engine_t"', v(30));
  expectOnly(engine, 'baseline', v(31), []);
  for (const type of ['', 'container_t', 'container_init_t', 'container_kvm_t']) expectOnly(mk((x) => (x.podSecurityContext.seLinuxOptions = { type })), 'restricted', v(0), []);
});

test('seccompProfile_baseline: annotations before v1.19, fields from v1.19', () => {
  const ann = mk((x) => {
    x.meta.annotations = {
      'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/init': 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined',
    };
  });
  expectMessage(ann, 'baseline', 'seccompProfile_baseline', 'seccompProfile', 'forbidden annotations container.seccomp.security.alpha.kubernetes.io/app="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined"', v(18));
  assert.deepEqual(one(ann, 'baseline', v(18), 'seccompProfile_baseline').paths, [
    ['metadata', 'annotations', 'container.seccomp.security.alpha.kubernetes.io/app'],
    ['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'],
  ]);
  const emptyPodAnn = mk((x) => (x.meta.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': '' }));
  expectMessage(emptyPodAnn, 'baseline', 'seccompProfile_baseline', 'seccompProfile', 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod=""', v(0));
  const field = mk((x) => {
    x.podSecurityContext.seccompProfile = { type: 'Unconfined' };
    (x.app.securityContext as J).seccompProfile = { type: 'Unconfined' };
  });
  expectOnly(field, 'baseline', v(18), []);
  expectMessage(field, 'baseline', 'seccompProfile_baseline', 'seccompProfile', 'pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined"', v(19));
  // restricted: before v1.19 the baseline check runs, from v1.19 seccompProfile_restricted replaces it
  expectOnly(ann, 'restricted', v(18), ['seccompProfile_baseline']);
  expectOnly(field, 'restricted', v(19), ['seccompProfile_restricted']);
  expectMessage(field, 'restricted', 'seccompProfile_restricted', 'seccompProfile', 'pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined"');
});

test('from v1.19 seccomp annotations are ignored (kube-apiserver v1.35 no longer copies them into the fields)', () => {
  const unconfined = mk((x) => {
    delete x.podSecurityContext.seccompProfile;
    x.meta.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' };
  });
  expectOnly(unconfined, 'baseline', v(18), ['seccompProfile_baseline']);
  expectOnly(unconfined, 'baseline', v(19), []);
  const runtimeDefault = mk((x) => {
    delete x.podSecurityContext.seccompProfile;
    x.meta.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' };
  });
  expectOnly(runtimeDefault, 'restricted', v(18), []);
  expectOnly(runtimeDefault, 'restricted', 'latest', ['seccompProfile_restricted']);
});

test('AppArmor annotations are read as the API server stores a new pod (annotation → container field)', () => {
  const ann = mk((x) => (x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }));
  expectMessage(ann, 'baseline', 'appArmorProfile', 'forbidden AppArmor profiles', 'container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""');
  assert.deepEqual(one(ann, 'baseline', 'latest', 'appArmorProfile').paths, [['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/app']]);
  const windows = mk((x) => {
    x.spec.os = { name: 'windows' };
    x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
  });
  expectMessage(windows, 'baseline', 'appArmorProfile', 'forbidden AppArmor profile', 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""');
  const samePod = mk((x) => {
    x.podSecurityContext.appArmorProfile = { type: 'Unconfined' };
    x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
  });
  expectMessage(samePod, 'baseline', 'appArmorProfile', 'forbidden AppArmor profiles', 'pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""');
  const fieldWins = mk((x) => {
    (x.app.securityContext as J).appArmorProfile = { type: 'RuntimeDefault' };
    x.meta.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
  });
  expectMessage(fieldWins, 'baseline', 'appArmorProfile', 'forbidden AppArmor profile', 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""');
  const fieldOnly = mk((x) => ((x.app.securityContext as J).appArmorProfile = { type: 'Unconfined' }));
  expectMessage(fieldOnly, 'baseline', 'appArmorProfile', 'forbidden AppArmor profile', 'container "app" must not set AppArmor profile type to "Unconfined"');
});

test('seccompProfile_restricted: set on the pod or every container; from v1.19; Windows exempt from v1.25', () => {
  const p = mk((x) => delete x.podSecurityContext.seccompProfile);
  expectBoundary(p, 'restricted', 'seccompProfile_restricted', 19);
  expectMessage(p, 'restricted', 'seccompProfile_restricted', 'seccompProfile', 'pod or containers "init", "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"');
  const containers = mk((x) => {
    delete x.podSecurityContext.seccompProfile;
    (x.app.securityContext as J).seccompProfile = { type: 'RuntimeDefault' };
    (x.init.securityContext as J).seccompProfile = { type: 'Localhost', localhostProfile: 'p' };
  });
  expectOnly(containers, 'restricted', 'latest', []);
  const emptyType = mk((x) => (x.podSecurityContext.seccompProfile = {}));
  expectMessage(emptyType, 'restricted', 'seccompProfile_restricted', 'seccompProfile', 'pod must not set securityContext.seccompProfile.type to ""');
  const win = mk((x) => {
    delete x.podSecurityContext.seccompProfile;
    x.spec.os = { name: 'windows' };
  });
  assert.ok(ids(win, 'restricted', v(24)).includes('seccompProfile_restricted'));
  assert.ok(!ids(win, 'restricted', v(25)).includes('seccompProfile_restricted'));
  expectOnly(p, 'baseline', 'latest', []);
});

test('sysctls: the safe set grows at v1.27, v1.29, v1.32 and v1.37', () => {
  const with1 = (name: string) => mk((x) => (x.podSecurityContext.sysctls = [{ name, value: '1' }]));
  for (const name of ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']) {
    expectOnly(with1(name), 'baseline', v(0), []);
  }
  const added: Array<[number, string]> = [
    [27, 'net.ipv4.ip_local_reserved_ports'],
    [29, 'net.ipv4.tcp_keepalive_time'],
    [29, 'net.ipv4.tcp_fin_timeout'],
    [29, 'net.ipv4.tcp_keepalive_intvl'],
    [29, 'net.ipv4.tcp_keepalive_probes'],
    [32, 'net.ipv4.tcp_rmem'],
    [32, 'net.ipv4.tcp_wmem'],
    [37, 'net.ipv4.tcp_slow_start_after_idle'],
    [37, 'net.ipv4.tcp_notsent_lowat'],
  ];
  for (const [since, name] of added) {
    expectOnly(with1(name), 'baseline', v(since - 1), ['sysctls']);
    expectOnly(with1(name), 'baseline', v(since), []);
    expectOnly(with1(name), 'restricted', 'latest', []);
  }
  const p = mk((x) => (x.podSecurityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1' }]));
  expectMessage(p, 'baseline', 'sysctls', 'forbidden sysctls', 'kernel.msgmax, net.core.somaxconn');
  assert.deepEqual(one(p, 'baseline', 'latest', 'sysctls').paths, [['spec', 'securityContext', 'sysctls', 0, 'name'], ['spec', 'securityContext', 'sysctls', 2, 'name']]);
});

test('windowsHostProcess: pod or containers must not set hostProcess=true', () => {
  const p = mk((x) => {
    x.podSecurityContext.windowsOptions = { hostProcess: true };
    (x.init.securityContext as J).windowsOptions = { hostProcess: true };
    (x.app.securityContext as J).windowsOptions = { hostProcess: false };
  });
  expectMessage(p, 'baseline', 'windowsHostProcess', 'hostProcess', 'pod and container "init" must not set securityContext.windowsOptions.hostProcess=true', v(0));
  const c = mk((x) => {
    (x.init.securityContext as J).windowsOptions = { hostProcess: true };
    (x.app.securityContext as J).windowsOptions = { hostProcess: true };
  });
  expectMessage(c, 'restricted', 'windowsHostProcess', 'hostProcess', 'containers "init", "app" must not set securityContext.windowsOptions.hostProcess=true');
});

test('ephemeral containers are checked like the others (after init containers and containers)', () => {
  const p = mk((x) => (x.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }]));
  expectMessage(p, 'baseline', 'privileged', 'privileged', 'container "debug" must not set securityContext.privileged=true');
  assert.deepEqual(one(p, 'baseline', 'latest', 'privileged').paths, [['spec', 'ephemeralContainers', 0, 'securityContext', 'privileged']]);
  expectMessage(p, 'restricted', 'allowPrivilegeEscalation', 'allowPrivilegeEscalation != false', 'container "debug" must set securityContext.allowPrivilegeEscalation=false');
});

test('the kubectl message lists failures in PSA order: baseline checks first, then restricted, each sorted by id', () => {
  const nginx: Pod = { meta: { name: 'nginx' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
  assert.equal(
    formatPssMessage('restricted', 'latest', failing(nginx, 'restricted', 'latest')),
    'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  const host = mk((x) => {
    x.spec.hostNetwork = true;
    x.app.ports = [{ containerPort: 80 }];
    x.spec.volumes = [{ name: 'h', hostPath: { path: '/' } }];
    (x.app.securityContext as J).privileged = true;
  });
  assert.equal(
    formatPssMessage('baseline', v(30), failing(host, 'baseline', v(30))),
    'violates PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true), hostPath volumes (volume "h"), hostPort (container "app" uses hostPort 80), privileged (container "app" must not set securityContext.privileged=true)',
  );
  assert.deepEqual(ids(host, 'restricted', v(30)), ['hostNamespaces', 'hostPorts', 'privileged', 'restrictedVolumes']);
});

test('includeAllowed returns every evaluated check, in order, for each level and version', () => {
  const p = base();
  const count = (level: PssLevel, minor: number) => evaluatePod(p.meta, p.spec, level, v(minor), { includeAllowed: true });
  assert.deepEqual(
    count('baseline', 0).map((r) => r.checkId),
    ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess'],
  );
  assert.deepEqual(
    count('restricted', 0).map((r) => r.checkId),
    ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess', 'restrictedVolumes', 'runAsNonRoot'],
  );
  assert.deepEqual(
    count('restricted', 37).map((r) => r.checkId),
    ['appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls', 'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted'],
  );
  assert.ok(count('restricted', 37).every((r) => r.allowed && r.paths.length === 0));
});

test('YAML 1.1 booleans count like kubectl reads them', () => {
  expectOnly(mk((x) => ((x.app.securityContext as J).privileged = 'yes')), 'baseline', 'latest', ['privileged']);
  expectOnly(mk((x) => (x.spec.hostPID = 'on')), 'baseline', 'latest', ['hostNamespaces']);
  expectOnly(mk((x) => ((x.app.securityContext as J).allowPrivilegeEscalation = 'no')), 'restricted', 'latest', []);
  expectOnly(mk((x) => (x.podSecurityContext.runAsNonRoot = 'True')), 'restricted', 'latest', []);
  expectOnly(mk((x) => (x.podSecurityContext.runAsNonRoot = 'maybe')), 'restricted', 'latest', ['runAsNonRoot']);
});

test('never throws on malformed input', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const junk: unknown[] = [null, undefined, 0, 1, -1, 'x', '', true, false, [], {}, [null], [1, 'a'], { a: 1 }, [{}], NaN];
  const pick = () => junk[Math.floor(rnd() * junk.length)];
  const paths = [
    ['spec'], ['metadata'], ['metadata', 'annotations'], ['spec', 'containers'], ['spec', 'containers', 0], ['spec', 'containers', 0, 'securityContext'],
    ['spec', 'containers', 0, 'securityContext', 'capabilities'], ['spec', 'containers', 0, 'securityContext', 'capabilities', 'add'],
    ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], ['spec', 'containers', 0, 'securityContext', 'seccompProfile'],
    ['spec', 'containers', 0, 'securityContext', 'seLinuxOptions'], ['spec', 'containers', 0, 'securityContext', 'windowsOptions'],
    ['spec', 'containers', 0, 'securityContext', 'appArmorProfile'], ['spec', 'containers', 0, 'ports'], ['spec', 'containers', 0, 'ports', 0],
    ['spec', 'containers', 0, 'livenessProbe'], ['spec', 'containers', 0, 'livenessProbe', 'httpGet'], ['spec', 'containers', 0, 'lifecycle'],
    ['spec', 'containers', 0, 'lifecycle', 'preStop'], ['spec', 'containers', 0, 'name'], ['spec', 'securityContext'], ['spec', 'securityContext', 'sysctls'],
    ['spec', 'securityContext', 'sysctls', 0], ['spec', 'volumes'], ['spec', 'volumes', 0], ['spec', 'volumes', 0, 'name'], ['spec', 'os'],
    ['spec', 'initContainers'], ['spec', 'ephemeralContainers'], ['spec', 'hostUsers'], ['spec', 'hostNetwork'],
  ];
  for (let n = 0; n < 3000; n++) {
    const root: J = { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'x' } }, spec: base().spec };
    for (let k = 0; k < 4; k++) {
      const path = paths[Math.floor(rnd() * paths.length)];
      let cur: unknown = root;
      for (let i = 0; i < path.length - 1 && typeof cur === 'object' && cur !== null; i++) cur = (cur as J)[path[i]];
      if (typeof cur === 'object' && cur !== null) (cur as J)[path[path.length - 1]] = pick();
    }
    for (const level of ['baseline', 'restricted'] as const) {
      for (const version of ['latest', v(0), v(18), v(25)] as const) {
        const r = evaluatePod(root.metadata, root.spec, level, version);
        assert.ok(Array.isArray(r));
        formatPssMessage(level, version, r);
      }
    }
  }
  for (const spec of [null, undefined, 'spec', 42, [], { containers: 'x' }, { containers: [null, 'x', 3] }]) {
    assert.deepEqual(evaluatePod(undefined, spec, 'restricted', 'latest'), []);
  }
});
