import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { scanObjects } from '../engine/scan.js';
import { severityRank } from '../engine/types.js';
import { parseManifestText } from '../load/index.js';
import { AUDITED } from './catalogue.js';
import { auditInstallManifests, auditRules, type AuditInstallOptions } from './install.js';
import { ALL_CHECKS } from '../checks/registry.js';

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string } };

const build = (o: Partial<AuditInstallOptions> = {}): Obj[] =>
  auditInstallManifests({
    namespace: 'kubeharden-system',
    schedule: '0 * * * *',
    image: 'ghcr.io/kubeharden/kubeharden:v0.1.0',
    api: 'wgpolicyk8s',
    crds: true,
    extraResources: [],
    auditArgs: [],
    ...o,
  }) as Obj[];

describe('audit install', () => {
  for (const api of ['wgpolicyk8s', 'openreports'] as const) {
    test(`kubeharden scan --pss restricted of the output (${api}) has nothing at medium or above`, () => {
      const text = build({ api }).map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
      const { objects, errors } = parseManifestText(text, 'install.yaml');
      assert.deepEqual(errors, []);
      const r = scanObjects(objects, { checks: ALL_CHECKS, settings: { pss: 'restricted:latest' } });
      const bad = r.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank('medium'));
      assert.deepEqual(bad.map((f) => `${f.check} ${f.object.kind}/${f.object.name}: ${f.message}`), []);
      assert.deepEqual(r.errors, []);
      // The one exemption it needs says why, on the objects it applies to.
      const suppressed = r.findings.filter((f) => f.suppressed).map((f) => `${f.check} ${f.object.kind}`);
      assert.deepEqual([...new Set(suppressed)].sort(), ['RBAC-SECRETS ClusterRole', 'WL-SA-POWER CronJob']);
    });
  }

  test('least privilege: get/list on exactly what audit reads, writes only on the report kinds, /metrics', () => {
    const rules = auditRules('wgpolicyk8s', ['argoproj.io/rollouts']);
    const verbs = new Set(rules.flatMap((r) => (r.verbs as string[]).map((v) => `${v} ${((r.apiGroups as string[] | undefined) ?? ['(url)']).join()}/${((r.resources as string[] | undefined) ?? (r.nonResourceURLs as string[])).join()}`)));
    for (const a of AUDITED) assert.ok([...verbs].some((v) => v.startsWith(`list ${a.group}/`) && v.split('/')[1].split(',').includes(a.resource)), `list ${a.resource}`);
    assert.ok(verbs.has('list argoproj.io/rollouts'));
    const writes = rules.filter((r) => (r.verbs as string[]).some((v) => !['get', 'list'].includes(v)));
    assert.deepEqual(writes, [{ apiGroups: ['wgpolicyk8s.io'], resources: ['policyreports', 'clusterpolicyreports'], verbs: ['get', 'list', 'create', 'patch', 'update', 'delete'] }]);
    assert.ok(!rules.some((r) => (r.verbs as string[]).includes('watch') || (r.resources as string[] | undefined)?.includes('*')));
    assert.throws(() => auditRules('wgpolicyk8s', ['rollouts']), /group\/resource/);
  });

  test('the CronJob runs audit --write-reports, never concurrently, without retries; --no-crds leaves the CRDs out', () => {
    const objs = build({ api: 'openreports', auditArgs: ['--pss=restricted'] });
    const cron = objs.find((o) => o.kind === 'CronJob') as Obj & { spec: Record<string, unknown> };
    const job = (cron.spec.jobTemplate as { spec: { backoffLimit: number; template: { spec: { containers: Array<{ args: string[] }> } } } }).spec;
    assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    assert.equal(job.backoffLimit, 0);
    assert.deepEqual(job.template.spec.containers[0].args, ['audit', '--write-reports', '--report-api=openreports', '--fail-on=none', '--pss=restricted']);
    assert.deepEqual(objs.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name), ['reports.openreports.io', 'clusterreports.openreports.io']);
    assert.equal(build({ crds: false }).filter((o) => o.kind === 'CustomResourceDefinition').length, 0);
  });
});
