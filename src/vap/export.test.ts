/**
 * The exporter's shape, without a cluster (test/e2e/vap.test.ts proves the verdicts on the real
 * kube-apiserver): every check exports or says why not, one policy per kind, bindings, actions,
 * --fail-on, exemptions, the CLI's errors and report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { ALL_CHECKS } from '../checks/registry.js';
import type { Check } from '../engine/types.js';
import { lit } from '../k8s/cel.js';
import { controlAtCel, staticPolicyCel } from '../pss/policy-cel.js';
import { cliBatch } from '../../test/cli/helpers.js';
import { exportVap, globRegex, typeCheckProbes, type VapExportOptions } from './export.js';
import { parseLabelSelector } from './selector.js';
import { placementOf } from './targets.js';

type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

function run(checks: readonly Check[], over: Partial<VapExportOptions> = {}) {
  return exportVap({
    checks,
    settings: { pss: undefined, k8sVersion: undefined, allowedRegistries: [], deniedRegistries: [] },
    severityOverrides: new Set(),
    failOn: 'info',
    action: 'deny',
    annotationExemptions: true,
    exemptions: [],
    exemptNamespaces: ['kube-system'],
    exemptUsernames: ['system:apiserver'],
    prefix: 'kubeharden',
    ...over,
  });
}

const check = (id: string) => ALL_CHECKS.find((c) => c.meta.id === id) as Check;

describe('export vap', () => {
  it('every check exports or declares why it cannot', () => {
    const silent = ALL_CHECKS.map((c) => ({ id: c.meta.id, p: placementOf(c) })).filter((x) => !x.p.ok && x.p.reason === 'it declares no CEL form');
    assert.deepEqual(silent.map((x) => x.id), []);
    const exported = ALL_CHECKS.filter((c) => placementOf(c).ok);
    assert.ok(exported.length >= 90, `only ${exported.length} checks export`);
  });

  it('makes one policy and one binding per kind, bound with the action', () => {
    const r = run([check('CTR-PRIVILEGED'), check('WL-NAKED-POD'), check('RBAC-WILDCARD')], { action: 'warn' });
    const docs = r.documents as unknown as Doc[];
    const policies = docs.filter((d) => d.kind === 'ValidatingAdmissionPolicy').map((d) => d.metadata.name);
    assert.deepEqual(policies, ['kubeharden-pods', 'kubeharden-deployments', 'kubeharden-replicasets', 'kubeharden-statefulsets', 'kubeharden-daemonsets', 'kubeharden-jobs', 'kubeharden-cronjobs', 'kubeharden-replicationcontrollers', 'kubeharden-podtemplates', 'kubeharden-roles', 'kubeharden-clusterroles']);
    const bindings = docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
    assert.deepEqual(bindings.map((b) => b.spec.policyName), policies);
    for (const b of bindings) assert.deepEqual(b.spec.validationActions, ['Warn']);
    const pods = docs[0].spec as { matchConstraints: { resourceRules: Array<{ resources: string[] }> }; validations: unknown[]; variables: Array<{ name: string }>; failurePolicy: string };
    assert.deepEqual(pods.matchConstraints.resourceRules[0].resources, ['pods', 'pods/ephemeralcontainers']);
    assert.equal(pods.failurePolicy, 'Fail');
    assert.equal(pods.validations.length, 1);
    // The Pod policy carries the Pod object check too: one message names both.
    assert.ok(pods.variables.some((v) => v.name === 'c_CTR_PRIVILEGED') && pods.variables.some((v) => v.name === 'c_WL_NAKED_POD'));
    assert.deepEqual(r.report.exported.find((e) => e.id === 'WL-NAKED-POD')?.kinds, ['Pod']);
  });

  it('audit mode adds an audit annotation with the message', () => {
    const docs = run([check('CTR-PRIVILEGED')], { action: 'audit' }).documents as unknown as Doc[];
    assert.deepEqual(docs[0].spec.auditAnnotations, [{ key: 'violations', valueExpression: "variables.failedChecks.size() > 0 ? variables.message : ''" }]);
    assert.deepEqual(docs[1].spec.validationActions, ['Audit']);
  });

  it('--fail-on leaves out findings below it, per finding severity', () => {
    const r = run([check('CTR-PRIVILEGED'), check('IMG-DIGEST'), check('META-KUBE-SYSTEM')], { failOn: 'medium' });
    assert.deepEqual(r.report.belowFailOn, ['IMG-DIGEST']);
    const pods = (r.documents[0] as unknown as Doc).spec.variables as Array<{ name: string; expression: string }>;
    const meta = pods.find((v) => v.name === 'c_META_KUBE_SYSTEM')?.expression ?? '';
    // The low-severity case (a cluster-critical priority) is left out, the medium one stays.
    assert.doesNotMatch(meta, /declares itself/);
    assert.match(meta, /reserved for cluster components/);
  });

  it('reports the checks it cannot export, with the reason, and the kinds left out', () => {
    const r = run([check('NET-NO-NETPOL'), check('SEC-ENV-LITERAL'), check('RES-CPU-LIM')]);
    assert.deepEqual(r.report.notExported.map((n) => n.id), ['NET-NO-NETPOL', 'SEC-ENV-LITERAL']);
    assert.match(r.report.notExported[1].reason, /entropy/);
    const res = r.report.exported.find((e) => e.id === 'RES-CPU-LIM');
    assert.deepEqual(res?.kinds, ['Pod']);
    assert.match(res?.leftOut?.reason ?? '', /LimitRange/);
  });

  it('guards each check with its ignore annotation and the configured exemptions, and namespaces with matchConditions', () => {
    const r = run([check('CTR-PRIVILEGED')], { exemptions: [{ checks: ['CTR-*'], namespace: 'legacy-*', reason: 'r' }] });
    const spec = (r.documents[2] as unknown as Doc).spec as { variables: Array<{ name: string; expression: string }>; matchConditions: Array<{ name: string; expression: string }> };
    const v = spec.variables.find((x) => x.name === 'c_CTR_PRIVILEGED')?.expression ?? '';
    assert.match(v, /k\.lowerAscii\(\) == 'ignore\.kubeharden\.io\/ctr-privileged'/);
    assert.match(v, /object\.spec\.template\.\?metadata\.\?annotations/);
    assert.match(v, /matches\('\^legacy-\.\*\$'\)/);
    assert.deepEqual(spec.matchConditions.map((m) => m.name), ['exempt-namespaces', 'exempt-users', 'pod-spec-changed']);
    const off = run([check('CTR-PRIVILEGED')], { annotationExemptions: false, exemptNamespaces: [] });
    const offSpec = (off.documents[0] as unknown as Doc).spec as { variables: Array<{ name: string; expression: string }>; matchConditions: Array<{ name: string }> };
    assert.doesNotMatch(offSpec.variables.find((x) => x.name === 'c_CTR_PRIVILEGED')?.expression ?? '', /ignore\.kubeharden\.io/);
    assert.ok(!offSpec.matchConditions.some((m) => m.name === 'exempt-namespaces'));
  });

  it('keeps every expression within the API server\'s 100,000 code points', () => {
    const over: string[] = [];
    for (const d of run(ALL_CHECKS).documents as unknown as Doc[]) {
      const spec = d.spec as { variables?: Array<{ name: string; expression: string }>; validations?: Array<{ expression: string }> };
      for (const e of [...(spec.variables ?? []), ...(spec.validations ?? []).map((v, i) => ({ name: `validations[${i}]`, expression: v.expression }))]) {
        if ([...e.expression].length > 100_000) over.push(`${d.metadata.name} ${e.name}: ${[...e.expression].length}`);
      }
    }
    assert.deepEqual(over, []);
  });

  it('type-check probes repeat each check variable as a validation, a few checks per unbound policy', () => {
    const r = run([check('VOL-HOSTPATH-SENSITIVE'), check('CTR-PRIVILEGED')]);
    const probes = typeCheckProbes(r.documents) as unknown as Doc[];
    assert.equal(probes.length, 9);
    assert.equal(probes[0].metadata.name, 'kubeharden-pods-typecheck-0');
    const spec = probes[0].spec as { validations: Array<{ expression: string }>; variables: Array<{ name: string }>; failurePolicy: string };
    assert.equal(spec.failurePolicy, 'Ignore');
    assert.deepEqual(spec.variables.map((v) => v.name).sort(), ['c_CTR_PRIVILEGED', 'c_VOL_HOSTPATH_SENSITIVE', 'k_VOL_HOSTPATH_SENSITIVE_judged', 'k_VOL_HOSTPATH_SENSITIVE_sensitive', 'k_VOL_HOSTPATH_SENSITIVE_volumes']);
    assert.equal(spec.validations.length, 5);
    assert.ok(spec.validations.every((v) => v.expression.startsWith('true || [')));
  });

  it('is deterministic', () => {
    const a = JSON.stringify(run(ALL_CHECKS).documents);
    const b = JSON.stringify(run(ALL_CHECKS).documents);
    assert.equal(a, b);
  });

  it('quotes CEL string literals and globs', () => {
    assert.equal(lit("it's a\\b\n"), "'it\\'s a\\\\b\\n'");
    assert.equal(globRegex('team-*.a?'), '^team-.*\\.a.$');
  });

  it('runs a Pod Security control only where the registry does (overrides and first versions)', () => {
    const at = (level: 'baseline' | 'restricted', version: string) => controlAtCel('capabilities_baseline', staticPolicyCel(level, version === 'latest' ? 'latest' : { major: 1, minor: Number(version) }), (i) => `IMPL${i}`);
    // Static policies still go through the range table; the active implementation is the only one named.
    assert.match(at('baseline', 'latest'), /IMPL0/);
    assert.match(at('restricted', '21'), /IMPL0/);
    assert.match(at('restricted', '22'), /\(37\) >= 0 && \(37\) <= 21 \? IMPL0|<= 21/);
    const hostProbes = controlAtCel('hostProbesAndHostLifecycle', { level: 'L', version: 'V', minor: 'M' }, (i) => `IMPL${i}`);
    assert.match(hostProbes, /\(M\) >= 34 && \(M\) <= 37 \? IMPL0/);
  });

  it('reads kubectl label selectors', () => {
    assert.deepEqual(parseLabelSelector('env=prod,tier!=cache,team in (a, b),!legacy,owner'), {
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['cache'] },
        { key: 'team', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'owner', operator: 'Exists' },
      ],
    });
    assert.throws(() => parseLabelSelector('env=(x'), /unbalanced/);
    assert.throws(() => parseLabelSelector(''), /empty selector/);
    assert.throws(() => parseLabelSelector('a b c'), /cannot read/);
  });
});

describe('kubeharden export vap (CLI)', () => {
  const [ok, json, unknown, strict, nothing, badSelector, badPrefix, former] = cliBatch(
    ['export', 'vap', '--checks', 'CTR-PRIVILEGED,NET-NO-NETPOL', '--namespace-selector', 'env=prod'],
    ['export', 'vap', '--checks', 'CTR-PRIVILEGED', '-o', 'json', '--action', 'audit'],
    ['export', 'vap', '--checks', 'CTR-PRIVILEGD'],
    ['export', 'vap', '--checks', 'CTR-PRIVILEGED,NET-NO-NETPOL', '--strict'],
    ['export', 'vap', '--checks', 'NET-NO-NETPOL'],
    ['export', 'vap', '--namespace-selector', 'a b'],
    ['export', 'vap', '--name-prefix', 'Bad_Prefix'],
    ['export', 'vap', '--checks', 'PSS-allowPrivilegeEscalation,CTR-PRIVILEGED'],
  );

  it('writes YAML policies to stdout and the report to stderr', () => {
    assert.equal(ok.code, 0, ok.stderr);
    const docs = parseAllDocuments(ok.stdout).map((d) => d.toJSON() as Doc);
    assert.equal(docs.length, 18);
    assert.deepEqual(docs[1].spec.matchResources, { namespaceSelector: { matchLabels: { env: 'prod' } } });
    assert.match(ok.stderr, /1 check\(s\) in 9 ValidatingAdmissionPolicies \(action deny, fail-on high\)/);
    assert.match(ok.stderr, /not exported \(1\):\n {2}NET-NO-NETPOL: set-dependent/);
  });

  it('writes a JSON List with -o json', () => {
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as { kind: string; items: Doc[] };
    assert.equal(list.kind, 'List');
    assert.ok(list.items.some((d) => Array.isArray(d.spec.auditAnnotations)));
  });

  it('fails closed on unknown ids, --strict, nothing to export, bad selectors and names', () => {
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown check "CTR-PRIVILEGD" \(did you mean "CTR-PRIVILEGED"/);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /--strict: 1 check\(s\) cannot be exported: NET-NO-NETPOL/);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /no check could be exported/);
    assert.equal(badSelector.code, 2);
    assert.match(badSelector.stderr, /--namespace-selector: cannot read "a b"/);
    assert.equal(badPrefix.code, 2);
    assert.match(badPrefix.stderr, /--name-prefix/);
  });

  it('takes ids as scan does: a former id exports its check, with the deprecation warning', () => {
    assert.equal(former.code, 0, former.stderr);
    assert.match(former.stderr, /warning: --checks: check id PSS-allowPrivilegeEscalation is deprecated, use PSS-ALLOW-PRIVILEGE-ESCALATION/);
    assert.match(former.stderr, /2 check\(s\) in \d+ ValidatingAdmissionPolicies/);
  });
});
