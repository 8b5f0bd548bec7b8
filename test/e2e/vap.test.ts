// `kubeharden export vap` on the real kube-apiserver: the exported ValidatingAdmissionPolicies
// must deny exactly what `kubeharden scan` (same checks, same settings, --fail-on info) fails,
// naming the same check ids, for every check fixture (pass and fail) and a sample of the upstream
// Pod Security Admission fixtures (namespace labels emulated by the policies); type-check without
// warnings; stay within the CEL cost budget on a large pod; warn and audit as bound.
// The built-in PodSecurity plugin exempts the test's user (an AdmissionConfiguration), so the
// exported policies alone judge the pods. Like the other e2e suites this FAILS (never skips)
// when the control plane is not built.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { REPO_ROOT, sharedPath } from '../shared.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { checkDir } from '../../src/checks/docs.js';
import { loadText } from '../../src/load/index.js';
import { scanObjects } from '../../src/engine/scan.js';
import { placementOf, targetKind } from '../../src/vap/targets.js';

type Obj = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;

const GROUP_LABEL = 'kubeharden.io/e2e-group';
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
/** Namespaces that exist in every cluster and that fixtures use as they are. */
const SHARED_NAMESPACES = new Set(['default', 'kube-system']);
/** Created for real before the other objects are judged: pods need them (LimitRanger, ServiceAccount admission). */
const CONTEXT_KINDS = new Set(['LimitRange', 'ServiceAccount']);
/** PSA fixtures: every Nth, so the sample stays over 1,000 of 4,537. */
const PSA_STRIDE = 4;

/** Which exported checks judge which kinds (from the same placement the exporter uses). */
const EXPORTED = new Map<string, Set<string>>();
for (const c of ALL_CHECKS) {
  const p = placementOf(c);
  if (p.ok) EXPORTED.set(c.meta.id, new Set(p.targets.map(targetKind)));
}

interface Group {
  name: string;
  settings: Record<string, unknown>;
  checks: string[];
}

interface Judged {
  where: string;
  object: Obj;
  /** Check ids the scan reports for the object (exported for its kind). */
  scan: string[];
  status?: number;
  message?: string;
  vap?: string[];
}

function kubeharden(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `--set` flags for a fixture's settings. */
function setFlags(settings: Record<string, unknown>): string[] {
  return Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`]);
}

/** The ids named in a denial: `kubeharden: N failed checks [A, B]: …`. */
function deniedIds(message: string): string[] | undefined {
  const m = /kubeharden: \d+ failed checks? \[([^\]]*)\]/.exec(message);
  return m ? m[1].split(', ').filter(Boolean).sort() : undefined;
}

function fixtureFiles(): Array<{ file: string; settings: Record<string, unknown>; owner: string }> {
  const out: Array<{ file: string; settings: Record<string, unknown>; owner: string }> = [];
  const seen = new Set<string>();
  for (const c of ALL_CHECKS) {
    const dir = checkDir(c.meta.id);
    if (!dir) continue;
    for (const kind of ['pass', 'fail']) {
      const d = join(dir, 'fixtures', kind);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).filter((x) => /\.(ya?ml|json)$/.test(x)).sort()) {
        const file = join(d, f);
        if (seen.has(file)) continue;
        seen.add(file);
        const m = /^#\s*settings:\s*(.+)$/m.exec(readFileSync(file, 'utf8'));
        out.push({ file, settings: m ? (JSON.parse(m[1]) as Record<string, unknown>) : {}, owner: c.meta.id });
      }
    }
  }
  return out;
}

/**
 * The checks a settings group exports: all of them without settings (so every fixture is held
 * to every check); with settings, the exported checks whose fixtures need them.
 */
function groupChecks(settings: Record<string, unknown>, owners: ReadonlySet<string>): string[] {
  if (Object.keys(settings).length === 0) return ALL_CHECKS.filter((c) => EXPORTED.has(c.meta.id)).map((c) => c.meta.id);
  return ALL_CHECKS.filter((c) => EXPORTED.has(c.meta.id) && owners.has(c.meta.id)).map((c) => c.meta.id);
}

interface Resource {
  path: string;
  namespaced: boolean;
}

/** kind@apiVersion → REST collection, from the server's discovery. */
async function discover(c: Cluster): Promise<Map<string, Resource>> {
  const out = new Map<string, Resource>();
  const add = async (gv: string, base: string) => {
    const r = await c.api('GET', base);
    for (const res of ((r.json as { resources?: Array<{ name: string; kind: string; namespaced: boolean }> })?.resources ?? [])) {
      if (res.name.includes('/')) continue;
      out.set(`${res.kind}@${gv}`, { path: `${base}/${res.name}`, namespaced: res.namespaced });
    }
  };
  await add('v1', '/api/v1');
  const groups = (await c.api('GET', '/apis')).json as { groups: Array<{ versions: Array<{ groupVersion: string }> }> };
  for (const g of groups.groups) for (const v of g.versions) await add(v.groupVersion, `/apis/${v.groupVersion}`);
  return out;
}

function collectionPath(res: Resource, ns: string | undefined): string {
  if (!res.namespaced) return res.path;
  const [prefix, name] = [res.path.slice(0, res.path.lastIndexOf('/')), res.path.slice(res.path.lastIndexOf('/') + 1)];
  return `${prefix}/namespaces/${ns}/${name}`;
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const avail = controlPlaneAvailable();
if (!avail.ok) {
  test('export vap: test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  let cluster: Cluster;
  let resources: Map<string, Resource>;
  const dir = mkdtempSync(join(tmpdir(), 'kubeharden-vap-'));
  const groups = new Map<string, Group>();
  const judged: Judged[] = [];
  const unjudged: string[] = [];
  /** Fixture documents that are configuration files, not API objects (control-plane checks). */
  let configFiles = 0;
  const policyNames: string[] = [];
  const psaDir = sharedPath('oracles/psa', 'export vap: PSA fixtures');

  /**
   * Exports a group's policies and creates those for `kinds` (every kind when omitted): a policy
   * of every check takes the API server a while to compile, so groups install only what their
   * fixtures need.
   */
  const exportInto = async (group: Group, extra: string[] = [], kinds?: ReadonlySet<string>): Promise<void> => {
    const r = kubeharden(['export', 'vap', '--checks', group.checks.join(','), '--fail-on', 'info', '--exempt-namespaces', '', '--name-prefix', group.name, '--namespace-selector', `${GROUP_LABEL}=${group.name}`, ...setFlags(group.settings), ...extra]);
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj & { spec: { policyName?: string; matchConstraints?: { resourceRules: Array<{ resources: string[] }> } } });
    const resourceOf = new Map([...resources].map(([k, v]) => [v.path.slice(v.path.lastIndexOf('/') + 1), k.split('@')[0]]));
    const keep = new Set(docs.filter((d) => d.kind === 'ValidatingAdmissionPolicy' && (!kinds || kinds.has(resourceOf.get(d.spec.matchConstraints?.resourceRules[0].resources[0] ?? '') ?? ''))).map((d) => d.metadata.name as string));
    for (const d of docs) {
      const policy = d.kind === 'ValidatingAdmissionPolicy' ? (d.metadata.name as string) : (d.spec.policyName as string);
      // Type-check probes have no binding and their own names.
      if (!keep.has(policy)) continue;
      const path = d.kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings';
      const res = await cluster.api('POST', `/apis/admissionregistration.k8s.io/v1/${path}`, { body: d });
      assert.equal(res.status, 201, `${d.kind} ${d.metadata.name}: ${res.body.slice(0, 2000)}`);
      if (d.kind === 'ValidatingAdmissionPolicy') policyNames.push(policy);
    }
  };

  /** Objects of a fixture as the test applies them: unique namespaces per fixture, group label on them. */
  const place = (docs: Obj[], index: number, group: string): { namespaces: Array<{ name: string; labels: Record<string, string> }>; objects: Obj[] } => {
    const own = `vf${index}`;
    const rename = (ns: string) => (SHARED_NAMESPACES.has(ns) ? ns : `${own}-${ns}`.slice(0, 63).replace(/-+$/, ''));
    const namespaces = new Map<string, Record<string, string>>([[own, {}]]);
    const objects: Obj[] = [];
    for (const d of docs) {
      const o = structuredClone(d);
      if (o.kind === 'Namespace') {
        const name = rename(o.metadata.name as string);
        namespaces.set(name, { ...(o.metadata.labels ?? {}) });
        o.metadata.name = name;
        objects.push(o);
        continue;
      }
      const res = resources.get(`${o.kind}@${o.apiVersion}`);
      if (res && !res.namespaced) {
        objects.push(o);
        continue;
      }
      const ns = o.metadata.namespace === undefined ? own : rename(o.metadata.namespace);
      if (!namespaces.has(ns) && !SHARED_NAMESPACES.has(ns)) namespaces.set(ns, {});
      o.metadata.namespace = ns;
      objects.push(o);
    }
    return { namespaces: [...namespaces].filter(([n]) => !SHARED_NAMESPACES.has(n)).map(([name, labels]) => ({ name, labels: { ...labels, [GROUP_LABEL]: group } })), objects };
  };

  /** The scan's exported check ids per object of the set. */
  const scanIds = (objects: Obj[], group: Group): Map<Obj, string[]> => {
    if (group.checks.length === 0) return new Map(objects.map((o) => [o, []]));
    const text = objects.map((o) => stringify(o)).join('---\n');
    const loaded = loadText(Buffer.from(text), 'fixture.yaml');
    assert.deepEqual(loaded.errors, []);
    const r = scanObjects(loaded.objects, { checks: ALL_CHECKS, only: group.checks, settings: group.settings });
    const out = new Map<Obj, string[]>();
    for (const o of objects) {
      const ids = r.findings
        .filter((f) => !f.suppressed && f.object.kind === o.kind && f.object.name === o.metadata.name && (f.object.namespace ?? undefined) === (o.kind === 'Namespace' ? undefined : o.metadata.namespace))
        .filter((f) => EXPORTED.get(f.check)?.has(o.kind))
        .map((f) => f.check);
      out.set(o, [...new Set(ids)].sort());
    }
    return out;
  };

  const judge = async (j: Judged): Promise<void> => {
    const o = j.object;
    const res = resources.get(`${o.kind}@${o.apiVersion}`);
    if (!res) {
      unjudged.push(`${j.where}: ${o.apiVersion} ${o.kind} is not served`);
      return;
    }
    let r = await cluster.api('POST', `${collectionPath(res, o.metadata.namespace)}?dryRun=All`, { body: o });
    // An object the namespace already has (its "default" ServiceAccount) is judged as an update.
    if (r.status === 409) r = await cluster.api('PUT', `${collectionPath(res, o.metadata.namespace)}/${o.metadata.name}?dryRun=All`, { body: o });
    j.status = r.status;
    j.message = ((r.json as { message?: string } | undefined)?.message ?? r.body).trim();
    if (r.status === 201) j.vap = [];
    else if (r.status === 403 && j.message.includes('ValidatingAdmissionPolicy')) j.vap = deniedIds(j.message) ?? ['(unreadable message)'];
  };

  before(async () => {
    const config = join(dir, 'admission.yaml');
    writeFileSync(config, stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: [{ name: 'PodSecurity', configuration: { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'privileged', audit: 'privileged', warn: 'privileged' }, exemptions: { usernames: ['kubeharden-admin'] } } }],
    }));
    cluster = await startCluster({ extraApiserverFlags: [`--admission-control-config-file=${config}`] });
    resources = await discover(cluster);

    const fixtures = fixtureFiles();
    const owners = new Map<string, Set<string>>();
    const kindsOf = new Map<string, Set<string>>();
    for (const f of fixtures) {
      const key = JSON.stringify(f.settings);
      owners.set(key, new Set([...(owners.get(key) ?? []), f.owner]));
      const kinds = kindsOf.get(key) ?? new Set<string>();
      for (const d of parseAllDocuments(readFileSync(f.file, 'utf8'))) kinds.add(String((d.toJSON() as Obj | null)?.kind));
      kindsOf.set(key, kinds);
    }
    for (const f of fixtures) {
      const key = JSON.stringify(f.settings);
      if (!groups.has(key)) groups.set(key, { name: `g${groups.size}`, settings: f.settings, checks: groupChecks(f.settings, owners.get(key) ?? new Set()) });
    }
    for (const [key, g] of groups) if (g.checks.length) await exportInto(g, [], key === '{}' ? undefined : kindsOf.get(key));
    // Every check's CEL, type-checked against every kind it is exported for (unbound copies).
    // Pods, a StatefulSet (the one kind with a field of its own, volumeClaimTemplates) and every object kind:
    // the other templates carry the same pod spec.
    await exportInto(groups.get('{}') as Group, ['--type-check-probes'], new Set(['Pod', 'StatefulSet', 'Service', 'Ingress', 'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']));
    const g0 = groups.get('{}') as Group;
    for (const ns of SHARED_NAMESPACES) await cluster.kubectl(['label', 'namespace', ns, `${GROUP_LABEL}=${g0.name}`, '--overwrite']);

    // Every fixture: its namespaces, context objects for real, then a dry-run of each object.
    const placed = fixtures.map((f, i) => {
      const group = groups.get(JSON.stringify(f.settings)) as Group;
      const all = parseAllDocuments(readFileSync(f.file, 'utf8')).map((d) => d.toJSON() as Obj).filter((o) => o && typeof o === 'object');
      // Node and control-plane configuration files (KubeletConfiguration, EncryptionConfiguration, an
      // audit Policy) have no metadata: they are read from disk, never sent to the API server.
      const docs = all.filter((o) => o.metadata !== null && typeof o.metadata === 'object');
      configFiles += all.length - docs.length;
      const p = place(docs, i, group.name);
      if (group !== g0) assert.ok(!p.objects.some((o) => SHARED_NAMESPACES.has(o.metadata.namespace ?? '')), `${f.file}: a fixture with settings may not use a shared namespace`);
      const ids = scanIds(p.objects, group);
      return { where: relative(REPO_ROOT, f.file), group, ...p, ids };
    });
    await pool(placed.flatMap((p) => p.namespaces), 8, (n) => makeNamespace(cluster, n.name, n.labels));
    for (const g of groups.values()) {
      const ns = g.checks.length ? placed.find((p) => p.group === g)?.namespaces[0]?.name : undefined;
      if (ns) await waitForPolicies(cluster, ns);
    }
    const all: Judged[] = [];
    for (const p of placed) for (const o of p.objects) if (o.kind !== 'Namespace') all.push({ where: p.where, object: o, scan: p.ids.get(o) ?? [] });
    const context = all.filter((j) => CONTEXT_KINDS.has(j.object.kind));
    await pool(context, 8, judge);
    await pool(context, 8, async (j) => {
      const res = resources.get(`${j.object.kind}@${j.object.apiVersion}`);
      if (res) await cluster.api('POST', collectionPath(res, j.object.metadata.namespace), { body: j.object });
    });
    await pool(all.filter((j) => !CONTEXT_KINDS.has(j.object.kind)), 8, judge);
    judged.push(...all);

    // Upstream Pod Security Admission fixtures in namespaces labelled enforce=<level>, enforce-version=<version>.
    if (psaDir) {
      const cases = (JSON.parse(readFileSync(join(psaDir, 'index.json'), 'utf8')) as { cases: Array<{ file: string; level: string; version: string }> }).cases.filter((_, i) => i % PSA_STRIDE === 0);
      const nsOf = (c: { level: string; version: string }) => `psa-${c.level}-${c.version.replace('.', '-')}`;
      const nss = [...new Set(cases.map(nsOf))];
      const labelsOf = new Map(cases.map((c) => [nsOf(c), { 'pod-security.kubernetes.io/enforce': c.level, 'pod-security.kubernetes.io/enforce-version': c.version, [GROUP_LABEL]: g0.name }]));
      await pool(nss, 8, (n) => makeNamespace(cluster, n, labelsOf.get(n) ?? {}));
      const psaJudged: Judged[] = cases.map((c, i) => {
        const pod = parse(readFileSync(join(psaDir, c.file), 'utf8')) as Obj;
        const ns = nsOf(c);
        const object: Obj = { ...pod, metadata: { ...pod.metadata, name: `p${i}`, namespace: ns } };
        const namespace: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labelsOf.get(ns) } };
        return { where: `psa ${c.file} (${c.level}:${c.version})`, object, scan: scanIds([namespace, object], g0).get(object) ?? [] };
      });
      await pool(psaJudged, 8, judge);
      judged.push(...psaJudged);
    }
  });

  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every exported policy, and every check variable (type-check probes), type-checks without warnings', async () => {
    const warnings: string[] = [];
    for (const name of policyNames) {
      let status: { typeChecking?: { expressionWarnings?: Array<{ fieldRef: string; warning: string }> } } | undefined;
      await cluster.waitFor(async () => {
        const r = await cluster.api('GET', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${name}`);
        const p = r.json as { metadata: { generation: number }; status?: { observedGeneration?: number; typeChecking?: object } };
        status = p.status as typeof status;
        return p.status?.observedGeneration === p.metadata.generation && p.status?.typeChecking !== undefined;
      }, 300_000);
      for (const w of status?.typeChecking?.expressionWarnings ?? []) warnings.push(`${name} ${w.fieldRef}: ${w.warning.slice(0, 400)}`);
    }
    assert.ok(policyNames.length > 0);
    assert.deepEqual(warnings, []);
  });

  test('check fixtures and PSA fixtures: denied exactly when scan fails them, naming the same checks', () => {
    const compared = judged.filter((j) => j.vap !== undefined);
    const apiErrors = judged.filter((j) => j.status !== undefined && j.vap === undefined);
    // The API server rejects some objects before the policies run (invalid on purpose, a
    // ServiceAccount the fixture does not ship): they cannot be compared, and are listed.
    assert.deepEqual(apiErrors.filter((j) => j.status === 500 || /ValidatingAdmissionPolicy|cost|budget/.test(j.message ?? '')).map((j) => `${j.where}: ${j.object.kind} ${j.object.metadata.name}: HTTP ${j.status} ${j.message}`), [], 'policy evaluation errors');
    for (const j of apiErrors) console.log(`# not compared: ${j.where}: ${j.object.kind} ${j.object.metadata.name}: HTTP ${j.status} ${(j.message ?? '').slice(0, 200)}`);
    const mismatches = compared
      .filter((j) => JSON.stringify(j.scan) !== JSON.stringify(j.vap))
      .map((j) => `${j.where}: ${j.object.kind} ${j.object.metadata.namespace ?? ''}/${j.object.metadata.name}: scan [${j.scan.join(', ')}], policy [${(j.vap ?? []).join(', ')}]${j.status === 403 ? `\n    ${j.message?.slice(0, 600)}` : ''}`);
    assert.deepEqual(mismatches, []);
    const psa = compared.filter((j) => j.where.startsWith('psa '));
    if (psaDir) assert.ok(psa.length >= 1000, `PSA sample too small: ${psa.length}`);
    console.log(`# ${compared.length} objects compared (${psa.length} PSA fixtures, ${compared.filter((j) => j.vap?.length).length} denied), ${apiErrors.length} rejected by the API server before admission, ${unjudged.length} not served, ${configFiles} configuration-file documents (not API objects) left out`);
  });

  test('no cost rejection for a large pod (20 containers x 50 env vars, 20 volumes) and its Deployment', async () => {
    const g0 = groups.get('{}') as Group;
    const ns = 'vap-cost';
    await makeNamespace(cluster, ns, { [GROUP_LABEL]: g0.name, 'pod-security.kubernetes.io/enforce': 'restricted' });
    const containers = Array.from({ length: 20 }, (_, i) => ({
      name: `c${i}`,
      image: `registry.example.com/app/c${i}:1.${i}.0`,
      env: Array.from({ length: 50 }, (_, j) => ({ name: `VAR_${j}`, value: `value-${i}-${j}` })),
      ports: [{ containerPort: 8000 + i }],
      volumeMounts: Array.from({ length: 20 }, (_, j) => ({ name: `v${j}`, mountPath: `/data/${j}`, readOnly: j % 2 === 0 })),
      securityContext: { allowPrivilegeEscalation: i % 3 !== 0, capabilities: { drop: ['ALL'], add: i % 4 === 0 ? ['NET_ADMIN', 'SYS_TIME'] : [] }, readOnlyRootFilesystem: true },
    }));
    const spec = { containers, volumes: Array.from({ length: 20 }, (_, j) => (j % 5 === 0 ? { name: `v${j}`, hostPath: { path: `/var/lib/app${j}` } } : { name: `v${j}`, emptyDir: {} })) };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: ns }, spec };
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'big', namespace: ns }, spec: { selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec } } };
    for (const [path, body] of [[`/api/v1/namespaces/${ns}/pods`, pod], [`/apis/apps/v1/namespaces/${ns}/deployments`, deploy]] as const) {
      const r = await cluster.api('POST', `${path}?dryRun=All`, { body });
      const message = (r.json as { message?: string })?.message ?? '';
      assert.equal(r.status, 403, message);
      assert.ok(deniedIds(message), `a kubeharden denial, not an evaluation error: ${message.slice(0, 500)}`);
      assert.doesNotMatch(message, /cost|budget|failed expression|evaluation/i);
    }
  });

  test('warn and audit bindings: kubectl warnings and audit annotations', async () => {
    for (const action of ['warn', 'audit'] as const) {
      await exportInto({ name: action, settings: {}, checks: ['CTR-PRIVILEGED', 'POD-HOST-PID'] }, ['--action', action], new Set(['Pod']));
      await makeNamespace(cluster, `vap-${action}`, { [GROUP_LABEL]: action });
    }
    const pod = (ns: string, name = 'priv') => stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { hostPID: true, containers: [{ name: 'app', image: 'registry.example.com/app:1.0', securityContext: { privileged: true } }] } });
    let warned = '';
    await cluster.waitFor(async () => {
      const r = await cluster.apply(pod('vap-warn'), { dryRunServer: true });
      warned = r.stderr;
      return r.code === 0 && r.stderr.includes('kubeharden: 2 failed checks');
    }, 30_000);
    // Checks are named in the registry's order.
    assert.match(warned, /Warning: Validation failed for ValidatingAdmissionPolicy 'warn-pods' with binding 'warn-pods': kubeharden: 2 failed checks \[POD-HOST-PID, CTR-PRIVILEGED\]/);
    // The API server loads a new binding asynchronously: a pod created before the audit binding is
    // in effect carries no annotation, so create pods until one is audited with it.
    let annotations: Record<string, string> = {};
    let attempt = 0;
    await cluster.waitFor(async () => {
      const name = `priv-${attempt++}`;
      const created = await cluster.apply(pod('vap-audit', name));
      assert.equal(created.code, 0, created.stderr);
      await cluster.waitFor(async () => {
        const ev = (await cluster.auditEvents()).find((e) => e.objectRef?.namespace === 'vap-audit' && e.objectRef?.name === name && e.objectRef?.resource === 'pods' && e.verb === 'create' && e.stage === 'ResponseComplete');
        annotations = (ev?.annotations ?? {}) as Record<string, string>;
        return ev !== undefined;
      }, 30_000);
      return 'audit-pods/violations' in annotations;
    }, 30_000);
    assert.match(annotations['audit-pods/violations'] ?? '', /^kubeharden: 2 failed checks \[POD-HOST-PID, CTR-PRIVILEGED\]: POD-HOST-PID: hostPID: true shares .*; CTR-PRIVILEGED: container "app" sets securityContext.privileged=true$/);
    assert.match(annotations['validation.policy.admission.k8s.io/validation_failure'] ?? '', /"policy":"audit-pods"/);
  });
}

/**
 * A namespace with its "default" ServiceAccount made here rather than by the controller manager,
 * which falls far behind when hundreds of namespaces appear at once (pods need the account). The
 * account does not mount its token, as a hardened cluster's would.
 */
async function makeNamespace(c: Cluster, name: string, labels: Record<string, string>): Promise<void> {
  const r = await c.api('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });
  if (r.status !== 201) throw new Error(`namespace ${name}: HTTP ${r.status} ${r.body}`);
  const sa = await c.api('POST', `/api/v1/namespaces/${name}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, automountServiceAccountToken: false } });
  if (sa.status !== 201 && sa.status !== 409) throw new Error(`default ServiceAccount of ${name}: HTTP ${sa.status} ${sa.body}`);
}

/**
 * Policies take effect asynchronously: wait (up to 30 s) until a pod that fails nearly every
 * control is denied in a namespace of the group. A group whose checks this pod passes just
 * waits the time out; the comparison itself would show policies that never took effect.
 */
async function waitForPolicies(c: Cluster, ns: string): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe', namespace: ns, annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } },
    spec: {
      hostPID: true,
      hostNetwork: true,
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }], runAsUser: 0 },
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      containers: [{
        name: 'a',
        image: 'nginx',
        ports: [{ containerPort: 80, hostPort: 80 }],
        livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
        volumeMounts: [{ name: 'root', mountPath: '/host' }],
        securityContext: { privileged: true, seLinuxOptions: { type: 'spc_t' }, capabilities: { add: ['SYS_ADMIN'] }, seccompProfile: { type: 'Unconfined' } },
      }],
    },
  };
  try {
    await c.waitFor(async () => (await c.api('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, { body })).status === 403, 30_000);
  } catch {
    // see above
  }
}
