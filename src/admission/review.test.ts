import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { failsAt, scanObjects } from '../engine/scan.js';
import type { KubeObject } from '../load/types.js';
import { objectFromJson, parseManifestText } from '../load/index.js';
import { applyJsonPatch, type JsonPatchOp } from './patch.js';
import { ADMISSION_CHECKS, compilePolicy, defaultPolicy, type PolicySpec } from './policy.js';
import { mutate, NS_WEAKEN_CHECK, review, type ReviewContext } from './review.js';
import { admissionReview, deployment, hardenedContainer, hardenedPodSpec, pod, unhardenedDeployment, type ReviewOptions } from './testing.js';
import { parseAdmissionReview, type AdmissionRequest } from './types.js';

function req(object: KubeObject | null, o: ReviewOptions = {}): AdmissionRequest {
  const p = parseAdmissionReview(admissionReview(object, o));
  if (!p.ok) throw new Error(p.message);
  return p.request;
}

const policy = defaultPolicy({ webhookNamespace: 'kubeharden-system' });

function labelsCtx(map: Record<string, Record<string, string>>): ReviewContext {
  return { namespaceLabels: (n) => map[n] };
}

const modesPolicy: PolicySpec = {
  profiles: {
    strict: { pss: 'restricted:latest', failOn: 'high', warnOn: 'medium' },
    lax: { pss: 'baseline:latest', failOn: 'critical', warnOn: 'high' },
  },
  rules: [
    { name: 'warned', namespaces: { names: ['warn-*'] }, warn: 'strict' },
    { name: 'audited', namespaces: { names: ['audit-*'] }, audit: 'strict' },
    { name: 'mutated', namespaces: { names: ['mut-*'] }, enforce: 'strict', mutate: true },
    { name: 'team', namespaces: { selector: { matchLabels: { team: 'payments' } } }, enforce: 'lax' },
    { name: 'grandfathered', namespaces: { names: ['legacy'] }, enforce: 'strict', onUpdate: 'new-violations' },
    { name: 'default', enforce: 'strict' },
  ],
  clusterScoped: { warn: 'strict' },
  exemptions: { namespaces: ['kube-system'], usernames: ['system:serviceaccount:ci:deployer'], runtimeClassNames: ['kata-*'] },
};
const modes = compilePolicy(modesPolicy, { webhookNamespace: 'kubeharden-system' });

describe('review: enforce', () => {
  test('an unhardened Deployment is denied with the failed checks and their remediation', () => {
    const o = review(req(unhardenedDeployment('web', 'demo')), policy);
    assert.equal(o.response.allowed, false);
    assert.equal(o.decision, 'denied');
    assert.equal(o.mode, 'enforce');
    assert.equal(o.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.equal(o.response.status?.code, 403);
    const msg = o.response.status?.message ?? '';
    assert.match(msg, /^Deployment "web" in namespace "demo" fails kubeharden policy \(profile "default"\)/);
    assert.match(msg, /CTR-PRIV-ESC \(high\): container "app" does not set allowPrivilegeEscalation=false\. Fix: /);
    assert.match(msg, /CTR-RUN-AS-NON-ROOT \(high\)/);
    assert.match(msg, /violates PodSecurity "restricted:latest"/);
    assert.ok(o.checks.includes('CTR-PRIV-ESC'));
    // medium findings become warnings next to the denial
    assert.ok(o.response.warnings?.some((w) => w.startsWith('CTR-CAPS-DROP-ALL (medium)')), String(o.response.warnings));
  });

  test('a hardened Deployment is admitted without warnings', () => {
    const o = review(req(deployment('web', 'demo', hardenedPodSpec(2))), policy);
    assert.equal(o.response.allowed, true, o.response.status?.message);
    assert.equal(o.response.warnings, undefined);
    assert.equal(o.decision, 'allowed');
    assert.equal(o.response.status, undefined);
  });

  test('pod templates are found by shape: CronJob, custom resources', () => {
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'demo' },
      spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.36', securityContext: { privileged: true } }] } } } } },
    };
    const o = review(req(cron), policy);
    assert.equal(o.response.allowed, false);
    assert.match(o.response.status?.message ?? '', /CTR-PRIVILEGED \(critical\)/);
    const rollout: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r', namespace: 'demo' }, spec: { template: { spec: { hostPID: true, containers: [{ name: 'c', image: 'x:1' }] } } } };
    const r = review(req(rollout), policy);
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status?.message ?? '', /POD-HOST-PID/);
  });

  test('Services and Ingresses are evaluated by the object checks', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'demo' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }], externalIPs: ['203.0.113.10'] } };
    const o = review(req(svc), policy);
    assert.equal(o.response.allowed, false);
    assert.match(o.response.status?.message ?? '', /NET-SVC-EXTERNAL-IPS \(high\)/);
  });

  test('Ingresses, NetworkPolicies and RBAC objects are evaluated too', () => {
    const ing: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i', namespace: 'demo', annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'location / { return 200; }' } },
      spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    };
    assert.match(review(req(ing), policy).response.status?.message ?? '', /NET-NGINX-SNIPPET \((high|critical)\)/);
    const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'demo' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    const r = review(req(role), policy);
    assert.equal(r.response.allowed, false);
    assert.ok(r.checks.some((c) => c.startsWith('RBAC-')), r.checks.join());
    const np: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'demo' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const n = review(req(np), policy);
    assert.equal(n.response.allowed, true, n.response.status?.message);
  });

  test('dry-run requests are judged exactly like real ones', () => {
    const real = review(req(unhardenedDeployment('web', 'demo')), policy);
    const dry = review(req(unhardenedDeployment('web', 'demo'), { dryRun: true }), policy);
    assert.deepEqual(dry.response, real.response);
  });

  test('DELETE and CONNECT are allowed without evaluation; status and scale subresources are skipped', () => {
    const del = review(req(null, { operation: 'DELETE', oldObject: unhardenedDeployment('web', 'demo') }), policy);
    assert.equal(del.response.allowed, true);
    assert.equal(del.mode, 'skipped');
    const status = review(req(unhardenedDeployment('web', 'demo'), { operation: 'UPDATE', oldObject: unhardenedDeployment('web', 'demo'), subResource: 'status' }), policy);
    assert.equal(status.response.allowed, true);
    assert.equal(status.reason, 'subresource status');
  });

  test('ephemeral containers added through pods/ephemeralcontainers are reviewed', () => {
    const before = pod('p', 'demo', hardenedPodSpec(1));
    const after = structuredClone(before);
    (after.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { privileged: true } }];
    const o = review(req(after, { operation: 'UPDATE', oldObject: before, subResource: 'ephemeralcontainers' }), policy);
    assert.equal(o.response.allowed, false);
    assert.match(o.response.status?.message ?? '', /CTR-PRIVILEGED \(critical\): ephemeral container "debug"/);
  });

  test('UPDATE: metadata-only changes of a non-compliant object are admitted (as PodSecurity does)', () => {
    const old = unhardenedDeployment('web', 'demo');
    const relabelled = structuredClone(old);
    (relabelled.metadata as Record<string, unknown>).labels = { app: 'web', tier: 'front' };
    (relabelled.metadata as Record<string, unknown>).annotations = { 'deployment.kubernetes.io/revision': '2' };
    const o = review(req(relabelled, { operation: 'UPDATE', oldObject: old }), policy);
    assert.equal(o.response.allowed, true);
    assert.equal(o.reason, 'unchanged update');
    // a spec change is judged in full
    const changed = structuredClone(old);
    ((changed.spec as Record<string, unknown>).replicas as number) = 3;
    assert.equal(review(req(changed, { operation: 'UPDATE', oldObject: old }), policy).response.allowed, false);
  });

  test('UPDATE with onUpdate: new-violations judges only findings the old object did not have', () => {
    const old = unhardenedDeployment('web', 'legacy');
    const scaled = structuredClone(old);
    ((scaled.spec as Record<string, unknown>).replicas as number) = 5;
    assert.equal(review(req(scaled, { operation: 'UPDATE', oldObject: old }), modes).response.allowed, true);
    const worse = structuredClone(old);
    const c = ((worse.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]);
    c.securityContext = { privileged: true };
    const o = review(req(worse, { operation: 'UPDATE', oldObject: old }), modes);
    assert.equal(o.response.allowed, false);
    assert.deepEqual(o.checks.filter((x) => x.startsWith('CTR')), ['CTR-PRIVILEGED']);
    // CREATE in the same namespace is judged in full
    assert.equal(review(req(old), modes).response.allowed, false);
  });

  test('an evaluation error fails closed in enforce mode', () => {
    const boom = compilePolicy({ profiles: { p: { failOn: 'high' } }, rules: [{ enforce: 'p' }] }, { checks: [{ scope: 'object' as const, kinds: '*' as const, meta: { ...ADMISSION_CHECKS[0].meta, id: 'BOOM' }, check: () => { throw new Error('kaput'); } }] });
    const o = review(req(pod('p', 'demo', hardenedPodSpec(1))), boom);
    assert.equal(o.response.allowed, false);
    assert.equal(o.decision, 'error');
    assert.equal(o.response.status?.code, 500);
    assert.match(o.response.status?.message ?? '', /could not evaluate Pod "p"/);
  });
});

describe('review: modes, namespaces and exemptions', () => {
  test('warn mode admits with kubectl warnings, never denies', () => {
    const o = review(req(unhardenedDeployment('web', 'warn-a')), modes);
    assert.equal(o.response.allowed, true);
    assert.equal(o.decision, 'warned');
    assert.equal(o.mode, 'warn');
    const w = o.response.warnings ?? [];
    assert.ok(w.some((x) => x.startsWith('CTR-PRIV-ESC (high): container "app"')), w.join('\n'));
    assert.ok(w.every((x) => x.length <= 256));
  });

  test('audit mode admits and records audit annotations', () => {
    const o = review(req(unhardenedDeployment('web', 'audit-a')), modes);
    assert.equal(o.response.allowed, true);
    assert.equal(o.mode, 'audit');
    assert.equal(o.response.warnings, undefined);
    assert.match(o.response.auditAnnotations?.['audit-violations'] ?? '', /CTR-PRIV-ESC\(high\)/);
    assert.equal(o.response.auditAnnotations?.['audit-profile'], 'strict');
  });

  test('label selectors pick rules; kubeharden.io/<mode> labels pick profiles', () => {
    const dep = structuredClone(unhardenedDeployment('web', 'pay'));
    // lax: only critical denies → the unhardened deployment (high findings) is admitted with warnings
    const lax = review(req(dep), modes, labelsCtx({ pay: { team: 'payments' } }));
    assert.equal(lax.response.allowed, true, lax.response.status?.message);
    assert.equal(lax.profile, 'lax');
    // without the labels (unknown), the selector rule cannot match: default rule, strict
    assert.equal(review(req(dep), modes).response.allowed, false);
    // a namespace label switches enforce to another profile
    const relabelled = review(req(dep), modes, labelsCtx({ pay: { 'kubeharden.io/enforce': 'lax' } }));
    assert.equal(relabelled.response.allowed, true);
    // an unknown profile keeps the rule's choice and says so
    const unknown = review(req(dep), modes, labelsCtx({ pay: { 'kubeharden.io/enforce': 'nope', 'kubeharden.io/warn': 'lax' } }));
    assert.equal(unknown.response.allowed, false);
    assert.ok(unknown.response.warnings?.some((w) => /names no profile/.test(w)));
  });

  test('label-picked profiles are ignored when namespaceLabels is off', () => {
    const off = compilePolicy({ ...modesPolicy, namespaceLabels: false });
    const o = review(req(unhardenedDeployment('web', 'pay')), off, labelsCtx({ pay: { 'kubeharden.io/enforce': 'lax' } }));
    assert.equal(o.response.allowed, false);
  });

  test('kube-system and the webhook namespace are exempt; so are listed users and runtime classes', () => {
    for (const ns of ['kube-system', 'kubeharden-system']) {
      const o = review(req(unhardenedDeployment('x', ns)), policy);
      assert.equal(o.response.allowed, true, ns);
      assert.equal(o.mode, 'exempt');
      assert.deepEqual(o.response.auditAnnotations, { exempt: 'namespace' });
    }
    const byUser = review(req(unhardenedDeployment('x', 'demo'), { username: 'system:serviceaccount:ci:deployer' }), modes);
    assert.deepEqual(byUser.response.auditAnnotations, { exempt: 'user' });
    const kata = unhardenedDeployment('x', 'demo');
    ((kata.spec as { template: { spec: Record<string, unknown> } }).template.spec).runtimeClassName = 'kata-qemu';
    assert.deepEqual(review(req(kata), modes).response.auditAnnotations, { exempt: 'runtimeClass' });
  });

  test('annotation exemptions are honoured unless the policy turns them off', () => {
    const dep = deployment('web', 'demo', { ...hardenedPodSpec(1), containers: [{ ...hardenedContainer('app'), securityContext: { ...(hardenedContainer('app').securityContext as object), privileged: true } }] });
    (dep.metadata as Record<string, unknown>).annotations = { 'ignore.kubeharden.io/CTR-PRIVILEGED': 'GPU driver installer, reviewed by security' };
    const p = compilePolicy({ profiles: { p: { failOn: 'high' } }, rules: [{ enforce: 'p' }] });
    assert.equal(review(req(dep), p).response.allowed, true);
    const strict = compilePolicy({ profiles: { p: { failOn: 'high' } }, rules: [{ enforce: 'p' }], annotationExemptions: false });
    assert.equal(review(req(dep), strict).response.allowed, false);
  });

  test('cluster-scoped objects use the clusterScoped modes', () => {
    const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    const o = review(req(role), modes);
    assert.equal(o.response.allowed, true);
    assert.equal(o.mode, 'warn');
  });

  test('a namespace that no rule matches is not evaluated', () => {
    const p = compilePolicy({ profiles: { p: {} }, rules: [{ namespaces: { names: ['prod-*'] }, enforce: 'p' }] });
    const o = review(req(unhardenedDeployment('x', 'dev')), p);
    assert.equal(o.response.allowed, true);
    assert.equal(o.mode, 'none');
  });
});

describe('review: Namespace label changes', () => {
  const ns = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a', ...labels } } });

  test('lowering pod-security.kubernetes.io/enforce is denied', () => {
    const o = review(req(ns({ 'pod-security.kubernetes.io/enforce': 'privileged' }), { operation: 'UPDATE', oldObject: ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }) }), policy);
    assert.equal(o.response.allowed, false);
    assert.ok(o.checks.includes(NS_WEAKEN_CHECK));
    assert.match(o.response.status?.message ?? '', /lowers pod-security\.kubernetes\.io\/enforce from restricted to privileged/);
    const removed = review(req(ns({}), { operation: 'UPDATE', oldObject: ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }) }), policy);
    assert.match(removed.response.status?.message ?? '', /from baseline to privileged \(label removed\)/);
  });

  test('raising or keeping the level is admitted', () => {
    const o = review(req(ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), { operation: 'UPDATE', oldObject: ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }) }), policy);
    assert.equal(o.response.allowed, true, o.response.status?.message);
  });

  test('a kubeharden.io/enforce label picking a weaker profile is denied, on CREATE and UPDATE', () => {
    const created = review(req(ns({ 'kubeharden.io/enforce': 'lax' })), modes);
    assert.equal(created.response.allowed, false);
    assert.match(created.response.status?.message ?? '', /from "strict" to "lax", which enforces less/);
    const updated = review(req(ns({ 'kubeharden.io/enforce': 'lax' }), { operation: 'UPDATE', oldObject: ns({}) }), modes);
    assert.equal(updated.response.allowed, false);
    const stronger = review(req(ns({ 'kubeharden.io/enforce': 'strict' }), { operation: 'UPDATE', oldObject: ns({ 'kubeharden.io/enforce': 'lax' }) }), modes);
    assert.equal(stronger.response.allowed, true, stronger.response.status?.message);
  });

  test('exempt users may relax a namespace', () => {
    const o = review(req(ns({}), { operation: 'UPDATE', oldObject: ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), username: 'system:serviceaccount:ci:deployer' }), modes);
    assert.equal(o.response.allowed, true);
  });
});

describe('mutate', () => {
  const mp = compilePolicy({ ...modesPolicy }, { webhookNamespace: 'kubeharden-system' });
  const patchOf = (o: ReturnType<typeof mutate>): JsonPatchOp[] => JSON.parse(Buffer.from(o.response.patch ?? 'W10=', 'base64').toString()) as JsonPatchOp[];

  test('applies the remediations as JSON Patch; the patched object passes validation', () => {
    const dep = deployment('web', 'mut-a', { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] });
    const o = mutate(req(dep), mp);
    assert.equal(o.response.allowed, true);
    assert.equal(o.response.patchType, 'JSONPatch');
    assert.equal(o.decision, 'mutated');
    const patched = applyJsonPatch(dep, patchOf(o)) as KubeObject;
    const spec = (patched.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    assert.deepEqual((spec.securityContext as Record<string, unknown>).seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(spec.automountServiceAccountToken, false);
    const sc = (spec.containers as Record<string, unknown>[])[0].securityContext as Record<string, unknown>;
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.equal(sc.runAsNonRoot, true);
    assert.ok(((sc.capabilities as Record<string, unknown>).drop as string[]).includes('ALL'));
    const v = review(req(patched), mp);
    assert.equal(v.response.allowed, true, v.response.status?.message);
  });

  test('never overrides what the user set explicitly', () => {
    const dep = deployment('web', 'mut-a', {
      automountServiceAccountToken: true,
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'app', image: 'x:1', securityContext: { allowPrivilegeEscalation: true, privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
    });
    const patch = patchOf(mutate(req(dep), mp));
    const paths = patch.map((p) => p.path);
    for (const p of paths) {
      assert.ok(!/allowPrivilegeEscalation$|privileged$|seccompProfile|automountServiceAccountToken/.test(p), p);
      assert.notEqual(patch.find((x) => x.path === p)?.op, 'replace');
      assert.notEqual(patch.find((x) => x.path === p)?.op, 'remove');
    }
    // what is missing is still added next to what is there
    assert.ok(paths.includes('/spec/template/spec/containers/0/securityContext/capabilities/drop'), paths.join(' '));
    // validation still denies what mutation would not touch
    assert.equal(review(req(applyJsonPatch(dep, patch) as KubeObject), mp).response.allowed, false);
  });

  test('only namespaces that opted in are mutated; Pod updates never', () => {
    assert.equal(mutate(req(unhardenedDeployment('web', 'demo')), mp).response.patch, undefined);
    const byLabel = mutate(req(unhardenedDeployment('web', 'demo')), mp, labelsCtx({ demo: { 'kubeharden.io/mutate': 'true' } }));
    assert.ok(byLabel.response.patch);
    const p = pod('p', 'mut-a', { containers: [{ name: 'c', image: 'x:1' }] });
    assert.equal(mutate(req(p, { operation: 'UPDATE', oldObject: p }), mp).response.patch, undefined);
    assert.ok(mutate(req(p), mp).response.patch);
  });

  test('mutation.checks limits which remediations are applied', () => {
    const only = compilePolicy({ ...modesPolicy, mutation: { checks: ['POD-SECCOMP'] } });
    const patch = patchOf(mutate(req(unhardenedDeployment('web', 'mut-a')), only));
    assert.deepEqual(patch, [{ op: 'add', path: '/spec/template/spec/securityContext', value: { seccompProfile: { type: 'RuntimeDefault' } } }]);
  });
});

/** Every fixture manifest of every check: admission denies exactly when `kubeharden scan --fail-on high` fails. */
describe('parity with kubeharden scan', () => {
  const root = new URL('../checks/', import.meta.url).pathname;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n) && p.includes('/fixtures/')) files.push(p);
    }
  };
  walk(root);
  const admissionIds = new Set(ADMISSION_CHECKS.map((c) => c.meta.id));
  const p = compilePolicy({ profiles: { ci: { failOn: 'high', annotationExemptions: true } }, rules: [{ enforce: 'ci' }], clusterScoped: { enforce: 'ci' }, exemptions: { namespaces: [] } });

  test('the default policy decides exactly like `kubeharden scan --fail-on high` with its profile configuration', () => {
    const def = defaultPolicy();
    const config = def.profiles.get('default')?.config ?? {};
    let denied = 0;
    for (const f of files) {
      for (const o of parseManifestText(readFileSync(f, 'utf8'), f).objects) {
        if (!o.kind || o.kind === 'Namespace' || o.namespace === 'kube-system') continue;
        const ci = scanObjects([objectFromJson(o.object)], { checks: ADMISSION_CHECKS, config }).findings.filter((x) => admissionIds.has(x.check));
        const r = review(req(o.object, o.namespace ? {} : { namespace: 'default' }), def);
        assert.equal(r.response.allowed, !failsAt(ci, 'high'), `${f}: ${o.kind} ${o.name}`);
        if (!r.response.allowed) denied++;
      }
    }
    assert.ok(denied > 10);
  });

  test(`same verdict for every object of the ${files.length} check fixtures`, () => {
    assert.ok(files.length > 20, `found ${files.length} fixtures`);
    let compared = 0;
    for (const f of files) {
      const { objects } = parseManifestText(readFileSync(f, 'utf8'), f);
      for (const o of objects) {
        if (!o.kind || o.kind === 'Namespace') continue;
        const json = o.object;
        // The CLI judges the object alone (admission never sees the rest of the bundle).
        const ci = scanObjects([objectFromJson(json)], { checks: ADMISSION_CHECKS, config: { failOn: 'high' } }).findings.filter((x) => admissionIds.has(x.check));
        const namespace = o.namespace ?? (['ClusterRole', 'ClusterRoleBinding'].includes(o.kind) ? undefined : 'default');
        const r = review(req(json, namespace ? { namespace } : {}), p);
        assert.equal(r.response.allowed, !failsAt(ci, 'high'), `${f}: ${o.kind} ${o.name}: ${r.response.status?.message ?? 'admitted'}`);
        compared++;
      }
    }
    assert.ok(compared > 20);
  });
});

/**
 * The review path memoizes (check selection, settings, parsed images) and shares one index
 * between the profiles of a request: no answer may depend on what was reviewed before, or on
 * which other profiles the same request was evaluated under.
 */
describe('review: no state carried between reviews', () => {
  const root = new URL('../checks/', import.meta.url).pathname;
  const requests: { name: string; request: () => AdmissionRequest }[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n) && p.includes('/fixtures/')) {
        for (const o of parseManifestText(readFileSync(p, 'utf8'), p).objects) {
          if (!o.kind || o.kind === 'Namespace') continue;
          const json = JSON.stringify(o.object);
          const namespace = o.namespace ?? (['ClusterRole', 'ClusterRoleBinding'].includes(o.kind) ? undefined : 'default');
          // a fresh request each time, as the server parses one per HTTP request
          requests.push({ name: `${p}: ${o.kind} ${o.name}`, request: () => req(JSON.parse(json) as KubeObject, namespace ? { namespace } : {}) });
        }
      }
    }
  };
  walk(root);
  const answer = (o: ReturnType<typeof review>) => JSON.stringify(o);

  test(`every fixture object gets the same answer alone, after all the others, and in reverse order (${requests.length} objects)`, () => {
    assert.ok(requests.length > 100);
    const alone = requests.map((r) => answer(review(r.request(), policy)));
    for (let i = requests.length - 1; i >= 0; i--) assert.equal(answer(review(requests[i].request(), policy)), alone[i], requests[i].name);
    for (let i = 0; i < requests.length; i++) {
      // two different reviews in sequence, then the first again
      const j = (i * 7 + 3) % requests.length;
      review(requests[j].request(), policy);
      assert.equal(answer(review(requests[i].request(), policy)), alone[i], `${requests[i].name} after ${requests[j].name}`);
    }
  });

  test('a profile gives the same answer whether or not the request was also evaluated under another profile', () => {
    const spec = (rule: Record<string, string>): PolicySpec => ({
      profiles: {
        strict: { pss: 'restricted:latest', failOn: 'high', warnOn: 'medium' },
        lax: { pss: 'baseline:v1.25', failOn: 'critical', warnOn: 'low' },
      },
      rules: [{ name: 'r', ...rule }],
      exemptions: { namespaces: [] },
    });
    const all = compilePolicy(spec({ enforce: 'lax', warn: 'strict', audit: 'strict' }));
    const enforceOnly = compilePolicy(spec({ enforce: 'lax' }));
    const auditOnly = compilePolicy(spec({ audit: 'strict' }));
    let compared = 0;
    for (const r of requests) {
      const combined = review(r.request(), all);
      const e = review(r.request(), enforceOnly);
      const a = review(r.request(), auditOnly);
      assert.equal(combined.response.allowed, e.response.allowed, r.name);
      assert.equal(combined.response.status?.message, e.response.status?.message, r.name);
      assert.deepEqual(combined.response.auditAnnotations?.['audit-violations'], a.response.auditAnnotations?.['audit-violations'], r.name);
      compared++;
    }
    assert.ok(compared > 100);
  });

  test('mutation gives the same patch alone and after other reviews', () => {
    const mut = compilePolicy({ ...modesPolicy, rules: [{ name: 'all', enforce: 'strict', mutate: true }] });
    const alone = requests.map((r) => answer(mutate(r.request(), mut)));
    for (let i = requests.length - 1; i >= 0; i--) {
      review(requests[(i + 1) % requests.length].request(), mut);
      assert.equal(answer(mutate(requests[i].request(), mut)), alone[i], requests[i].name);
    }
  });
});

describe('wrongly-shaped objects', () => {
  /** Deterministic PRNG (mulberry32), so a failure reproduces. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const weird: unknown[] = [null, 0, -1, Number.MAX_SAFE_INTEGER, '', 'x', true, [], {}, [null], [{}], { a: [] }, 'ALL', ['ALL'], { type: 7 }];

  /** Replaces one random node of a JSON tree with a weird value. */
  function mutateOnce(doc: unknown, next: () => number): unknown {
    const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) {
        v.forEach((x, i) => {
          nodes.push({ parent: v, key: i });
          walk(x);
        });
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          nodes.push({ parent: v as Record<string, unknown>, key: k });
          walk(x);
        }
      }
    };
    walk(doc);
    const n = nodes[Math.floor(next() * nodes.length)];
    const value = weird[Math.floor(next() * weird.length)];
    if (Array.isArray(n.parent)) n.parent[n.key as number] = value;
    else n.parent[n.key as string] = value;
    return doc;
  }

  test('review and mutate answer every mangled object, never throw', () => {
    const next = rng(7);
    const mp = compilePolicy({ ...modesPolicy });
    const bases: KubeObject[] = [
      unhardenedDeployment('web', 'mut-a'),
      deployment('web', 'mut-a', hardenedPodSpec(3)),
      pod('p', 'mut-a', { ...hardenedPodSpec(2), initContainers: [hardenedContainer('init')], volumes: [{ name: 'v', hostPath: { path: '/' } }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'mut-a' }, spec: { type: 'NodePort', ports: [{ port: 80 }], externalIPs: ['1.2.3.4'] } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'mut-a' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
    ];
    let answered = 0;
    for (let i = 0; i < 400; i++) {
      let doc = structuredClone(bases[i % bases.length]);
      for (let k = 0, n = 1 + Math.floor(next() * 3); k < n; k++) doc = mutateOnce(doc, next) as KubeObject;
      const envelope = parseAdmissionReview(admissionReview(doc, { namespace: 'mut-a' }));
      if (!envelope.ok) continue; // the object itself became a non-object: a 400, tested elsewhere
      for (const fn of [review, mutate]) {
        const o = fn(envelope.request, mp);
        assert.equal(o.response.uid, envelope.request.uid);
        assert.equal(typeof o.response.allowed, 'boolean');
        // the patch must apply to the object it was made for (the API server rejects the request otherwise)
        if (o.response.patch) applyJsonPatch(doc, JSON.parse(Buffer.from(o.response.patch, 'base64').toString()) as JsonPatchOp[]);
        answered++;
      }
    }
    assert.ok(answered > 600, `answered ${answered}`);
  });
});
