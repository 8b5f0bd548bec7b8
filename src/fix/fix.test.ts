import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifestText } from '../load/documents.js';
import { scanObjects } from '../engine/scan.js';
import type { Check } from '../engine/types.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { findingKey, fixTexts, type FixOptions } from './index.js';

/** A Deployment with the things fix must preserve: comments, quotes, flow maps, an anchor and its alias. */
const BASE = `# web: edited by hand, keep the comments
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: "frontend"}   # flow map
spec:
  selector:
    matchLabels: &labels
      app: web
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: app
          image: "ghcr.io/acme/web:1.2.3"   # pinned
          ports: [{containerPort: 8080}]
          securityContext:
            capabilities:
              add: ['NET_BIND_SERVICE']
`;

/** Every shipped check: fix is not a composition root, its caller picks the checks. */
const ALL = { checks: ALL_CHECKS };

function fixOne(check: string, text = BASE, opts: Omit<FixOptions, 'scan'> = {}) {
  const r = fixTexts([{ file: 'web.yaml', text }], { ...opts, scan: { ...ALL, only: [check] } });
  return r;
}

function scanText(text: string, opts: Parameters<typeof scanObjects>[1] = ALL) {
  return scanObjects(parseManifestText(text, 'web.yaml').objects, opts).findings.filter((f) => !f.suppressed);
}

describe('fix: one golden per remediation', () => {
  test('CTR-RUN-AS-NON-ROOT: runAsNonRoot true, runAsUser and runAsGroup 10001 where unset', () => {
    const r = fixOne('CTR-RUN-AS-NON-ROOT');
    assert.equal(r.files[0].after, BASE + `            runAsNonRoot: true\n            runAsUser: 10001\n            runAsGroup: 10001\n`);
    assert.equal(r.fixed.length, 1);
    // A group set on the pod is kept: only what is unset is added.
    const withGroup = BASE.replace('    spec:\n      containers:', '    spec:\n      securityContext: {runAsGroup: 3000}\n      containers:');
    const g = fixOne('CTR-RUN-AS-NON-ROOT', withGroup);
    assert.equal(g.files[0].after, withGroup + `            runAsNonRoot: true\n            runAsUser: 10001\n`);
  });

  test('CTR-PRIV-ESC: allowPrivilegeEscalation false', () => {
    assert.equal(fixOne('CTR-PRIV-ESC').files[0].after, BASE + `            allowPrivilegeEscalation: false\n`);
  });

  test('CTR-CAPS-DROP-ALL: drop ALL, keeping the NET_BIND_SERVICE it adds (and its flow style)', () => {
    assert.equal(fixOne('CTR-CAPS-DROP-ALL').files[0].after, BASE + `              drop: [ALL]\n`);
  });

  test('POD-SECCOMP: RuntimeDefault on the pod', () => {
    assert.equal(fixOne('POD-SECCOMP').files[0].after, BASE + `      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n`);
  });

  test('CTR-RO-ROOTFS: readOnlyRootFilesystem plus an emptyDir at /tmp when nothing is writable', () => {
    assert.equal(
      fixOne('CTR-RO-ROOTFS').files[0].after,
      BASE + `            readOnlyRootFilesystem: true\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n        - name: tmp\n          emptyDir: {}\n`,
    );
    // A writable mount already exists: no /tmp volume is added.
    const withMount = BASE + `          volumeMounts:\n            - {name: cache, mountPath: /cache}\n      volumes:\n        - {name: cache, emptyDir: {}}\n`;
    const after = fixOne('CTR-RO-ROOTFS', withMount).files[0].after;
    assert.equal(after, withMount.replace(`add: ['NET_BIND_SERVICE']\n`, `add: ['NET_BIND_SERVICE']\n            readOnlyRootFilesystem: true\n`));
  });

  test('SA-AUTOMOUNT: automountServiceAccountToken false on the pod', () => {
    assert.equal(fixOne('SA-AUTOMOUNT').files[0].after, BASE + `      automountServiceAccountToken: false\n`);
  });
});

describe('fix: all together', () => {
  test('idempotent; the rescan reports none of the fixed findings; the anchor and alias survive', () => {
    const first = fixTexts([{ file: 'web.yaml', text: BASE }], { scan: ALL });
    const after = first.files[0].after;
    assert.ok(first.fixed.length >= 6, `fixed ${first.fixed.map((f) => f.check).join(', ')}`);
    assert.match(after, /matchLabels: &labels\n/);
    assert.match(after, /labels: \*labels\n/);
    assert.match(after, /labels: \{app: web, tier: "frontend"\} {3}# flow map\n/);
    assert.ok(after.startsWith(BASE.slice(0, BASE.indexOf('          securityContext:'))), 'everything before the first edit is identical');

    const second = fixTexts([{ file: 'web.yaml', text: after }], { scan: ALL });
    assert.equal(second.files[0].changed, false, 'a second run changes nothing');
    assert.equal(second.fixed.length, 0);

    const keys = new Set(scanText(after).map(findingKey));
    for (const f of first.fixed) assert.ok(!keys.has(findingKey(f)), `${f.check} still reported after fix`);
    for (const id of ['CTR-RUN-AS-NON-ROOT', 'CTR-PRIV-ESC', 'CTR-CAPS-DROP-ALL', 'POD-SECCOMP', 'CTR-RO-ROOTFS', 'SA-AUTOMOUNT']) {
      assert.ok(first.fixed.some((f) => f.check === id), `${id} fixed`);
    }
  });

  test('what cannot be known stays a finding, with advice', () => {
    const text = BASE.replace('"ghcr.io/acme/web:1.2.3"', 'nginx');
    const r = fixTexts([{ file: 'web.yaml', text }], { scan: ALL });
    const tag = r.remaining.find((x) => x.finding.check === 'IMG-TAG');
    assert.ok(tag, 'IMG-TAG remains');
    assert.match(tag.reason, /^no automatic fix: /);
    assert.match(r.files[0].after, /image: nginx {3}# pinned\n/);
  });

  test('resources and images are never written, whatever a check suggests', () => {
    const guessing: Check = {
      scope: 'pod',
      meta: { id: 'TEST-GUESS', title: 't', severity: 'medium', category: 'resources', attack: 'a', remediation: 'set limits', references: [], peers: {} },
      *check(pod) {
        yield { message: 'm', path: pod.containers[0].path, fix: { description: 'guess', ops: [{ op: 'set', path: [...pod.containers[0].path, 'resources', 'limits', 'memory'], value: '1Gi' }] } };
      },
    };
    const r = fixTexts([{ file: 'web.yaml', text: BASE }], { scan: { checks: [guessing] } });
    assert.equal(r.files[0].changed, false);
    assert.match(r.remaining[0].reason, /does not guess/);
  });

  test('values the manifest sets explicitly change only with overwrite', () => {
    const text = BASE.replace("              add: ['NET_BIND_SERVICE']\n", "              add: ['NET_BIND_SERVICE']\n            privileged: true\n");
    const safe = fixTexts([{ file: 'web.yaml', text }], { scan: { ...ALL, only: ['CTR-PRIVILEGED'] } });
    assert.equal(safe.files[0].changed, false);
    assert.equal(safe.remaining[0].needsOverwrite, true);
    assert.match(safe.remaining[0].reason, /--overwrite/);
    const forced = fixTexts([{ file: 'web.yaml', text }], { scan: { ...ALL, only: ['CTR-PRIVILEGED'] }, overwrite: true });
    assert.equal(forced.files[0].after, text.replace('privileged: true', 'privileged: false'));
  });

  test('suppressed findings are not fixed', () => {
    const text = BASE.replace('  name: web\n', '  name: web\n  annotations:\n    ignore.kubeharden.io/CTR-PRIV-ESC: "the entrypoint needs setuid (ticket 42)"\n');
    const r = fixTexts([{ file: 'web.yaml', text }], { scan: { ...ALL, only: ['CTR-PRIV-ESC'] } });
    assert.equal(r.files[0].changed, false);
  });

  test('multi-document file: only the workload document changes', () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg   # config\ndata: {a: "1"}\n`;
    const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n`;
    const text = `${cm}---\n${BASE}---\n${svc}`;
    const r = fixTexts([{ file: 'all.yaml', text }], { scan: { ...ALL, only: ['CTR-PRIV-ESC'] } });
    assert.equal(r.files[0].after, `${cm}---\n${BASE}            allowPrivilegeEscalation: false\n---\n${svc}`);
  });

  test('List items: each item is fixed in place', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers:
    - {name: a, image: "x:1"}
- apiVersion: v1
  kind: Pod
  metadata: {name: b}
  spec:
    containers:
    - name: b
      image: "x:1"
`;
    const r = fixTexts([{ file: 'list.yaml', text }], { scan: { ...ALL, only: ['CTR-PRIV-ESC', 'POD-SECCOMP'] } });
    assert.equal(
      r.files[0].after,
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers:
    - {name: a, image: "x:1", securityContext: {allowPrivilegeEscalation: false}}
    securityContext:
      seccompProfile:
        type: RuntimeDefault
- apiVersion: v1
  kind: Pod
  metadata: {name: b}
  spec:
    containers:
    - name: b
      image: "x:1"
      securityContext:
        allowPrivilegeEscalation: false
    securityContext:
      seccompProfile:
        type: RuntimeDefault
`,
    );
    assert.equal(fixTexts([{ file: 'list.yaml', text: r.files[0].after }], { scan: { ...ALL, only: ['CTR-PRIV-ESC', 'POD-SECCOMP'] } }).files[0].changed, false);
  });

  test('every shipped fix leaves the document parseable and idempotent on a hostile manifest', () => {
    const hostile = `apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  hostNetwork: true
  hostPID: true
  securityContext: {runAsUser: 0}
  containers:
  - name: a
    image: "busybox:1.36"
    securityContext:
      privileged: true
      allowPrivilegeEscalation: true
      capabilities: {add: [SYS_ADMIN, NET_BIND_SERVICE]}
  initContainers:
  - name: init
    image: "busybox:1.36"
`;
    const opts: FixOptions = { overwrite: true, scan: { checks: ALL_CHECKS, settings: { pss: 'restricted' } } };
    const r = fixTexts([{ file: 'bad.yaml', text: hostile }], opts);
    assert.ok(r.files[0].changed);
    assert.equal(r.errors.length, 0, JSON.stringify(r.errors));
    assert.equal(fixTexts([{ file: 'bad.yaml', text: r.files[0].after }], opts).files[0].changed, false);
    const left = scanText(r.files[0].after, { ...ALL, settings: { pss: 'restricted' } }).map((f) => f.check);
    for (const id of ['CTR-PRIVILEGED', 'POD-HOST-NETWORK', 'POD-HOST-PID', 'CTR-RUN-AS-NON-ROOT']) assert.ok(!left.includes(id), `${id} left: ${left.join(', ')}`);
  });
});
