import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadText } from '../load/index.js';
import { scanObjects } from './scan.js';
import { ConfigError, findConfig, loadConfig, type Config } from './config.js';
import { ALL_CHECKS } from '../checks/registry.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  namespace: old
  annotations:
    ignore.kubeharden.io/POD-HOST-NETWORK: "needs the node's network for VRRP"
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata:
      labels: {app: legacy}
      annotations:
        ignore.kubeharden.io/CTR-PRIVILEGED: "kernel module loader, reviewed 2026-10"
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: registry.example.com/legacy:1.0
          securityContext: {privileged: true}
        - name: sidecar
          image: registry.example.com/proxy:latest
`;
const objects = () => loadText(Buffer.from(DEPLOY), 'legacy.yaml').objects;
const only = ['POD-HOST-NETWORK', 'CTR-PRIVILEGED', 'IMG-TAG', 'CTR-RO-ROOTFS'];
const by = (r: ReturnType<typeof scanObjects>, check: string) => r.findings.filter((f) => f.check === check);

describe('suppression', () => {
  it('annotations on the object and on the pod template suppress, and stay visible as suppressed', () => {
    const r = scanObjects(objects(), { checks: ALL_CHECKS, only });
    assert.deepEqual(by(r, 'POD-HOST-NETWORK')[0].suppressed, { by: 'annotation', reason: "needs the node's network for VRRP" });
    assert.equal(by(r, 'CTR-PRIVILEGED')[0].suppressed?.reason, 'kernel module loader, reviewed 2026-10');
    assert.equal(by(r, 'IMG-TAG')[0].suppressed, undefined);
    assert.equal(r.summary.suppressed, 2);
  });

  it('annotation check ids match case-insensitively', () => {
    const lower = loadText(Buffer.from(DEPLOY.replace('ignore.kubeharden.io/POD-HOST-NETWORK', 'ignore.kubeharden.io/pod-host-network')), 'l.yaml').objects;
    assert.equal(by(scanObjects(lower, { checks: ALL_CHECKS, only }), 'POD-HOST-NETWORK')[0].suppressed?.by, 'annotation');
  });

  it('--no-annotation-exemptions turns annotations off', () => {
    const r = scanObjects(objects(), { checks: ALL_CHECKS, only, annotationExemptions: false });
    assert.ok(r.findings.every((f) => !f.suppressed));
  });

  it('config exemptions match namespace/kind/name/container globs and need a reason', () => {
    const config: Config = { exemptions: [{ checks: ['CTR-RO-ROOTFS'], namespace: 'ol*', kind: 'Deployment', name: 'legacy', container: 'side*', reason: 'proxy writes its cache' }] };
    const r = scanObjects(objects(), { checks: ALL_CHECKS, only, config });
    const ro = by(r, 'CTR-RO-ROOTFS');
    assert.equal(ro.find((f) => f.container === 'sidecar')?.suppressed?.by, 'config');
    assert.equal(ro.find((f) => f.container === 'app')?.suppressed, undefined);
  });

  it('an expired exemption stops applying and is reported', () => {
    const config: Config = { exemptions: [{ checks: ['IMG-TAG'], reason: 'migration', expires: '2026-01-31' }] };
    const before = scanObjects(objects(), { checks: ALL_CHECKS, only, config, now: new Date('2026-01-15') });
    assert.equal(by(before, 'IMG-TAG')[0].suppressed?.expires, '2026-01-31');
    const afterExpiry = scanObjects(objects(), { checks: ALL_CHECKS, only, config, now: new Date('2026-02-01') });
    assert.equal(by(afterExpiry, 'IMG-TAG')[0].suppressed, undefined);
    assert.match(afterExpiry.warnings[0], /expired on 2026-01-31/);
  });

  it('config enables, disables and re-grades checks', () => {
    const r = scanObjects(objects(), { checks: ALL_CHECKS, config: { checks: { disable: ['CTR-RO-ROOTFS'], severity: { 'IMG-TAG': 'critical' } } } });
    assert.equal(by(r, 'CTR-RO-ROOTFS').length, 0);
    assert.equal(by(r, 'IMG-TAG')[0].severity, 'critical');
  });
});

describe('configuration file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kh-cfg-'));
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is found by searching upward', () => {
    writeFileSync(join(dir, 'a', '.kubeharden.yaml'), 'failOn: medium\n');
    assert.equal(findConfig(join(dir, 'a', 'b', 'c')), join(dir, 'a', '.kubeharden.yaml'));
    assert.equal(loadConfig(join(dir, 'a', '.kubeharden.yaml')).failOn, 'medium');
  });

  it('is schema-validated with clear errors', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'failOn: extreme\nexemptions:\n  - checks: [CTR-PRIVILEGED]\n    reason: ""\n  - checks: [IMG-TAG]\n    reason: ok\n    expires: someday\nunknownKey: 1\n');
    assert.throws(() => loadConfig(f), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /failOn/);
      assert.match(e.message, /exemptions\.0\.reason: every exemption needs a reason/);
      assert.match(e.message, /exemptions\.1\.expires: expires must be a date/);
      assert.match(e.message, /unknownKey|Unrecognized/);
      return true;
    });
  });

  it('accepts YAML dates for expires', () => {
    const f = join(dir, 'dates.yaml');
    writeFileSync(f, 'exemptions:\n  - checks: ["*"]\n    namespace: sandbox\n    reason: playground\n    expires: 2027-03-01\n');
    assert.equal(loadConfig(f).exemptions?.[0].expires, '2027-03-01');
  });
});

describe('severity overrides', () => {
  it('a configured severity also replaces the severities a check picks per finding', () => {
    // CTR-CAPS-ADD-DANGEROUS raises SYS_ADMIN to critical per finding; the override wins.
    const pod = loadText(Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]\n'), 'p.yaml').objects;
    const plain = scanObjects(pod, { checks: ALL_CHECKS, only: ['CTR-CAPS-ADD-DANGEROUS'] }).findings;
    assert.equal(plain[0].severity, 'critical');
    const r = scanObjects(pod, { checks: ALL_CHECKS, only: ['CTR-CAPS-ADD-DANGEROUS'], config: { checks: { severity: { 'CTR-CAPS-ADD-DANGEROUS': 'medium' } } } });
    assert.deepEqual(r.findings.map((f) => f.severity), ['medium']);
  });
  it('check selection is made once per prepared run (the webhook prepares one per profile)', async () => {
    const { prepareRun } = await import('./scan.js');
    const config: Config = { checks: { disable: ['IMG-TAG'] } };
    const run = prepareRun({ checks: ALL_CHECKS, config });
    const pod = loadText(Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n'), 'p.yaml').objects;
    assert.equal(scanObjects(pod, { run }).findings.filter((f) => f.check === 'IMG-TAG').length, 0);
    assert.ok(!run.checks.some((c) => c.meta.id === 'IMG-TAG'));
  });
});
