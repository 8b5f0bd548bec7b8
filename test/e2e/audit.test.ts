// kubeharden audit against the project's real kube-apiserver (+ controller-manager): every check
// fixture and a generated multi-namespace app are created in the cluster, then
// - audit equals scan on the same objects (the API server's legitimate changes are listed and
//   explained below, each needed at least once), and the audit of its own dump equals it exactly;
// - a `kubectl get -o json` dump and an `audit --dump` file give the same report without the cluster;
// - forbidden lists (a restricted identity) exit 2 naming them, --skip-forbidden says what was not audited;
// - the identity of `audit install` (its ClusterRole) is enough to audit and write reports;
// - --write-reports twice leaves one up-to-date report per namespace (chunks of ≤1,000, stale ones deleted);
// - a legacy token Secret is reported with the last-used date the API server recorded;
// - connections cut mid-list are retried, and a list that keeps failing is an error naming it;
// and on a second API server (anonymous auth on, no watch cache, compaction every 5 s):
// - anonymous access is detected (and not on the first), deprecated API use is read from /metrics,
// - a continue token that expired (410 Gone) restarts the list without losing or repeating objects.
// If the control plane is not built this file FAILS (run scripts/build-control-plane.sh).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { kubeconfig as writeKubeconfig } from '../cluster/config.js';
import { Applier, openCrd, type Created } from '../audit/apply.js';
import { flakyProxy } from '../audit/flaky-proxy.js';
import { fixtureWorld, generatedApp, isFacts, type Obj } from '../audit/world.js';
import { REPO_ROOT } from '../shared.js';
import { AUDITED } from '../../src/audit/catalogue.js';
import { hasPodSpec } from '../../src/audit/fold.js';
import { connect } from '../../src/cluster/client.js';
import { discover } from '../../src/cluster/discovery.js';
import { listPages } from '../../src/cluster/list.js';
import { isClusterScoped } from '../../src/engine/object-index.js';
import { scanObjects } from '../../src/engine/scan.js';
import type { Finding } from '../../src/engine/types.js';
import { objectFromJson } from '../../src/load/index.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI without blocking this process (the flaky proxy runs in it). */
function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, KUBECONFIG: '', CI: process.env.CI ?? '', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Row {
  check: string;
  kind: string;
  namespace: string;
  name: string;
  path: string;
  severity: string;
  message: string;
}

const rowOf = (f: Pick<Finding, 'check' | 'object' | 'path' | 'severity' | 'message'>): Row => ({
  check: f.check,
  kind: f.object.kind,
  namespace: f.object.namespace ?? '',
  name: f.object.name,
  path: f.path,
  severity: f.severity,
  message: f.message,
});
const text = (r: Row) => `${r.kind} ${r.namespace}/${r.name} ${r.path} ${r.check} ${r.severity}: ${r.message}`;
const identity = (kind: string, namespace: string | undefined, name: string) => `${kind}|${namespace ?? ''}|${name}`;
const objectId = (o: Obj) => identity(o.kind, isClusterScoped(o.kind) ? undefined : o.metadata.namespace, o.metadata.name);

/**
 * What the API server legitimately changes between a manifest and the object it stores, and what
 * audit deliberately does not read. Each explains differences between `scan` of the manifests
 * and `audit` of the cluster; each must be needed (a stale explanation fails the test).
 */
interface Explanation {
  why: string;
  /** For a scan finding audit does not have: what audit reports instead (null: nothing). */
  fromScan?: (r: Row) => Row | null | undefined;
  /** For an audit finding scan does not have (with the object's manifest). */
  auditOnly?: (r: Row, manifest: Obj | undefined) => boolean;
}

const EXPLANATIONS: Explanation[] = [
  {
    why: 'the API server labels every Namespace kubernetes.io/metadata.name=<name>, so a Namespace without labels in its manifest has labels in the cluster',
    fromScan: (r) => (r.check === 'PSS-NAMESPACE-NO-ENFORCE' && r.path === 'metadata' ? { ...r, path: 'metadata.labels' } : undefined),
  },
  {
    why: 'ServiceAccount admission sets spec.serviceAccountName: default on a pod that names no ServiceAccount',
    fromScan: (r) =>
      r.check === 'SA-DEFAULT-USED' && r.kind === 'Pod' && r.message.startsWith('no serviceAccountName is set')
        ? { ...r, path: 'spec.serviceAccountName', message: r.message.replace('no serviceAccountName is set', 'serviceAccountName is "default"') }
        : undefined,
  },
  {
    why: 'for a hostNetwork pod the API server sets each container port\'s hostPort to its containerPort',
    fromScan: (r) => {
      const m = /^container "([^"]+)" port (\d+) is a host port: with hostNetwork: true the API server sets hostPort to containerPort$/.exec(r.message);
      if (r.check !== 'CTR-HOSTPORT' || !m) return undefined;
      return { ...r, path: r.path.replace(/containerPort$/, 'hostPort'), severity: 'medium', message: `container "${m[1]}" binds hostPort ${m[2]} (to containerPort ${m[2]}) on the node` };
    },
  },
  {
    why: 'the API server rewrites a pod\'s deprecated spec.serviceAccount to equal serviceAccountName, so a mistake in it is gone once applied',
    fromScan: (r) => (r.check === 'SA-REF' && r.kind === 'Pod' && r.path.endsWith('serviceAccount') ? null : undefined),
  },
  {
    why: 'a Service\'s status is written by controllers, not kept from the manifest: no load balancer address is assigned in the test cluster',
    fromScan: (r) => {
      const m = /^Service "([^"]+)" \(LoadBalancer\) is published at .* on (.*)$/.exec(r.message);
      if (r.check !== 'CLU-SVC-INVENTORY' || !m) return undefined;
      return { ...r, path: 'spec.type', message: `Service "${m[1]}" (LoadBalancer) on ${m[2]} has no address assigned yet` };
    },
  },
  {
    why: 'only a live audit knows the API server\'s version (GET /version), which kubelet skew is judged against',
    auditOnly: (r) => r.check === 'CLU-KUBELET-SKEW',
  },
  {
    why: 'the API server allocates a node port to each port of a NodePort or LoadBalancer Service that sets none',
    auditOnly: (r, manifest) => r.check === 'CLU-SVC-INVENTORY' && r.path === 'spec.ports' && !JSON.stringify(manifest?.spec ?? {}).includes('"nodePort"'),
  },
];

/** Why an object created from a manifest is not among the objects audit read back. */
function whyMissing(o: Obj, accepted: ReadonlyMap<string, Obj>): string | undefined {
  const meta = o.metadata as { ownerReferences?: unknown[] };
  if (o.kind === 'Secret' && o.type !== 'kubernetes.io/service-account-token') return 'audit lists only ServiceAccount token Secrets';
  if (o.kind === 'Secret') {
    const sa = (meta as { annotations?: Record<string, string> }).annotations?.['kubernetes.io/service-account.name'];
    if (!sa || !accepted.has(identity('ServiceAccount', o.metadata.namespace, sa))) return 'the token controller deletes token Secrets of ServiceAccounts that do not exist';
  }
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length) return 'the garbage collector deletes objects whose owner does not exist';
  if (o.kind === 'CustomResourceDefinition') return 'CRDs are read for their schemas only';
  if (!AUDITED.some((r) => r.kind === o.kind) && !hasPodSpec(o)) return 'audit does not read this kind (no check looks at it)';
  return undefined;
}

const avail = controlPlaneAvailable();

if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  describe('kubeharden audit on a real control plane', () => {
    let c: Cluster;
    let dir: string;
    let world: Obj[];
    let created: Created[];
    let applier: Applier;

    before(
      async () => {
        dir = mkdtempSync(join(tmpdir(), 'kubeharden-audit-e2e-'));
        c = await startCluster();
        applier = await Applier.open(c.kubeconfig);
        world = [...fixtureWorld().flatMap((f) => f.objects.filter((o) => !isFacts(o))), ...generatedApp(8)];
        // Namespaces the manifests use but do not define, and their default ServiceAccount
        // (created now so the same object is on both sides; the controller-manager may be first).
        const namespaces = new Set<string>();
        for (const o of world) if (!isClusterScoped(o.kind) && o.metadata.namespace) namespaces.add(o.metadata.namespace);
        for (const o of world) if (o.kind === 'Namespace') namespaces.delete(o.metadata.name);
        const extra: Obj[] = [...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
        const withDefault = new Set(world.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'default').map((o) => o.metadata.namespace));
        const allNamespaces = [...namespaces, ...world.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)];
        for (const ns of allNamespaces) if (!withDefault.has(ns)) extra.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
        // Custom kinds of the fixtures (Argo Rollouts, Prometheus…) get a CRD without a schema.
        const crds = new Map<string, Obj>();
        for (const o of world) {
          const g = o.apiVersion.split('/')[0];
          if (o.apiVersion.includes('/') && g.includes('.') && !g.endsWith('k8s.io')) crds.set(`${o.apiVersion}/${o.kind}`, openCrd(o.apiVersion, o.kind));
        }
        world = [...extra, ...world];
        const t0 = Date.now();
        created = await applier.create([...crds.values(), ...world]);
        const refused = created.filter((r) => r.status >= 300);
        console.log(`# created ${created.length - refused.length} of ${created.length} objects in ${Date.now() - t0} ms; refused by the API server: ${refused.length}`);
        // The report CRDs, the CronJob and its least-privilege identity.
        const install = cli(['audit', 'install']);
        assert.equal(install.code, 0, install.stderr);
        const applied = await c.kubectl(['apply', '-f', '-'], { input: install.stdout });
        assert.match(applied.stdout, /cronjob.batch\/kubeharden-audit created/);
        // The openreports CRDs too (only those: the rest would give the ClusterRole openreports rules).
        const openreports = parseAllDocuments(cli(['audit', 'install', '--report-api', 'openreports']).stdout)
          .map((d) => d.toJSON() as Obj | null)
          .filter((o): o is Obj => o?.kind === 'CustomResourceDefinition');
        await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: openreports }) });
        // Let the controller-manager catch up (ReplicaSets and pods of Deployments, garbage collection).
        await new Promise((r) => setTimeout(r, 5000));
      },
      { timeout: 600_000 },
    );

    after(async () => {
      applier?.close();
      await c?.stop();
    });

    test('audit equals scan on the same objects; every difference is one the API server makes, explained', { timeout: 300_000 }, async () => {
      const a = cli(['audit', '--kubeconfig', c.kubeconfig, '-o', 'json', '--pss', 'restricted', '--output-file', join(dir, 'audit.json'), '--dump', join(dir, 'dump.json')]);
      assert.equal(a.code, 1, `exit 1 (findings at high), not 2 (incomplete):\n${a.stderr}`);
      const report = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as { findings: Finding[]; errors: unknown[] };
      assert.deepEqual(report.errors, []);
      const dumped = (JSON.parse(readFileSync(join(dir, 'dump.json'), 'utf8')) as { items: Obj[] }).items;
      const inCluster = new Set(dumped.map(objectId));

      // Anonymous authentication is off on this API server: every probe 401, no finding.
      const probe = dumped.find((o) => o.kind === 'AnonymousAuthProbe') as Obj & { results: Array<{ path: string; status: number }> };
      assert.deepEqual(probe.results.map((r) => `${r.path} ${r.status}`), ['/api 401', '/version 401', '/healthz 401']);
      assert.ok(!report.findings.some((f) => f.check === 'CLU-ANONYMOUS-AUTH'));
      // The controller-manager made ReplicaSets and pods for the Deployments: folded into them.
      const owned = (JSON.parse((await c.kubectl(['get', 'replicasets', '-A', '-o', 'json'])).stdout) as { items: Obj[] }).items.filter(
        (r) => ((r.metadata as { ownerReferences?: Array<{ kind: string }> }).ownerReferences ?? []).some((o) => o.kind === 'Deployment'),
      );
      assert.ok(owned.length > 20, `${owned.length} ReplicaSets of Deployments in the cluster`);
      assert.ok(!dumped.some((o) => o.kind === 'ReplicaSet' && owned.some((r) => r.metadata.name === o.metadata.name && r.metadata.namespace === o.metadata.namespace)), 'no ReplicaSet of a Deployment is checked itself');

      // The objects on both sides: created from the manifests and read back by audit.
      const accepted = new Map(created.filter((r) => r.status < 300).map((r) => [objectId(r.object), r.object]));
      const unexplained: string[] = [];
      const missing = new Map<string, number>();
      for (const [id, o] of accepted) {
        if (inCluster.has(id)) continue;
        const why = whyMissing(o, accepted);
        if (why) missing.set(why, (missing.get(why) ?? 0) + 1);
        else unexplained.push(id);
      }
      assert.deepEqual(unexplained, [], 'objects created but not audited, without a reason');
      console.log(`# not read back: ${[...missing].map(([w, n]) => `${n} (${w})`).join('; ')}`);
      const same = [...accepted.values()].filter((o) => inCluster.has(objectId(o)));
      assert.ok(same.length > 800, `${same.length} objects on both sides`);

      const scan = scanObjects(
        same.map((o) => objectFromJson(structuredClone(o))),
        { checks: ALL_CHECKS, settings: { pss: 'restricted' } },
      );
      assert.deepEqual(scan.errors, []);
      // The kinds audit does not read have nothing any check reports.
      const notRead = [...accepted.values()].filter((o) => !inCluster.has(objectId(o)) && whyMissing(o, accepted) === 'audit does not read this kind (no check looks at it)');
      const unread = scanObjects(notRead.map((o) => objectFromJson(structuredClone(o))), { checks: ALL_CHECKS, settings: { pss: 'restricted' } });
      assert.deepEqual(unread.findings.map((f) => text(rowOf(f))), []);

      const ids = new Set(same.map(objectId));
      const auditRows = report.findings.filter((f) => ids.has(identity(f.object.kind, f.object.namespace, f.object.name))).map(rowOf);
      const scanRows = scan.findings.map(rowOf);
      const key = (r: Row) => JSON.stringify(r);
      const pool = new Map<string, number>();
      for (const r of auditRows) pool.set(key(r), (pool.get(key(r)) ?? 0) + 1);
      const take = (r: Row) => {
        const n = pool.get(key(r)) ?? 0;
        if (n === 0) return false;
        pool.set(key(r), n - 1);
        return true;
      };
      const used = new Map<Explanation, number>();
      const onlyScan: string[] = [];
      let matched = 0;
      for (const r of scanRows) {
        if (take(r)) {
          matched++;
          continue;
        }
        const e = EXPLANATIONS.find((x) => x.fromScan?.(r) !== undefined);
        const instead = e?.fromScan?.(r);
        if (e && (instead === null || (instead && take(instead)))) {
          used.set(e, (used.get(e) ?? 0) + 1);
          continue;
        }
        onlyScan.push(text(r));
      }
      const onlyAudit: string[] = [];
      for (const [k, n] of pool) {
        for (let i = 0; i < n; i++) {
          const r = JSON.parse(k) as Row;
          const e = EXPLANATIONS.find((x) => x.auditOnly?.(r, accepted.get(identity(r.kind, r.namespace || undefined, r.name))));
          if (e) used.set(e, (used.get(e) ?? 0) + 1);
          else onlyAudit.push(text(r));
        }
      }
      assert.deepEqual({ onlyScan, onlyAudit }, { onlyScan: [], onlyAudit: [] }, 'differences no explanation covers');
      for (const e of EXPLANATIONS) assert.ok(used.get(e), `explanation never needed (remove it): ${e.why}`);
      console.log(`# ${matched} findings identical; explained: ${EXPLANATIONS.map((e) => `${used.get(e)} × ${e.why.split(' ').slice(0, 6).join(' ')}…`).join('; ')}`);

      // `scan` of what audit read gives audit's findings exactly (bootstrap RBAC is context only).
      const scanned = cli(['scan', join(dir, 'dump.json'), '-o', 'json', '--pss', 'restricted', '--fail-on', 'none']);
      const scanReport = JSON.parse(scanned.stdout) as { findings: Finding[] };
      const bootstrap = new Set(dumped.filter((o) => (o.metadata.labels as Record<string, string> | undefined)?.['kubernetes.io/bootstrapping'] === 'rbac-defaults').map(objectId));
      // (scan's paths of a List's items start with items[N].)
      const fromScan = scanReport.findings
        .filter((f) => !bootstrap.has(identity(f.object.kind, f.object.namespace, f.object.name)))
        .map((f) => text(rowOf({ ...f, path: f.path.replace(/^items\[\d+\]\.?/, '') })));
      assert.deepEqual(fromScan.sort(), report.findings.map((f) => text(rowOf(f))).sort());
    });

    test('--from the audit\'s own dump gives the same report; a kubectl get -o json dump the same findings but those of live facts', { timeout: 300_000 }, async () => {
      const live = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as { findings: Finding[]; summary: unknown };
      const again = cli(['audit', '--from', join(dir, 'dump.json'), '-o', 'json', '--pss', 'restricted']);
      assert.equal(again.code, 1, again.stderr);
      const fromDump = JSON.parse(again.stdout) as { findings: Finding[]; summary: unknown };
      assert.deepEqual(fromDump.findings, live.findings);
      assert.deepEqual(fromDump.summary, live.summary);

      // What audit lists, and the custom resources with pod templates of the fixtures.
      const custom = new Set(world.filter((o) => o.apiVersion.includes('/') && o.apiVersion.split('/')[0].includes('.') && !o.apiVersion.includes('k8s.io')).map((o) => `${o.kind.toLowerCase()}s.${o.apiVersion.split('/')[0]}`));
      const resources = [...AUDITED.map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource)), ...custom].join(',');
      const got = await c.kubectl(['get', resources, '-A', '-o', 'json']);
      writeFileSync(join(dir, 'kubectl.json'), got.stdout);
      const fromKubectl = cli(['audit', '--from', join(dir, 'kubectl.json'), '-o', 'json', '--pss', 'restricted']);
      const k = JSON.parse(fromKubectl.stdout) as { findings: Finding[] };
      // A kubectl dump has no facts about the API server itself (version, anonymous access, metrics).
      const facts = new Set(['CLU-VERSION-EOL', 'CLU-VERSION-PATCH', 'CLU-KUBELET-SKEW', 'CLU-ANONYMOUS-AUTH', 'CLU-DEPRECATED-API-USE']);
      const rows = (fs: Finding[]) => fs.filter((f) => !facts.has(f.check)).map((f) => text(rowOf(f)));
      assert.deepEqual(rows(k.findings).sort(), rows(live.findings).sort());
      // The dump holds Secret values (kubectl prints them): none reaches the report.
      const values = (JSON.parse(got.stdout) as { items: Obj[] }).items.filter((o) => o.kind === 'Secret').flatMap((o) => Object.values((o.data ?? {}) as Record<string, string>))
        .filter((v) => v.length >= 12);
      assert.ok(values.length > 0);
      for (const v of values) assert.ok(!fromKubectl.stdout.includes(v), 'a Secret value in the report');
    });

    test('a restricted identity: every forbidden list is named and the audit exits 2; --skip-forbidden says what was not audited', { timeout: 120_000 }, () => {
      const r = cli(['audit', '--kubeconfig', c.identities.carol.kubeconfig, '-o', 'json']);
      assert.equal(r.code, 2, r.stderr);
      for (const what of ['list pods in all namespaces', 'list secrets in all namespaces', 'list clusterroles.rbac.authorization.k8s.io', 'list deployments.apps in all namespaces']) {
        assert.ok(r.stderr.includes(`cannot ${what}`), `${what} named in:\n${r.stderr}`);
      }
      assert.match(r.stderr, /HTTP 403: .*User "carol" cannot list resource/);
      const skipped = cli(['audit', '--kubeconfig', c.identities.carol.kubeconfig, '-o', 'json', '--skip-forbidden']);
      assert.notEqual(skipped.code, 2, skipped.stderr);
      const report = JSON.parse(skipped.stdout) as { warnings: string[]; errors: unknown[] };
      assert.deepEqual(report.errors, []);
      assert.ok(report.warnings.some((w) => w.startsWith('not audited (--skip-forbidden): cannot list pods in all namespaces')), report.warnings.join('\n'));
    });

    test('the ServiceAccount of `audit install` (with --resource for the custom resources) may read everything audit reads and write the reports', { timeout: 300_000 }, async () => {
      const custom = [...new Set(world.filter((o) => o.apiVersion.includes('/') && o.apiVersion.split('/')[0].includes('.') && !o.apiVersion.includes('k8s.io')).map((o) => `${o.apiVersion.split('/')[0]}/${o.kind.toLowerCase()}s`))];
      const install = cli(['audit', 'install', ...custom.flatMap((r) => ['--resource', r])]);
      assert.equal(install.code, 0, install.stderr);
      await c.kubectl(['apply', '-f', '-'], { input: install.stdout });
      const tr = await c.api('POST', '/api/v1/namespaces/kubeharden-system/serviceaccounts/kubeharden-audit/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } });
      assert.equal(tr.status, 201, tr.body);
      const token = (tr.json as { status: { token: string } }).status.token;
      const kc = join(dir, 'audit-sa.kubeconfig');
      writeFileSync(kc, writeKubeconfig(c.server, c.caFile, 'kubeharden-audit', token));
      const r = cli(['audit', '--kubeconfig', kc, '--write-reports', '--fail-on', 'none', '-o', 'json', '--output-file', join(dir, 'sa.json')]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /forbidden|cannot/i);
      assert.match(r.stderr, /wrote \d+ report\(s\)/);
    });

    test('--write-reports twice: one up-to-date report per namespace, chunks of at most 1,000 results, stale ones deleted; readable with kubectl', { timeout: 300_000 }, async () => {
      // 1,200 objects in one namespace: its report needs two chunks.
      await c.namespace('bulk');
      const bulk: Obj[] = Array.from({ length: 1200 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'bulk', labels: { generation: i < 700 ? 'old' : 'new' } }, data: { k: 'v' } }));
      const made = await applier.create(bulk, 32);
      assert.ok(made.every((m) => m.status === 201));
      const first = cli(['audit', '--kubeconfig', c.kubeconfig, '--write-reports', '--fail-on', 'none', '-o', 'policyreport']);
      assert.equal(first.code, 0, first.stderr);
      const printed = parseAllDocuments(first.stdout).map((d) => d.toJSON() as Obj & { results: Array<{ result: string }>; summary: Record<string, number> });
      const reports = JSON.parse((await c.kubectl(['get', 'policyreports.wgpolicyk8s.io', '-A', '-o', 'json'])).stdout) as { items: Array<Obj & { results: unknown[]; summary: Record<string, number> }> };
      const names = reports.items.map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
      assert.ok(names.includes('bulk/kubeharden') && names.includes('bulk/kubeharden-2'), names.join(' '));
      assert.equal(new Set(names).size, names.length);
      for (const r of reports.items) assert.ok(r.results.length <= 1000, `${r.metadata.name}: ${r.results.length} results`);
      // What the cluster holds is what was printed.
      const summaries = (l: Array<{ metadata: { namespace?: string; name: string }; summary: Record<string, number> }>) =>
        Object.fromEntries(l.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r.summary]));
      assert.deepEqual(summaries(reports.items), summaries(printed.filter((p) => p.kind === 'PolicyReport')));
      const cluster = JSON.parse((await c.kubectl(['get', 'clusterpolicyreports', '-o', 'json'])).stdout) as { items: Obj[] };
      assert.deepEqual(cluster.items.map((r) => r.metadata.name), ['kubeharden']);
      const table = await c.kubectl(['get', 'polr', '-n', 'bulk']);
      assert.match(table.stdout, /NAME\s+PASS\s+FAIL\s+WARN\s+ERROR\s+SKIP\s+AGE/);

      // Change the cluster: half the ConfigMaps go, a privileged pod comes.
      const del = await c.api('DELETE', '/api/v1/namespaces/bulk/configmaps?labelSelector=generation%3Dold');
      assert.equal(del.status, 200, del.body);
      await applier.create([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'bulk' }, spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } }]);
      const second = cli(['audit', '--kubeconfig', c.kubeconfig, '--write-reports', '--fail-on', 'none', '-o', 'json']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /deleted \d+ stale report/);
      const after = JSON.parse((await c.kubectl(['get', 'policyreports', '-n', 'bulk', '-o', 'json'])).stdout) as { items: Array<Obj & { results: Array<{ policy: string; result: string; resources: Array<{ name: string }> }> }> };
      assert.deepEqual(after.items.map((r) => r.metadata.name), ['kubeharden']);
      const privileged = after.items[0].results.filter((r) => r.policy === 'CTR-PRIVILEGED');
      assert.deepEqual(privileged.map((r) => `${r.result} ${r.resources[0].name}`), ['fail root']);
      // The 500 ConfigMaps left and kube-root-ca.crt pass.
      assert.equal(after.items[0].results.filter((r) => r.result === 'pass' && (r as unknown as { resources: Array<{ kind: string }> }).resources[0].kind === 'ConfigMap').length, 501);
    });

    test('--report-api openreports writes Report/ClusterReport of openreports.io/v1alpha1', { timeout: 300_000 }, async () => {
      const r = cli(['audit', '--kubeconfig', c.kubeconfig, '--write-reports', '--report-api', 'openreports', '--fail-on', 'none', '-n', 'bulk', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse((await c.kubectl(['get', 'reports.openreports.io', '-n', 'bulk', '-o', 'json'])).stdout) as { items: Array<Obj & { source: string; results: Array<{ source: string }> }> };
      assert.deepEqual(got.items.map((i) => `${i.metadata.name} ${i.source}`), ['kubeharden kubeharden']);
      assert.ok(got.items[0].results.every((x) => x.source === 'kubeharden'));
    });

    test('a legacy token Secret is reported with the last-used date the API server records', { timeout: 120_000 }, async () => {
      await c.namespace('legacy');
      await applier.create([
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'legacy' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'robot-token', namespace: 'legacy', annotations: { 'kubernetes.io/service-account.name': 'robot' } }, type: 'kubernetes.io/service-account-token' },
      ]);
      let token = '';
      await c.waitFor(async () => {
        const s = await c.api('GET', '/api/v1/namespaces/legacy/secrets/robot-token');
        token = Buffer.from((s.json as { data?: { token?: string } }).data?.token ?? '', 'base64').toString();
        return token.length > 0;
      });
      const unused = cli(['audit', '--kubeconfig', c.kubeconfig, '-n', 'legacy', '-o', 'json', '--checks', 'CLU-LEGACY-SA-TOKEN', '--fail-on', 'none']);
      assert.match(unused.stdout, /holds a non-expiring token of ServiceAccount \\"robot\\", not used since usage tracking began/);
      // Use the token: the API server stamps the Secret with today's date.
      const used = spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${token}`, `${c.server}/api`], { encoding: 'utf8' });
      assert.equal(used.stdout, '200');
      const today = new Date().toISOString().slice(0, 10);
      await c.waitFor(async () => ((await c.api('GET', '/api/v1/namespaces/legacy/secrets/robot-token')).json as Obj).metadata.labels !== undefined);
      const r = cli(['audit', '--kubeconfig', c.kubeconfig, '-n', 'legacy', '-o', 'json', '--checks', 'CLU-LEGACY-SA-TOKEN', '--fail-on', 'none']);
      const f = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
      assert.deepEqual(f.map((x) => `${x.check} ${x.path}: ${x.message}`), [
        `CLU-LEGACY-SA-TOKEN metadata.labels["kubernetes.io/legacy-token-last-used"]: legacy token Secret "robot-token" holds a non-expiring token of ServiceAccount "robot", last used on ${today}`,
      ]);
      assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'the token is never printed');
    });

    test('custom resources: a CRD without a schema is listed and its objects with pod templates checked; others skipped', { timeout: 120_000 }, async () => {
      await c.namespace('crs');
      await applier.create([openCrd('example.com/v1', 'Gadget'), openCrd('example.com/v1', 'Runner')]);
      await applier.create([
        { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'crs' }, spec: { size: 3 } },
        { apiVersion: 'example.com/v1', kind: 'Runner', metadata: { name: 'r', namespace: 'crs' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } } },
      ]);
      const r = cli(['audit', '--kubeconfig', c.kubeconfig, '-n', 'crs', '-o', 'json', '--fail-on', 'none']);
      assert.equal(r.code, 0, r.stderr);
      const f = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
      assert.ok(f.some((x) => x.check === 'CTR-PRIVILEGED' && x.object.kind === 'Runner'));
      assert.ok(!f.some((x) => x.object.kind === 'Gadget'));
    });

    test('connections cut mid-list are retried; a list that keeps failing is an error naming it (exit 2)', { timeout: 300_000 }, async () => {
      const port = Number(new URL(c.server).port);
      const kcOf = (p: number) => {
        const file = join(dir, `proxy-${p}.kubeconfig`);
        writeFileSync(file, writeKubeconfig(`https://127.0.0.1:${p}`, c.caFile, 'admin', c.identities.admin.token));
        return file;
      };
      const reference = cli(['audit', '--kubeconfig', c.kubeconfig, '-n', 'bulk', '-o', 'json', '--fail-on', 'none', '--chunk-size', '100']);
      const once = await flakyProxy(port, 60_000, 1);
      try {
        const r = await cliAsync(['audit', '--kubeconfig', kcOf(once.port), '-n', 'bulk', '-o', 'json', '--fail-on', 'none', '--chunk-size', '100']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(once.cuts(), 1);
        assert.deepEqual((JSON.parse(r.stdout) as { findings: unknown }).findings, (JSON.parse(reference.stdout) as { findings: unknown }).findings);
      } finally {
        await once.close();
      }
      const always = await flakyProxy(port, 60_000, Infinity);
      try {
        const r = await cliAsync(['audit', '--kubeconfig', kcOf(always.port), '-n', 'bulk', '-o', 'json', '--fail-on', 'none', '--chunk-size', '100', '--request-timeout', '10']);
        assert.equal(r.code, 2, r.stderr);
        // The first list large enough to be cut (ClusterRoles, with the bootstrap policy) is named.
        assert.match(r.stderr, /cannot list [\w.]+( in namespace bulk)?: context "admin" .*: the connection (was reset|closed while the response was being read) \(5 attempts\)/);
      } finally {
        await always.close();
      }
    });

    test('the bundled CLI (dist) audits too, quietly when stderr is not a terminal', { timeout: 120_000 }, () => {
      const main = join(REPO_ROOT, 'dist/cli/main.js');
      // npm run test:e2e builds it; a run of this file alone may not have.
      if (!existsSync(main)) {
        if (process.env.CI) assert.fail(`${main} is not built`);
        console.log('# dist/cli/main.js not built: skipping the bundled-CLI check');
        return;
      }
      const r = spawnSync(process.execPath, [main, 'audit', '--kubeconfig', c.kubeconfig, '-n', 'legacy', '--fail-on', 'none'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /audited cluster:admin: 1 namespace/);
      assert.doesNotMatch(r.stderr, /\r/);
    });
  });

  describe('a second API server: anonymous auth on, no watch cache, etcd compacted every 5 s', () => {
    let c: Cluster;
    before(
      async () => {
        c = await startCluster({
          anonymousAuth: true,
          controllerManager: false,
          // resource.k8s.io/v1beta1 is deprecated (removed in 1.38): a request to it shows in the metric.
          extraApiserverFlags: ['--watch-cache=false', '--etcd-compaction-interval=5s', '--runtime-config=resource.k8s.io/v1beta1=true'],
        });
      },
      { timeout: 240_000 },
    );
    after(async () => {
      await c?.stop();
    });

    test('anonymous access is detected here (and was not on the first API server); deprecated API use is read from /metrics', { timeout: 120_000 }, async () => {
      await c.api('GET', '/apis/resource.k8s.io/v1beta1/deviceclasses');
      const r = cli(['audit', '--kubeconfig', c.kubeconfig, '-o', 'json', '--checks', 'CLU-ANONYMOUS-AUTH,CLU-DEPRECATED-API-USE,CLU-VERSION-EOL', '--fail-on', 'none']);
      assert.equal(r.code, 0, r.stderr);
      const f = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
      assert.deepEqual(
        f.map((x) => `${x.check} ${x.severity}: ${x.message}`),
        [
          'CLU-ANONYMOUS-AUTH medium: anonymous authentication is on: unauthenticated requests are accepted (/api → 403 as system:anonymous, /version → 200, /healthz → 200)',
          'CLU-DEPRECATED-API-USE low: resource.k8s.io/v1beta1 deviceclasses was requested since the API server started and is removed in Kubernetes 1.38',
        ],
      );
    });

    test('an expired continue token (410 Gone) restarts the list: every object once, none lost', { timeout: 120_000 }, async () => {
      await c.namespace('paging');
      // No controller-manager: the ServiceAccount pods would need does not matter for ConfigMaps.
      const applier = await Applier.open(c.kubeconfig);
      try {
        await applier.create(Array.from({ length: 30 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `a-${String(i).padStart(2, '0')}`, namespace: 'paging' } })));
        const client = await connect({ kubeconfig: c.kubeconfig });
        const ref = (await discover(client)).find('', 'configmaps');
        assert.ok(ref);
        const pages = listPages(client, { resource: ref, namespace: 'paging', limit: 10 });
        const names: string[] = [];
        const first = await pages.next();
        for (const i of (first.value as { items: Obj[] }).items) names.push(i.metadata.name);
        // Objects created after the list began, then a compaction past its revision.
        await applier.create(Array.from({ length: 5 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `z-${i}`, namespace: 'paging' } })));
        await new Promise((r) => setTimeout(r, 12_000));
        for await (const page of pages) for (const i of page.items) names.push(i.metadata?.name ?? '');
        client.close();
        const expected = [...Array.from({ length: 30 }, (_, i) => `a-${String(i).padStart(2, '0')}`), ...Array.from({ length: 5 }, (_, i) => `z-${i}`)];
        assert.deepEqual(names, expected, 'in order, each once (the restart began after the last name returned)');
      } finally {
        applier.close();
      }
    });
  });
}
