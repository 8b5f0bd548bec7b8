/**
 * Control-plane verdicts proven on a real control plane (etcd, kube-apiserver,
 * kube-controller-manager from test/cluster). Two clusters:
 *   weak     — anonymous auth on, no audit policy or log, no encryption config, profiling on;
 *   hardened — aescbc encryption for Secrets, audit policy and log with retention, anonymous
 *              off, TLS 1.2 minimum.
 * Their exact command lines become static pod manifests (hostPath mounts included), scanned with
 * `kubeharden scan --root /` so the files the flags name are the files the API servers read. The
 * findings must be exactly the differences; then reality must agree: a Secret read straight from
 * etcd is plain text in one and `k8s:enc:aescbc:v1:` in the other, an unauthenticated request is
 * 403 for system:anonymous in one and 401 in the other, the audit log has the request in one and
 * does not exist in the other, and TLS 1.1 is refused by both (why an unset --tls-min-version on
 * v1.35 is no finding). Live mode reads the same command lines from mirror pods, a node's
 * /configz through the API server (and directly, with nodes/configz only), and the anonymous probe.
 * If the control plane is not built this file FAILS (never skips).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { httpCall } from '../cluster/http.js';
import { kubernetesVersion } from '../cluster/paths.js';
import { CLI } from '../cli/helpers.js';
import { startKubeletDouble, type KubeletDouble } from '../controlplane/kubelet-double.js';

const run = promisify(execFile);

interface Finding { check: string; severity: string; message: string; file: string; path: string; object: { kind: string; name: string }; container?: string }
interface Report { findings: Finding[]; errors: Array<{ file: string; message: string }> }

const CONTROL = /^(APISERVER|KCM|ETCD|CP|ENCRYPTION|AUDIT|AUTHN|AUTHZ|ADMISSION|KUBELET)-/;
const key = (f: Finding) => `${f.check} ${f.object.kind}/${f.object.name}`;

/** Multiset difference a − b of finding keys. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((k) => {
    const i = left.indexOf(k);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  }).sort();
}

/** A static pod manifest for one of the cluster's processes, mounting the directories its files are in. */
function staticPod(name: string, image: string, command: string[], dirs: string[]): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { component: name, tier: 'control-plane' } },
    spec: {
      hostNetwork: true,
      containers: [{ name, image, command, volumeMounts: dirs.map((d, i) => ({ name: `host-${i}`, mountPath: d })) }],
      volumes: dirs.map((d, i) => ({ name: `host-${i}`, hostPath: { path: d, type: 'Directory' } })),
    },
  };
  return JSON.stringify(pod, null, 2) + '\n';
}

async function writeManifests(c: Cluster, dir: string, mounts: string[]): Promise<string> {
  const manifests = join(dir, 'manifests');
  await mkdir(manifests, { recursive: true });
  const v = kubernetesVersion();
  await writeFile(join(manifests, 'etcd.yaml'), staticPod('etcd', 'registry.k8s.io/etcd:3.6.5-0', c.commandLines.etcd, mounts));
  await writeFile(join(manifests, 'kube-apiserver.yaml'), staticPod('kube-apiserver', `registry.k8s.io/kube-apiserver:${v}`, c.commandLines.apiserver, mounts));
  await writeFile(join(manifests, 'kube-controller-manager.yaml'), staticPod('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${v}`, c.commandLines.controllerManager ?? [], mounts));
  return manifests;
}

/**
 * Runs the built CLI without blocking this process: the kubelet doubles answer from its event
 * loop while the scan runs (test/cli/helpers' kubeharden() uses spawnSync).
 */
function scan(args: string[]): Promise<Report> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'scan', ...args, '-o', 'json', '--fail-on', 'none'], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`scan ${args.join(' ')}: exit ${code}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Report);
    });
  });
}

/** A Secret's value as etcd stores it (etcd's v3 JSON gateway). */
async function etcdValue(c: Cluster, etcdKey: string): Promise<Buffer> {
  const r = await httpCall(`${c.etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from(etcdKey).toString('base64') }) });
  assert.equal(r.status, 200, r.body);
  const kvs = (JSON.parse(r.body) as { kvs?: Array<{ value: string }> }).kvs ?? [];
  assert.equal(kvs.length, 1, `${etcdKey} in etcd`);
  return Buffer.from(kvs[0].value, 'base64');
}

/** Tries a TLS handshake no newer than `max` against the API server. */
function handshake(c: Cluster, max: 'TLSv1.1' | 'TLSv1.2'): Promise<string> {
  const { port } = new URL(c.server);
  return new Promise((resolve) => {
    // SECLEVEL=0 lets this client offer TLS 1.0/1.1 at all; the answer is the server's.
    const s = connect({ host: '127.0.0.1', port: Number(port), ca: c.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: max, ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
      resolve(`connected ${s.getProtocol()}`);
      s.end();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
  });
}

/** A client certificate for the API server to present to kubelets, from a CA the kubelet double trusts. */
async function kubeletClientPki(dir: string): Promise<{ caPem: string; cert: string; key: string }> {
  const ca = join(dir, 'kubelet-client-ca');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', '/CN=kubelet-client-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  const cl = join(dir, 'apiserver-kubelet-client');
  await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${cl}.key`, '-out', `${cl}.csr`, '-subj', '/O=system:masters/CN=kube-apiserver-kubelet-client']);
  await writeFile(`${cl}.ext`, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  await run('openssl', ['x509', '-req', '-in', `${cl}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-out', `${cl}.crt`, '-days', '2', '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-extfile', `${cl}.ext`]);
  return { caPem: await readFile(`${ca}.crt`, 'utf8'), cert: `${cl}.crt`, key: `${cl}.key` };
}

/** What a kubeadm node's /configz says, but with the read-only port left open. */
const CONFIGZ = {
  authentication: { anonymous: { enabled: false }, webhook: { enabled: true, cacheTTL: '2m0s' }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
  authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
  readOnlyPort: 10255,
  protectKernelDefaults: true,
  makeIPTablesUtilChains: true,
  streamingConnectionIdleTimeout: '4h0m0s',
  rotateCertificates: true,
  serverTLSBootstrap: true,
  seccompDefault: true,
  eventRecordQPS: 50,
  staticPodPath: '/etc/kubernetes/manifests',
};

const avail = controlPlaneAvailable();

if (!avail.ok) {
  test('test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else {
  describe('control-plane configuration against a real control plane', () => {
    let dir: string;
    let weak: Cluster;
    let hard: Cluster;
    let weakReport: Report;
    let hardReport: Report;
    const doubles: KubeletDouble[] = [];

    before(async () => {
      const t0 = Date.now();
      dir = await mkdtemp(join(tmpdir(), 'kubeharden-cp-audit-'));
      const pki = await kubeletClientPki(dir);
      const kubeletClient = [`--kubelet-client-certificate=${pki.cert}`, `--kubelet-client-key=${pki.key}`];
      const enc = join(dir, 'encryption-config.yaml');
      await writeFile(enc, [
        'apiVersion: apiserver.config.k8s.io/v1',
        'kind: EncryptionConfiguration',
        'resources:',
        '  - resources: [secrets]',
        '    providers:',
        `      - aescbc: {keys: [{name: key1, secret: ${randomBytes(32).toString('base64')}}]}`,
        '      - identity: {}',
        '',
      ].join('\n'), { mode: 0o600 });
      weak = await startCluster({ anonymousAuth: true, auditLog: false, profiling: true, extraApiserverFlags: kubeletClient });
      hard = await startCluster({
        extraUsers: [{ name: 'dave', groups: ['cp-auditors'] }, { name: 'erin', groups: ['cp-auditors'] }],
        extraApiserverFlags: [...kubeletClient, `--encryption-provider-config=${enc}`, '--tls-min-version=VersionTLS12', '--audit-log-maxage=30', '--audit-log-maxbackup=10', '--audit-log-maxsize=100'],
      });
      console.log(`# two control planes ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      const weakManifests = await writeManifests(weak, join(dir, 'weak'), [weak.dataDir, dir]);
      const hardManifests = await writeManifests(hard, join(dir, 'hardened'), [hard.dataDir, dir]);
      weakReport = await scan([weakManifests, '--root', '/']);
      hardReport = await scan([hardManifests, '--root', '/']);
      for (const [c, name] of [[weak, 'weak'], [hard, 'hardened']] as const) {
        doubles.push(await startKubeletDouble(c, `kh-node-${name}`, CONFIGZ, pki.caPem));
        // The same pods as the API server's mirror pods of those manifests.
        for (const f of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
          const r = await c.apply(await readFile(join(dir, name === 'weak' ? 'weak' : 'hardened', 'manifests', `${f}.yaml`), 'utf8'));
          assert.equal(r.code, 0, r.stderr);
        }
      }
      // Least privilege for live mode: list pods in kube-system, list nodes; dave may also get nodes/configz.
      const rbac = [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cp-auditor', namespace: 'kube-system' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'cp-auditor', namespace: 'kube-system' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cp-auditor' }, subjects: [{ kind: 'Group', name: 'cp-auditors', apiGroup: 'rbac.authorization.k8s.io' }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cp-auditor-nodes' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cp-auditor-nodes' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cp-auditor-nodes' }, subjects: [{ kind: 'Group', name: 'cp-auditors', apiGroup: 'rbac.authorization.k8s.io' }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kubelet-configz-reader' }, rules: [{ apiGroups: [''], resources: ['nodes/configz'], verbs: ['get'] }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'dave-configz' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelet-configz-reader' }, subjects: [{ kind: 'User', name: 'dave', apiGroup: 'rbac.authorization.k8s.io' }] },
      ];
      const r = await hard.apply(rbac.map((o) => JSON.stringify(o)).join('\n---\n'));
      assert.equal(r.code, 0, r.stderr);
    }, { timeout: 300_000 });

    after(async () => {
      for (const d of doubles) await d.close();
      await weak?.stop();
      await hard?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('the scans read every file the flags name, without errors', () => {
      assert.deepEqual(weakReport.errors, []);
      assert.deepEqual(hardReport.errors, []);
      // --root / followed the hardened API server's encryption config and audit policy: nothing left unassessed about them.
      const unassessed = hardReport.findings.filter((f) => f.check === 'CP-NOT-ASSESSABLE').map((f) => f.message);
      assert.ok(unassessed.every((m) => !/encryption|audit/i.test(m)), unassessed.join('\n'));
    });

    test('the findings are exactly the differences between the two command lines', () => {
      const w = weakReport.findings.filter((f) => CONTROL.test(f.check)).map(key);
      const h = hardReport.findings.filter((f) => CONTROL.test(f.check)).map(key);
      assert.deepEqual(minus(w, h), [
        'APISERVER-ANONYMOUS-AUTH Pod/kube-apiserver',
        'APISERVER-AUDIT-LOG Pod/kube-apiserver',
        'APISERVER-AUDIT-POLICY Pod/kube-apiserver',
        'APISERVER-ENCRYPTION Pod/kube-apiserver',
        'CP-PROFILING Pod/kube-apiserver',
      ]);
      assert.deepEqual(minus(h, w), [], 'the hardened cluster has no finding the weak one lacks');
      // Everything else (workload checks on the pods) is the same in both.
      assert.deepEqual(minus(weakReport.findings.filter((f) => !CONTROL.test(f.check)).map(key), hardReport.findings.filter((f) => !CONTROL.test(f.check)).map(key)), []);
    });

    test('encryption: plain text in the weak etcd, k8s:enc:aescbc:v1: in the hardened one (the verdict is proven, not read off the flag)', async () => {
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'proof' }, stringData: { password: 'kubeharden-plaintext-proof' } };
      for (const c of [weak, hard]) assert.equal((await c.api('POST', '/api/v1/namespaces/default/secrets', { body: secret })).status, 201);
      const plain = await etcdValue(weak, '/registry/secrets/default/proof');
      assert.ok(plain.subarray(0, 4).equals(Buffer.from('k8s\0')), 'weak: protobuf as written, no encryption prefix');
      assert.ok(plain.includes('kubeharden-plaintext-proof'), 'weak: the value is readable in etcd');
      const sealed = await etcdValue(hard, '/registry/secrets/default/proof');
      assert.equal(sealed.subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key1:');
      assert.ok(!sealed.includes('kubeharden-plaintext-proof'), 'hardened: the value is not in etcd in clear');
      assert.ok(weakReport.findings.some((f) => f.check === 'APISERVER-ENCRYPTION'));
      assert.ok(!hardReport.findings.some((f) => f.check === 'APISERVER-ENCRYPTION' || f.check === 'ENCRYPTION-PROVIDERS'));
    });

    test('anonymous requests: 403 for system:anonymous in the weak cluster, 401 in the hardened one', async () => {
      const w = await httpCall(`${weak.server}/api`, { ca: weak.caPem });
      assert.equal(w.status, 403);
      assert.match(w.body, /system:anonymous/);
      const h = await httpCall(`${hard.server}/api`, { ca: hard.caPem });
      assert.equal(h.status, 401);
    });

    test('audit: the hardened log has the Secret\'s creation; the weak cluster writes no log', async () => {
      const events = await hard.auditEvents();
      assert.ok(events.some((e) => e.verb === 'create' && e.objectRef?.resource === 'secrets' && e.objectRef.name === 'proof' && e.level === 'Metadata'), 'create secrets/proof at Metadata');
      assert.equal(existsSync(weak.auditLogPath), false);
    });

    test('TLS: both refuse TLS 1.1 (v1.35 is built with Go ≥ 1.22), so the weak cluster\'s unset --tls-min-version is rightly no finding', async () => {
      for (const c of [weak, hard]) {
        assert.match(await handshake(c, 'TLSv1.1'), /^error ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION$/, 'the server, not this client, refuses');
        assert.equal(await handshake(c, 'TLSv1.2'), 'connected TLSv1.2');
      }
      assert.ok(!weakReport.findings.some((f) => f.check === 'APISERVER-TLS-WEAK'));
    });

    test('live: mirror pods give the same flag findings as the files; /configz and the anonymous probe add what only the cluster knows', async () => {
      for (const [c, file] of [[weak, weakReport], [hard, hardReport]] as const) {
        const live = await scan(['--control-plane', '--kubeconfig', c.kubeconfig]);
        assert.deepEqual(live.errors, []);
        const flags = (r: Report) => r.findings.filter((f) => /^(APISERVER|KCM|ETCD)-|^CP-(PROFILING|BIND-ADDRESS|INSECURE-PORT|CONFIG-INVALID)$/.test(f.check) && f.check !== 'APISERVER-ANONYMOUS-PROBE').map(key).sort();
        assert.deepEqual(flags(live), flags(file));
        assert.ok(live.findings.every((f) => f.file.startsWith('cluster:')), 'located in the cluster, by path');
        const kubelet = live.findings.filter((f) => f.check.startsWith('KUBELET-'));
        const na0 = live.findings.filter((f) => f.check === 'CP-NOT-ASSESSABLE').map((f) => f.message).join('\n');
        assert.deepEqual(kubelet.map((f) => `${f.check} ${f.path}`), ['KUBELET-READ-ONLY-PORT readOnlyPort'], na0);
        assert.match(kubelet[0].file, /\/api\/v1\/nodes\/kh-node-(weak|hardened)\/proxy\/configz$/);
        // Files named by mirror pods' flags live on the node: not assessable, never guessed.
        const na = live.findings.filter((f) => f.check === 'CP-NOT-ASSESSABLE').map((f) => f.message);
        if (c === hard) assert.ok(na.some((m) => /EncryptionConfiguration .* is not readable: it lives on the node/.test(m)), na.join('\n'));
      }
      const weakLive = await scan(['--control-plane', '--kubeconfig', weak.kubeconfig]);
      const probe = weakLive.findings.filter((f) => f.check === 'APISERVER-ANONYMOUS-PROBE');
      assert.deepEqual(probe.map((f) => f.message), ['GET /api without credentials was answered 403 for system:anonymous: anonymous authentication is on, and only authorization stopped this request']);
      const hardLive = await scan(['--control-plane', '--kubeconfig', hard.kubeconfig]);
      assert.ok(!hardLive.findings.some((f) => f.check === 'APISERVER-ANONYMOUS-PROBE'), '401: anonymous auth is off');
    });

    test('live permissions: nodes/configz alone reads the kubelet directly; without it, not assessable with the reason', async () => {
      const dave = await scan(['--control-plane', '--kubeconfig', hard.identities.dave.kubeconfig]);
      assert.deepEqual(dave.errors, []);
      assert.deepEqual(dave.findings.filter((f) => f.check.startsWith('KUBELET-')).map((f) => f.check), ['KUBELET-READ-ONLY-PORT']);
      const double = doubles[1];
      assert.ok(double.requests.some((r) => r.user === 'dave' && r.code === 200), JSON.stringify(double.requests));
      const erin = await scan(['--control-plane', '--kubeconfig', hard.identities.erin.kubeconfig]);
      assert.deepEqual(erin.findings.filter((f) => f.check.startsWith('KUBELET-')), []);
      const na = erin.findings.filter((f) => f.check === 'CP-NOT-ASSESSABLE').map((f) => f.message);
      assert.ok(na.some((m) => /kh-node-hardened: .*403 .*\(needs get on nodes\/proxy\); directly from the kubelet at .*403 .*\(needs get on nodes\/configz\)/.test(m)), na.join('\n'));
      assert.ok(double.requests.some((r) => r.user === 'erin' && r.code === 403));
    });
  });
}
