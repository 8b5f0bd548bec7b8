import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { scanObjects } from '../engine/scan.js';
import { severityRank } from '../engine/types.js';
import { parseManifestText } from '../load/index.js';
import { installManifests, MUTATING_WEBHOOK, renderManifests, VALIDATING_CLUSTER_WEBHOOK, VALIDATING_WEBHOOK, type InstallOptions } from './install.js';
import { compilePolicy } from './policy.js';
import { generateServingCerts, type GeneratedCerts } from './tls.js';
import { ALL_CHECKS } from '../checks/registry.js';

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } };
type Webhook = Record<string, unknown> & { name: string; failurePolicy: string; timeoutSeconds: number; namespaceSelector?: { matchExpressions: { key: string; operator: string; values: string[] }[] } };

let certs: GeneratedCerts;
before(async () => {
  certs = await generateServingCerts(['kubeharden-webhook.kubeharden-system.svc'], 30);
});

function build(o: Partial<InstallOptions> = {}): Obj[] {
  return installManifests({
    namespace: 'kubeharden-system',
    image: 'ghcr.io/kubeharden/kubeharden:v0.1.0',
    replicas: 3,
    mode: 'enforce',
    mutate: true,
    certs: { kind: 'generated', certs },
    timeoutSeconds: 3,
    extraResources: [],
    ...o,
  }) as Obj[];
}

const find = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);

describe('webhook install', () => {
  for (const variant of ['generated', 'cert-manager'] as const) {
    test(`kubeharden scan of the output (${variant} certificates) has no finding at medium or above`, () => {
      const objs = build(variant === 'cert-manager' ? { certs: { kind: 'cert-manager' } } : {});
      const text = renderManifests(objs, ['test']);
      const { objects, errors } = parseManifestText(text, 'install.yaml');
      assert.deepEqual(errors, []);
      const r = scanObjects(objects, { checks: ALL_CHECKS, settings: { pss: 'restricted:latest' } });
      const bad = r.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank('medium'));
      assert.deepEqual(bad.map((f) => `${f.check} ${f.object.kind}/${f.object.name}: ${f.message}`), []);
      assert.deepEqual(r.errors, []);
    });
  }

  test('webhook configurations: timeout 3, v1 only, no side effects, kube-system and own namespace excluded, failurePolicy per mode', () => {
    const objs = build();
    const [vwc] = find(objs, 'ValidatingWebhookConfiguration');
    const [mwc] = find(objs, 'MutatingWebhookConfiguration');
    const hooks = [...(vwc.webhooks as Webhook[]), ...(mwc.webhooks as Webhook[])];
    assert.deepEqual(hooks.map((h) => h.name), [VALIDATING_WEBHOOK, VALIDATING_CLUSTER_WEBHOOK, MUTATING_WEBHOOK]);
    for (const h of hooks) {
      assert.equal(h.timeoutSeconds, 3);
      assert.equal(h.sideEffects, 'None');
      assert.deepEqual(h.admissionReviewVersions, ['v1']);
      assert.ok((h.clientConfig as { caBundle?: string }).caBundle);
    }
    const byName = Object.fromEntries(hooks.map((h) => [h.name, h]));
    assert.equal(byName[VALIDATING_WEBHOOK].failurePolicy, 'Fail');
    assert.equal(byName[VALIDATING_CLUSTER_WEBHOOK].failurePolicy, 'Ignore');
    assert.equal(byName[MUTATING_WEBHOOK].failurePolicy, 'Ignore');
    assert.deepEqual(byName[VALIDATING_WEBHOOK].namespaceSelector?.matchExpressions[0], { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kubeharden-system'] });
    assert.deepEqual(byName[MUTATING_WEBHOOK].namespaceSelector?.matchExpressions[1], { key: 'kubeharden.io/mutate', operator: 'In', values: ['true'] });
    for (const mode of ['warn', 'audit'] as const) {
      const [v] = find(build({ mode }), 'ValidatingWebhookConfiguration');
      assert.equal((v.webhooks as Webhook[])[0].failurePolicy, 'Ignore', mode);
    }
    const [forced] = find(build({ mode: 'warn', failurePolicy: 'Fail' }), 'ValidatingWebhookConfiguration');
    assert.equal((forced.webhooks as Webhook[])[0].failurePolicy, 'Fail');
    assert.equal(find(build({ mutate: false }), 'MutatingWebhookConfiguration').length, 0);
  });

  test('the runtime objects: restricted Namespace, no token automount, 3 replicas with PDB and anti-affinity, probes, limits', () => {
    const objs = build();
    const [ns] = find(objs, 'Namespace');
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    const [sa] = find(objs, 'ServiceAccount');
    assert.equal(sa.automountServiceAccountToken, false);
    const [dep] = find(objs, 'Deployment');
    const spec = dep.spec as { replicas: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } };
    assert.equal(spec.replicas, 3);
    const pod = spec.template.spec;
    assert.ok(pod.affinity);
    const c = pod.containers[0];
    for (const k of ['readinessProbe', 'livenessProbe', 'startupProbe', 'resources']) assert.ok(c[k], k);
    assert.equal((c.securityContext as Record<string, unknown>).readOnlyRootFilesystem, true);
    assert.equal(find(objs, 'PodDisruptionBudget').length, 1);
    assert.equal(find(objs, 'NetworkPolicy').length, 2);
    assert.equal(find(objs, 'Service').length, 1);
  });

  test('the shipped policy is valid; the default follows --mode', () => {
    for (const mode of ['enforce', 'warn', 'audit'] as const) {
      const [cm] = find(build({ mode }), 'ConfigMap');
      const doc = parse((cm.data as Record<string, string>)['policy.yaml']) as { rules: Record<string, string>[] };
      assert.equal(doc.rules[0][mode], 'default');
      assert.doesNotThrow(() => compilePolicy(doc));
    }
    assert.throws(() => build({ policy: { profiles: {} } }), /define at least one profile/);
  });

  test('a policy file with configFile ships with the configuration inlined (only the policy is mounted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-install-'));
    writeFileSync(join(dir, 'ci.yaml'), 'failOn: critical\nexclude: [vendor/**]\nchecks:\n  disable: [IMG-TAG]\n');
    const [cm] = find(build({ policy: { profiles: { ci: { configFile: 'ci.yaml', warnOn: 'low' } }, rules: [{ enforce: 'ci' }] }, policyDir: dir }), 'ConfigMap');
    const doc = parse((cm.data as Record<string, string>)['policy.yaml']) as { profiles: { ci: Record<string, unknown> } };
    assert.deepEqual(doc.profiles.ci, { failOn: 'critical', checks: { disable: ['IMG-TAG'] }, warnOn: 'low' });
  });

  test('cert-manager: a CA issuer chain and caBundle injection instead of a Secret', () => {
    const objs = build({ certs: { kind: 'cert-manager' } });
    assert.equal(find(objs, 'Secret').length, 0);
    assert.equal(find(objs, 'Certificate').length, 2);
    const [vwc] = find(objs, 'ValidatingWebhookConfiguration');
    assert.equal(vwc.metadata.annotations?.['cert-manager.io/inject-ca-from'], 'kubeharden-system/kubeharden-webhook-ca');
    assert.equal((vwc.webhooks as Webhook[])[0].clientConfig && ((vwc.webhooks as Webhook[])[0].clientConfig as { caBundle?: string }).caBundle, undefined);
  });

  test('extra resources (custom resources with pod templates) are added to the rules', () => {
    const [vwc] = find(build({ extraResources: ['argoproj.io/v1alpha1/rollouts'] }), 'ValidatingWebhookConfiguration');
    const rules = (vwc.webhooks as Webhook[])[0].rules as { apiGroups: string[]; resources: string[] }[];
    assert.ok(rules.some((r) => r.apiGroups[0] === 'argoproj.io' && r.resources[0] === 'rollouts'));
    assert.throws(() => build({ extraResources: ['rollouts'] }), /group\/version\/resource/);
  });
});
