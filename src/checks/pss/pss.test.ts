/**
 * The PSS-* checks in the scan engine: the fixture protocol of src/checks/fixtures.test.ts run
 * over pssChecks (so it holds before they are registered), complete metadata, and scenarios:
 * scan --pss, namespace label modes and their precedence, absolute paths, fixes, the
 * namespace-without-enforce bundle check.
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import type { Finding } from '../../engine/types.js';
import { evaluatePod, LATEST_MINOR, PSS_CHECK_IDS } from '../../pss/index.js';
import { pssChecks } from './index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

function scan(text: string, settings: Record<string, unknown> = {}, only?: string[]): Finding[] {
  const loaded = loadText(Buffer.from(text), 'test.yaml');
  assert.deepEqual(loaded.errors, []);
  const r = scanObjects(loaded.objects, { checks: pssChecks, settings, now: new Date('2026-01-01'), ...(only ? { only } : {}) });
  assert.deepEqual(r.errors, []);
  return r.findings.filter((f) => !f.suppressed);
}

describe('PSS check fixtures', () => {
  const files = (dir: string, kind: string) => (existsSync(join(dir, 'fixtures', kind)) ? readdirSync(join(dir, 'fixtures', kind)).map((f) => join(dir, 'fixtures', kind, f)) : []);
  for (const check of pssChecks) {
    const id = check.meta.id;
    const dir = join(HERE, id);
    it(`${id} has doc.md and pass/fail fixtures`, () => {
      assert.ok(existsSync(join(dir, 'doc.md')), `${dir}/doc.md`);
      assert.ok(files(dir, 'fail').length > 0 && files(dir, 'pass').length > 0);
    });
    for (const kind of ['fail', 'pass'] as const) {
      for (const file of files(dir, kind)) {
        it(`${id} ${kind}s ${file.slice(dir.length + 1)}`, () => {
          const text = readFileSync(file, 'utf8');
          const settings = JSON.parse(/^#\s*settings:\s*(.+)$/m.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
          const mine = scan(text, settings, [id]).filter((f) => f.check === id);
          if (kind === 'pass') assert.deepEqual(mine.map((f) => f.message), []);
          else {
            assert.ok(mine.length > 0, `expected ${id} in ${file}`);
            const exp = /^#\s*expect:\s*(.+)$/m.exec(text)?.[1];
            if (exp) assert.deepEqual(mine.map((f) => `${f.line}:${f.column}`).sort(), exp.split(',').map((s) => s.trim()).sort());
          }
        });
      }
    }
  }
});

/** The check reporting an upstream check id: the one whose former id is PSS-<upstream id>. */
function checkIdOf(upstream: string): string {
  return pssChecks.find((c) => c.meta.aliases?.includes(`PSS-${upstream}`))?.meta.id ?? `(no check for ${upstream})`;
}

test('one check per upstream check id, plus the namespace check, with complete metadata', () => {
  assert.deepEqual(pssChecks.map((c) => c.meta.id).sort(), [...PSS_CHECK_IDS.map(checkIdOf), 'PSS-NAMESPACE-NO-ENFORCE'].sort());
  for (const c of pssChecks) {
    const m = c.meta;
    // The case style of every other id; the upstream spelling stays accepted as a former id.
    assert.match(m.id, /^PSS-[A-Z0-9]+(-[A-Z0-9]+)*$/);
    assert.equal(m.category, 'pod-security');
    assert.ok(m.title.length > 5 && m.attack.length > 30 && m.remediation.length > 20, m.id);
    assert.ok(m.references.length > 0, m.id);
    if (c.scope === 'pod') assert.ok(m.pss === 'baseline' || m.pss === 'restricted', m.id);
  }
});

const INSECURE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
          capabilities:
            add: [NET_ADMIN]
`;

test('nothing is reported unless --pss or namespace labels ask for it', () => {
  assert.deepEqual(scan(INSECURE), []);
  assert.deepEqual(scan(INSECURE, { pss: 'privileged' }), []);
});

test('scan --pss restricted: PSA wording, absolute paths, positions, level/version/mode, fixes', () => {
  const f = scan(INSECURE, { pss: 'restricted:v1.30' });
  assert.deepEqual(f.map((x) => x.check).sort(), [
    'PSS-ALLOW-PRIVILEGE-ESCALATION', 'PSS-CAPABILITIES-RESTRICTED', 'PSS-HOST-NAMESPACES', 'PSS-HOST-PORTS', 'PSS-PRIVILEGED', 'PSS-RUN-AS-NON-ROOT', 'PSS-SECCOMP-PROFILE-RESTRICTED',
  ].sort().filter((id) => id !== 'PSS-HOST-PORTS'));
  const priv = f.find((x) => x.check === 'PSS-PRIVILEGED') as Finding;
  assert.equal(priv.message, 'privileged (container "app" must not set securityContext.privileged=true). Fix: remove securityContext.privileged or set it to false in those containers. (Pod Security restricted:v1.30)');
  assert.equal(priv.path, 'spec.template.spec.containers[0].securityContext.privileged');
  assert.equal(priv.line, 14);
  assert.equal(priv.container, 'app');
  assert.deepEqual(priv.pss, { level: 'restricted', version: 'v1.30', mode: 'scan' });
  assert.deepEqual(priv.fix?.ops, [{ op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'], value: false, overwrite: true }]);
  const caps = f.find((x) => x.check === 'PSS-CAPABILITIES-RESTRICTED') as Finding;
  assert.ok(caps.message.startsWith('unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)'));
  assert.deepEqual(caps.fix?.ops, [
    { op: 'append', path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' },
    { op: 'remove-item', path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'capabilities', 'add'], value: 'NET_ADMIN' },
  ]);
  const ape = f.find((x) => x.check === 'PSS-ALLOW-PRIVILEGE-ESCALATION') as Finding;
  assert.deepEqual(ape.fix?.ops, [{ op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], value: false }]);
  const seccomp = f.find((x) => x.check === 'PSS-SECCOMP-PROFILE-RESTRICTED') as Finding;
  assert.equal(seccomp.path, 'spec.template.spec.securityContext.seccompProfile.type');
  assert.deepEqual(seccomp.fix?.ops, [{ op: 'set', path: ['spec', 'template', 'spec', 'securityContext', 'seccompProfile', 'type'], value: 'RuntimeDefault' }]);
  const host = f.find((x) => x.check === 'PSS-HOST-NAMESPACES') as Finding;
  assert.equal(host.line, 9);
  assert.equal(host.container, undefined);
});

test('CronJob and Pod paths; the same verdicts as evaluatePod', () => {
  const cron = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            container.apparmor.security.beta.kubernetes.io/job: unconfined
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: registry.example.com/backup:2
`;
  const f = scan(cron, { pss: 'baseline' });
  assert.deepEqual(f.map((x) => [x.check, x.path]), [['PSS-APPARMOR-PROFILE', 'spec.jobTemplate.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/job"]']]);
  assert.ok(f[0].message.startsWith('forbidden AppArmor profiles (container "job" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/job="unconfined"")'), f[0].message);
  assert.deepEqual(f[0].fix?.ops, [{ op: 'set', path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/job'], value: 'runtime/default', overwrite: true }]);

  // every level and version: the checks reported are exactly evaluatePod's failing checks
  const loaded = loadText(Buffer.from(INSECURE), 'x.yaml');
  const doc = loaded.objects[0].object as { spec: { template: { metadata?: unknown; spec: unknown } } };
  for (const level of ['baseline', 'restricted'] as const) {
    for (let minor = 0; minor <= LATEST_MINOR; minor++) {
      const version = { major: 1 as const, minor };
      const expected = evaluatePod(doc.spec.template.metadata, doc.spec.template.spec, level, version).map((r) => checkIdOf(r.checkId)).sort();
      assert.deepEqual(scan(INSECURE, { pss: `${level}:v1.${minor}` }).map((x) => x.check).sort(), expected, `${level}:v1.${minor}`);
    }
  }
});

const LABELLED = (labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
${labels}
---
${INSECURE}`;

test('namespace enforce/warn/audit labels: modes, precedence, what happens at admission', () => {
  const f = scan(LABELLED(['    pod-security.kubernetes.io/enforce: baseline', '    pod-security.kubernetes.io/enforce-version: v1.29', '    pod-security.kubernetes.io/warn: restricted', '    pod-security.kubernetes.io/audit: restricted'].join('\n')), {}, undefined).filter((x) => x.check.startsWith('PSS-') && x.check !== 'PSS-NAMESPACE-NO-ENFORCE');
  const modes = Object.fromEntries(f.map((x) => [x.check, `${x.pss?.mode} ${x.pss?.level}:${x.pss?.version}`]));
  assert.deepEqual(modes, {
    'PSS-HOST-NAMESPACES': 'enforce baseline:v1.29',
    'PSS-PRIVILEGED': 'enforce baseline:v1.29',
    'PSS-CAPABILITIES-BASELINE': 'enforce baseline:v1.29',
    'PSS-ALLOW-PRIVILEGE-ESCALATION': 'warn restricted:latest',
    'PSS-CAPABILITIES-RESTRICTED': 'warn restricted:latest',
    'PSS-RUN-AS-NON-ROOT': 'warn restricted:latest',
    'PSS-SECCOMP-PROFILE-RESTRICTED': 'warn restricted:latest',
  });
  const priv = f.find((x) => x.check === 'PSS-PRIVILEGED') as Finding;
  assert.match(priv.message, /Namespace "shop" enforces baseline:v1\.29: the pods of this Deployment are rejected at admission \(the workload itself is accepted with a warning\)\.$/);
  const ape = f.find((x) => x.check === 'PSS-ALLOW-PRIVILEGE-ESCALATION') as Finding;
  assert.match(ape.message, /Namespace "shop" warns at restricted:latest: kubectl prints this as a warning\.$/);

  // --pss adds scan-mode findings only for checks no namespace mode reports
  const g = scan(LABELLED('    pod-security.kubernetes.io/enforce: baseline'), { pss: 'restricted' }).filter((x) => x.check !== 'PSS-NAMESPACE-NO-ENFORCE');
  const gm = Object.fromEntries(g.map((x) => [x.check, x.pss?.mode]));
  assert.equal(gm['PSS-PRIVILEGED'], 'enforce');
  assert.equal(gm['PSS-RUN-AS-NON-ROOT'], 'scan');
  assert.equal(g.filter((x) => x.check === 'PSS-PRIVILEGED').length, 1);

  const audit = scan(LABELLED('    pod-security.kubernetes.io/audit: baseline'));
  assert.ok(audit.every((x) => x.pss?.mode === 'audit' || x.check === 'PSS-NAMESPACE-NO-ENFORCE'));
  assert.ok(audit.some((x) => x.check === 'PSS-NAMESPACE-NO-ENFORCE'));
  assert.match((audit.find((x) => x.check === 'PSS-PRIVILEGED') as Finding).message, /audits at baseline:latest: recorded in the API server audit log\.$/);

  const invalid = scan(LABELLED('    pod-security.kubernetes.io/enforce: strict'));
  assert.ok(invalid.some((x) => x.check === 'PSS-RUN-AS-NON-ROOT' && x.pss?.mode === 'enforce' && x.pss.level === 'restricted'), 'an invalid enforce level fails closed (restricted), like PSA');
});

test('a Pod in an enforcing namespace is rejected at admission', () => {
  const text = `apiVersion: v1
kind: Namespace
metadata:
  name: dev
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Pod
metadata:
  name: shell
  namespace: dev
spec:
  containers:
  - name: shell
    image: busybox:1.36
`;
  const f = scan(text);
  assert.deepEqual(f.map((x) => x.check).sort(), ['PSS-ALLOW-PRIVILEGE-ESCALATION', 'PSS-CAPABILITIES-RESTRICTED', 'PSS-RUN-AS-NON-ROOT', 'PSS-SECCOMP-PROFILE-RESTRICTED']);
  for (const x of f) assert.match(x.message, /Namespace "dev" enforces restricted:latest: this Pod is rejected at admission\.$/);
});

test('PSS-NAMESPACE-NO-ENFORCE names the strictest level its workloads pass', () => {
  const hardened = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: payments
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: shop}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: x:1
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;
  const f = scan(hardened, {}, ['PSS-NAMESPACE-NO-ENFORCE']);
  assert.equal(f.length, 1);
  assert.equal(f[0].object.kind, 'Namespace');
  assert.equal(f[0].path, 'metadata.labels');
  assert.equal(
    f[0].message,
    'Namespace "shop" holds 1 workload (Pod ok) but has no pod-security.kubernetes.io/enforce label (only pod-security.kubernetes.io/warn), so Pod Security Admission enforces only the cluster default (privileged unless configured). All of them pass restricted:latest: label it pod-security.kubernetes.io/enforce=restricted.',
  );
  assert.deepEqual(f[0].fix?.ops, [{ op: 'set', path: ['metadata', 'labels', 'pod-security.kubernetes.io/enforce'], value: 'restricted' }]);
  const bad = scan(LABELLED('    team: payments'), {}, ['PSS-NAMESPACE-NO-ENFORCE']);
  assert.equal(bad.length, 1);
  assert.match(bad[0].message, /1 of them fail even baseline:latest: fix them, then label it pod-security\.kubernetes\.io\/enforce=baseline\.$/);
  assert.equal(bad[0].fix, undefined);
  assert.deepEqual(scan(INSECURE, {}, ['PSS-NAMESPACE-NO-ENFORCE']), [], 'no Namespace object in the scan: unknown, not reported');
});
