/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and
 * kube-controller-manager, built from the pinned upstream release by
 * scripts/build-control-plane.sh (see docs/control-plane.md), started on free
 * loopback ports with a temp data dir. No Docker, no mocks.
 *
 * Usage (one cluster per test file):
 *
 *   import { after, before, test } from 'node:test';
 *   import { startCluster, type Cluster } from '../cluster/index.js';
 *   let c: Cluster;
 *   before(async () => { c = await startCluster(); });
 *   after(async () => { await c?.stop(); });
 *   test('...', async () => {
 *     await c.namespace('demo', { 'pod-security.kubernetes.io/enforce': 'restricted' });
 *     const r = await c.apply(podYaml, { namespace: 'demo', identity: 'alice' });
 *     assert.notEqual(r.code, 0, r.stderr);
 *   });
 *
 * API
 *   startCluster(opts?) -> Promise<Cluster>
 *     opts.anonymousAuth        --anonymous-auth (default false)
 *     opts.auditLog             audit policy and log (default true); false leaves out
 *                               --audit-policy-file, --audit-log-path and --audit-log-mode
 *     opts.profiling            --profiling of the apiserver (default false)
 *     opts.extraApiserverFlags  appended last: scalar flags override the defaults below,
 *                               list flags (e.g. --enable-admission-plugins) add to them
 *     opts.controllerManager    run kube-controller-manager (default true); without it
 *                               there is no default ServiceAccount, no ClusterRole
 *                               aggregation and no namespace deletion
 *     opts.extraUsers           more static-token identities: { name, user?, groups? }
 *   controlPlaneAvailable() -> { ok, reason? }   binaries built? (reason says how to build)
 *
 *   Cluster
 *     server, caFile, caPem, dataDir, auditLogPath, kubeconfig (admin)
 *     etcdUrl                   etcd's client URL (plain HTTP on loopback; its v3 JSON gateway
 *                               answers POST /v3/kv/range)
 *     commandLines              the exact argv each process was started with ({ etcd, apiserver,
 *                               controllerManager? }, binary name first), e.g. to write them as
 *                               static pod manifests
 *     identities: admin (user kubeharden-admin, group system:masters), alice (dev-team),
 *       bob (ops-team), carol (no extra groups), plus opts.extraUsers. Each has
 *       { name, token, user, groups, kubeconfig }. Every token user is also in
 *       system:authenticated.
 *     kubectl(args, { identity?, input?, allowFail? })  throws on non-zero exit unless allowFail
 *     apply(yaml, { identity?, dryRunServer?, namespace? })  never throws: check .code
 *     api(method, path, { identity?, body? }) -> { status, body, json }   raw REST call
 *     namespace(name, labels?)  creates it (as admin) and waits for its default ServiceAccount
 *     auditEvents()             parsed audit log (JSON lines written so far)
 *     issueServingCert(sans)    a serverAuth cert signed by the cluster CA, for test webhooks
 *                               (register them with clientConfig.url https://127.0.0.1:PORT/...)
 *     waitFor(pred, timeoutMs=30000)
 *     logs: { etcd, apiserver, controllerManager? } log file paths
 *     stop()                    kills what it started (by pid) and removes dataDir; idempotent
 *
 * Apiserver configuration: --authorization-mode=Node,RBAC, static token file,
 * admission plugins NodeRestriction, PodSecurity (no cluster-wide defaults: namespace
 * labels drive it), Mutating/ValidatingAdmissionWebhook, ValidatingAdmissionPolicy;
 * --allow-privileged (so the PodSecurity plugin, not the apiserver, decides on
 * privileged pods); audit log (JSON lines, policy in config.ts) at auditLogPath.
 * Services get ClusterIPs from 10.0.0.0/24 but nothing ever connects to them: do not
 * register webhooks by Service reference, use clientConfig.url on 127.0.0.1.
 *
 * Cleanup: stop(), process exit, SIGINT/SIGTERM/SIGHUP, and a detached watchdog for
 * SIGKILL all kill only the pids started here and remove the temp dir. Set
 * KUBEHARDEN_CLUSTER_KEEP=1 to keep the data dir (logs, audit log) for debugging.
 * kubectl() runs a kubectl built from the same release (no version skew).
 * Environment: KUBEHARDEN_CACHE (binary cache root), KUBEHARDEN_KUBECTL (another kubectl),
 * KUBEHARDEN_ETCD (a different etcd binary).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditPolicy, controllerManagerUser, defaultUsers, kubeconfig, makeTokenUsers, tokenFile, type TokenUser, type UserSpec } from './config.js';
import { httpCall } from './http.js';
import { binaries, controlPlaneAvailable } from './paths.js';
import { createPki, issueServingCert, type IssuedCert } from './pki.js';
import { freePorts } from './ports.js';
import { release, spawnManaged, tail, track, type Managed, type Resources } from './process.js';

export { controlPlaneAvailable } from './paths.js';
export type { UserSpec } from './config.js';
export type { IssuedCert } from './pki.js';

export interface Identity {
  name: string;
  token: string;
  user: string;
  groups: string[];
  kubeconfig: string;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ApiResult {
  status: number;
  body: string;
  /** body parsed as JSON, or undefined if it is not JSON. */
  json: unknown;
}

/** One audit.k8s.io/v1 Event, with the fields tests usually look at. */
export interface AuditEvent {
  auditID: string;
  stage: string;
  level: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; subresource?: string };
  responseStatus?: { code?: number };
  [key: string]: unknown;
}

export interface StartOptions {
  anonymousAuth?: boolean;
  auditLog?: boolean;
  profiling?: boolean;
  extraApiserverFlags?: string[];
  controllerManager?: boolean;
  extraUsers?: UserSpec[];
}

export interface Cluster {
  server: string;
  etcdUrl: string;
  commandLines: { etcd: string[]; apiserver: string[]; controllerManager?: string[] };
  caFile: string;
  caPem: string;
  dataDir: string;
  kubeconfig: string;
  identities: Record<string, Identity>;
  auditLogPath: string;
  logs: { etcd: string; apiserver: string; controllerManager?: string };
  kubectl(args: string[], opts?: { identity?: string; input?: string; allowFail?: boolean }): Promise<CommandResult>;
  apply(yaml: string, opts?: { identity?: string; dryRunServer?: boolean; namespace?: string }): Promise<CommandResult>;
  api(method: string, path: string, opts?: { identity?: string; body?: unknown }): Promise<ApiResult>;
  namespace(name: string, labels?: Record<string, string>): Promise<void>;
  auditEvents(): Promise<AuditEvent[]>;
  issueServingCert(sans: string[]): Promise<IssuedCert>;
  waitFor(pred: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: () => Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await pred()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(200);
  }
}

class PortInUse extends Error {}

/** Waits for `ready`, failing early (with the log tail) if a process exits meanwhile. */
async function waitReady(what: string, procs: Managed[], timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  let dead: Managed | undefined;
  for (const m of procs) {
    void m.exited.then(() => {
      dead ??= m;
    });
  }
  try {
    await waitFor(async () => {
      if (dead) throw new Error('exited');
      return ready();
    }, timeoutMs, what);
  } catch (e) {
    const culprit = dead ?? procs[procs.length - 1];
    const log = tail(culprit.logFile, 60);
    if (/address already in use/i.test(log)) throw new PortInUse(`${culprit.name}: port taken while starting`, { cause: e });
    const status = dead ? `${dead.name} exited (${await dead.exited})` : (e as Error).message;
    throw new Error(`${what}: ${status}\n--- last lines of ${culprit.logFile} ---\n${log}`, { cause: e });
  }
}

function run(bin: string, args: string[], input: string | undefined, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal === 'SIGKILL' ? `${stderr}\n(killed after ${timeoutMs}ms)` : stderr });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(input ?? '');
  });
}

export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  const avail = controlPlaneAvailable();
  if (!avail.ok) throw new Error(`cannot start the test control plane: ${avail.reason}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      // Free ports are picked before the processes bind them; retry if one was taken.
      if (e instanceof PortInUse && attempt < 3) continue;
      throw e;
    }
  }
}

async function startOnce(opts: StartOptions): Promise<Cluster> {
  const bins = binaries();
  const etcdBin = process.env.KUBEHARDEN_ETCD || bins.etcd;
  const dataDir = await mkdtemp(join(tmpdir(), 'kubeharden-cluster-'));
  const res: Resources = { dir: dataDir, procs: [], keepDir: process.env.KUBEHARDEN_CLUSTER_KEEP === '1' };
  track(res);
  try {
    return await boot(opts, bins.apiserver, bins.controllerManager, etcdBin, bins.kubectl, res);
  } catch (e) {
    await release(res);
    throw e;
  }
}

async function boot(opts: StartOptions, apiserverBin: string, kcmBin: string, etcdBin: string, kubectlBin: string, res: Resources): Promise<Cluster> {
  const dataDir = res.dir;
  const pkiDir = join(dataDir, 'pki');
  const logDir = join(dataDir, 'logs');
  await Promise.all([mkdir(pkiDir), mkdir(logDir), mkdir(join(dataDir, 'kubeconfig'))]);
  const pki = await createPki(pkiDir);
  const [etcdPort, etcdPeerPort, apiPort, kcmPort] = await freePorts(4);
  const server = `https://127.0.0.1:${apiPort}`;

  const specs = [...defaultUsers, ...(opts.extraUsers ?? [])];
  const users = makeTokenUsers([...specs, controllerManagerUser]);
  const tokensFile = join(pkiDir, 'tokens.csv');
  await writeFile(tokensFile, tokenFile(users), { mode: 0o600 });
  const identities: Record<string, Identity> = {};
  let kcmKubeconfig = '';
  for (const u of users) {
    const file = join(dataDir, 'kubeconfig', `${u.name}.yaml`);
    await writeFile(file, kubeconfig(server, pki.caFile, u.name, u.token), { mode: 0o600 });
    if (u.name === controllerManagerUser.name) kcmKubeconfig = file;
    else identities[u.name] = { name: u.name, token: u.token, user: u.user, groups: [...u.groups], kubeconfig: file };
  }
  const admin = users[0] as TokenUser;
  const auditLogPath = join(dataDir, 'audit.log');
  const auditPolicyFile = join(dataDir, 'audit-policy.yaml');
  await writeFile(auditPolicyFile, auditPolicy());

  // etcd: loopback only, no fsync (a test cluster's data is thrown away anyway).
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  const etcdArgs = [
    '--name=default', `--data-dir=${join(dataDir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=default=${peerUrl}`,
    '--unsafe-no-fsync', '--log-level=warn', '--logger=zap',
  ];
  const etcd = spawnManaged(dataDir, 'etcd', etcdBin, etcdArgs, join(logDir, 'etcd.log'));
  res.procs.push(etcd);
  await waitReady('etcd health', [etcd], 30_000, async () => {
    const r = await httpCall(`${etcdUrl}/health`, { timeoutMs: 2000 });
    return r.status === 200 && /"health":\s*"true"/.test(r.body);
  });

  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    `--tls-cert-file=${pki.servingCertFile}`, `--tls-private-key-file=${pki.servingKeyFile}`,
    `--client-ca-file=${pki.caFile}`, `--cert-dir=${join(dataDir, 'apiserver-certs')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    // The in-cluster `kubernetes` Service would point at 127.0.0.1, which Endpoints reject.
    '--endpoint-reconciler-type=none',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.saPublicKeyFile}`, `--service-account-signing-key-file=${pki.saPrivateKeyFile}`,
    '--authorization-mode=Node,RBAC',
    `--token-auth-file=${tokensFile}`,
    `--anonymous-auth=${opts.anonymousAuth ? 'true' : 'false'}`,
    '--enable-admission-plugins=NodeRestriction,PodSecurity,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy',
    '--allow-privileged=true',
    ...(opts.auditLog === false ? [] : [`--audit-policy-file=${auditPolicyFile}`, `--audit-log-path=${auditLogPath}`, '--audit-log-mode=blocking']),
    `--profiling=${opts.profiling ? 'true' : 'false'}`,
    ...(opts.extraApiserverFlags ?? []),
  ];
  const apiserver = spawnManaged(dataDir, 'kube-apiserver', apiserverBin, apiserverArgs, join(logDir, 'kube-apiserver.log'));
  res.procs.push(apiserver);
  await waitReady('kube-apiserver /readyz', [etcd, apiserver], 90_000, async () => {
    const r = await httpCall(`${server}/readyz`, { ca: pki.caPem, token: admin.token, timeoutMs: 5000 });
    return r.status === 200;
  });

  const api = async (method: string, path: string, o: { identity?: string; body?: unknown } = {}): Promise<ApiResult> => {
    const id = identity(o.identity);
    const r = await httpCall(`${server}${path}`, {
      method, ca: pki.caPem, token: id.token, timeoutMs: 30_000,
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });
    let json: unknown;
    try {
      json = JSON.parse(r.body);
    } catch {
      json = undefined;
    }
    return { ...r, json };
  };
  const identity = (name = 'admin'): Identity => {
    const id = identities[name];
    if (!id) throw new Error(`unknown identity ${name}; known: ${Object.keys(identities).join(', ')}`);
    return id;
  };

  let kcmLog: string | undefined;
  let kcmArgs: string[] | undefined;
  if (opts.controllerManager !== false) {
    kcmArgs = [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`, `--authorization-kubeconfig=${kcmKubeconfig}`,
      '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`, `--cert-dir=${join(dataDir, 'kcm-certs')}`,
      // No front-proxy CA is configured, so don't look one up (it only logs errors).
      '--authentication-skip-lookup=true',
      '--leader-elect=false',
      // Each controller acts as its own ServiceAccount, as on a real cluster, so RBAC
      // analysis sees the usual system:controller:* subjects at work.
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.saPrivateKeyFile}`, `--root-ca-file=${pki.caFile}`,
      `--cluster-signing-cert-file=${pki.caFile}`, `--cluster-signing-key-file=${pki.caKeyFile}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--profiling=false',
    ];
    const kcm = spawnManaged(dataDir, 'kube-controller-manager', kcmBin, kcmArgs, join(logDir, 'kube-controller-manager.log'));
    res.procs.push(kcm);
    kcmLog = kcm.logFile;
    await waitReady('controller-manager: default ServiceAccount and aggregated admin ClusterRole', [etcd, apiserver, kcm], 90_000, async () => {
      const sa = await api('GET', '/api/v1/namespaces/default/serviceaccounts/default');
      if (sa.status !== 200) return false;
      const role = await api('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin');
      const rules = (role.json as { rules?: unknown[] } | undefined)?.rules;
      return role.status === 200 && Array.isArray(rules) && rules.length > 0;
    });
  }

  let stopped: Promise<void> | undefined;
  const cluster: Cluster = {
    server,
    etcdUrl,
    commandLines: {
      etcd: ['etcd', ...etcdArgs],
      apiserver: ['kube-apiserver', ...apiserverArgs],
      ...(kcmArgs ? { controllerManager: ['kube-controller-manager', ...kcmArgs] } : {}),
    },
    caFile: pki.caFile,
    caPem: pki.caPem,
    dataDir,
    kubeconfig: identity('admin').kubeconfig,
    identities,
    auditLogPath,
    logs: { etcd: etcd.logFile, apiserver: apiserver.logFile, controllerManager: kcmLog },
    async kubectl(args, o = {}) {
      const id = identity(o.identity);
      const r = await run(kubectlBin, [`--kubeconfig=${id.kubeconfig}`, `--cache-dir=${join(dataDir, 'kubectl-cache')}`, ...args], o.input, 120_000);
      if (r.code !== 0 && !o.allowFail) {
        throw new Error(`kubectl ${args.join(' ')} (as ${id.name}) exited ${r.code}\n${r.stderr}${r.stdout}`);
      }
      return r;
    },
    async apply(yaml, o = {}) {
      const args = ['apply', '-f', '-'];
      if (o.dryRunServer) args.push('--dry-run=server');
      if (o.namespace) args.push(`--namespace=${o.namespace}`);
      return cluster.kubectl(args, { identity: o.identity, input: yaml, allowFail: true });
    },
    api,
    async namespace(name, labels = {}) {
      const r = await api('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });
      if (r.status !== 201) throw new Error(`creating namespace ${name}: HTTP ${r.status} ${r.body}`);
      if (opts.controllerManager === false) return;
      await waitFor(async () => (await api('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200, 30_000, `default ServiceAccount in ${name}`);
    },
    async auditEvents() {
      let text: string;
      try {
        text = await readFile(auditLogPath, 'utf8');
      } catch {
        return [];
      }
      const out: AuditEvent[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as AuditEvent);
        } catch {
          // the last line may still be being written
        }
      }
      return out;
    },
    issueServingCert(sans) {
      const name = `webhook-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      return issueServingCert(pkiDir, pki.caFile, pki.caKeyFile, name, sans);
    },
    waitFor(pred, timeoutMs = 30_000) {
      return waitFor(pred, timeoutMs);
    },
    stop() {
      stopped ??= release(res);
      return stopped;
    },
  };
  return cluster;
}
