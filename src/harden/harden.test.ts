/**
 * harden on real applications from ../shared/corpus (located as ../shared relative to the repo
 * root, or $KUBEHARDEN_SHARED): the output must scan clean under --pss restricted (no PSS
 * finding, nothing high or critical). When ../shared is absent the suite says NOT RUN loudly,
 * and fails when CI is set.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { SHARED } from '../../test/shared.js';
import { scanObjects } from '../engine/scan.js';
import { severityRank } from '../engine/types.js';
import { parseManifestText } from '../load/documents.js';
import { selectorMatches } from '../k8s/labels.js';
import { findPodSpecs, type PodTarget } from '../k8s/pod-spec.js';
import type { LoadedObject } from '../load/types.js';
import { evaluatePod, formatPssFailure, isAllowed } from '../pss/index.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { GENERATED_FILES, harden, hardenPasses, outputPaths, type HardenResult } from './index.js';

const CORPUS = join(SHARED, 'corpus', 'realworld');
const RESTRICTED = { level: 'restricted', version: 'latest' } as const;
const APPS = [
  { name: 'online-boutique', file: 'online-boutique/release/kubernetes-manifests.yaml', namespace: 'boutique' },
  { name: 'sock-shop', file: 'sock-shop/deploy/kubernetes/complete-demo.yaml', namespace: undefined },
];

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
}

function objectsOf(r: HardenResult): Obj[] {
  return r.files.flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS() as Obj | null)).filter((o): o is Obj => !!o && typeof o === 'object');
}

function podsOf(objects: readonly LoadedObject[]): PodTarget[] {
  return objects.flatMap((o) => findPodSpecs(o));
}

/** The text of each document of a YAML stream, keyed kind/name. */
function documentTexts(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of parseAllDocuments(text)) {
    const o = d.toJS() as Obj | null;
    const r = d.contents?.range;
    if (o && r) out.set(`${o.kind}/${o.metadata.name}`, text.slice(r[0], r[2]));
  }
  return out;
}

if (!existsSync(CORPUS)) {
  const msg = 'NOT RUN: ../shared not present';
  console.error(`\n${'!'.repeat(70)}\n!!! ${msg} (looked for ${CORPUS}; set KUBEHARDEN_SHARED)\n${'!'.repeat(70)}\n`);
  test('harden on the real-world corpus', { skip: process.env.CI ? false : msg }, () => {
    assert.fail(`${msg} (required when CI is set)`);
  });
} else {
  for (const app of APPS) {
    describe(`harden ${app.name}`, () => {
      const path = join(CORPUS, app.file);
      const text = readFileSync(path, 'utf8');
      const result = harden([{ file: path, text, bom: false }], { namespace: app.namespace, pss: RESTRICTED, checks: ALL_CHECKS });
      const objs = objectsOf(result);

      test('the input is not clean (the test has teeth)', () => {
        const before = scanObjects(parseManifestText(text, path).objects, { settings: { pss: 'restricted' }, checks: ALL_CHECKS }).findings;
        assert.ok(before.some((f) => f.check.startsWith('PSS-')), 'the input has PSS restricted findings');
        assert.ok(podsOf(parseManifestText(text, path).objects).some((p) => !isAllowed(evaluatePod(p.meta, p.spec, 'restricted', 'latest'))));
      });

      test('every pod template is allowed by the Pod Security Standards evaluator (restricted, latest)', () => {
        const pods = podsOf(result.files.flatMap((f) => parseManifestText(f.text, f.path).objects));
        assert.ok(pods.length >= 10);
        for (const p of pods) {
          const failures = evaluatePod(p.meta, p.spec, 'restricted', 'latest').filter((r) => !r.allowed);
          assert.deepEqual(failures.map(formatPssFailure), [], p.owner.name);
        }
      });

      test('the output scans clean under --pss restricted: no PSS finding, nothing high or critical', () => {
        assert.deepEqual(result.errors, []);
        const bad = result.verification.filter((f) => f.check.startsWith('PSS-') || severityRank(f.severity) >= severityRank('high'));
        assert.deepEqual(bad.map((f) => `${f.check} ${f.object.name} ${f.message}`), []);
        assert.ok(hardenPasses(result.verification));
        // Independently of harden's own verification: scan what would be written.
        const again = scanObjects(
          result.files.flatMap((f) => parseManifestText(f.text, f.path).objects),
          { settings: { pss: 'restricted' }, checks: ALL_CHECKS },
        ).findings;
        assert.ok(!again.some((f) => f.check.startsWith('PSS-') || severityRank(f.severity) >= severityRank('high')));
      });

      test('every namespace enforces restricted and has default deny and DNS', () => {
        const namespaces = objs.filter((o) => o.kind === 'Namespace');
        assert.ok(namespaces.length >= 1);
        for (const ns of namespaces) {
          assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted', ns.metadata.name);
          const pols = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns.metadata.name).map((o) => o.metadata.name);
          for (const n of ['default-deny-ingress', 'default-deny-egress', 'allow-dns-egress']) assert.ok(pols.includes(n), `${n} in ${ns.metadata.name}`);
        }
      });

      test('every Service\'s pods accept its target ports; every workload has a dedicated ServiceAccount without token', () => {
        const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
        for (const svc of objs.filter((o) => o.kind === 'Service')) {
          const selector = svc.spec?.selector as Record<string, string> | undefined;
          if (!selector) continue;
          const ports = (svc.spec?.ports as Array<{ port: number; targetPort?: number | string }>).map((p) => p.targetPort ?? p.port);
          const open = policies
            .filter((p) => p.metadata.namespace === svc.metadata.namespace && selectorMatches(p.spec?.podSelector, selector))
            .flatMap((p) => ((p.spec?.ingress as Array<{ ports: Array<{ port: number | string }> }> | undefined) ?? []).flatMap((r) => r.ports.map((x) => x.port)));
          for (const port of ports) assert.ok(open.includes(port), `Service ${svc.metadata.name}: port ${port} open (${open.join(',')})`);
        }
        const accounts = new Map(objs.filter((o) => o.kind === 'ServiceAccount').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
        for (const w of objs.filter((o) => o.kind === 'Deployment')) {
          const pod = (w.spec?.template as { spec: { serviceAccountName?: string; automountServiceAccountToken?: boolean } }).spec;
          assert.ok(pod.serviceAccountName && pod.serviceAccountName !== 'default', `${w.metadata.name} has its own account`);
          const sa = accounts.get(`${w.metadata.namespace}/${pod.serviceAccountName}`);
          assert.ok(sa, `ServiceAccount ${pod.serviceAccountName} is in the output`);
          // No token: the pod says so, or it leaves it to its account, which says so.
          assert.ok(pod.automountServiceAccountToken === false || (pod.automountServiceAccountToken === undefined && sa.automountServiceAccountToken === false), w.metadata.name);
        }
      });

      test('minimal: documents harden does not need to touch are byte-identical', () => {
        const input = documentTexts(text);
        const output = documentTexts(result.files.find((f) => f.source === path)?.text ?? '');
        let same = 0;
        for (const [k, v] of input) {
          if (!k.startsWith('Service/')) continue;
          // With --namespace, harden sets metadata.namespace; otherwise Services are untouched.
          if (app.namespace) assert.equal(output.get(k)?.replace(`  namespace: ${app.namespace}\n`, ''), v, k);
          else assert.equal(output.get(k), v, k);
          same++;
        }
        assert.ok(same > 5);
      });

      test('idempotent: hardening the output changes none of its files', () => {
        const again = harden(
          result.files.map((f) => ({ file: f.path, text: f.text, bom: false })),
          { namespace: app.namespace, pss: RESTRICTED, checks: ALL_CHECKS },
        );
        for (const f of again.files.filter((x) => x.source)) assert.equal(f.changed, false, f.path);
        const generated = new Map(result.files.filter((f) => !f.source).map((f) => [f.path, f.text]));
        // Regenerated objects are identical (ServiceAccounts now exist in the input, so their file may go).
        const np = again.files.find((f) => f.path === GENERATED_FILES.networkPolicies);
        assert.equal(np?.text, generated.get(GENERATED_FILES.networkPolicies));
      });
    });
  }
}

test('output paths keep the layout under the common directory', () => {
  const m = outputPaths(['/a/b/app/x.yaml', '/a/b/app/sub/y.yaml', '<stdin>']);
  assert.deepEqual([...m.values()], ['x.yaml', 'sub/y.yaml', 'stdin.yaml']);
  assert.deepEqual([...outputPaths(['/a/b/one.yaml']).values()], ['one.yaml']);
});
