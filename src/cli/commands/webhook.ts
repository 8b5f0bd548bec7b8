/**
 * `kubeharden webhook serve|install|review|policy`: the admission policy agent. The webhook
 * evaluates every request with the same function as `kubeharden scan`.
 */
import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { installManifests, parsePolicyText, renderManifests, DEFAULT_NAMESPACE, NAME, type CertSource, type InstallOptions } from '../../admission/install.js';
import { NO_NAMESPACES, staticNamespaces, watchNamespaces, type NamespaceLabelSource } from '../../admission/namespaces.js';
import { compilePolicy, DEFAULT_POLICY, defaultPolicy, describePolicy, loadPolicy, MODES, PolicyError, type Mode, type Policy } from '../../admission/policy.js';
import { mutate, review } from '../../admission/review.js';
import { startWebhookServer, type TlsSource } from '../../admission/server.js';
import { generateServingCerts } from '../../admission/tls.js';
import { parseAdmissionReview, reviewResponse } from '../../admission/types.js';
import { gatesOf, prepareImages } from '../../admission/images.js';
import { WebhookMetrics } from '../../admission/metrics.js';
import { EvidencePool } from '../../images/pool.js';
import type { CompileOptions } from '../../admission/policy.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../exit.js';
import { readUserFile, writeOutput } from '../output.js';
import { VERSION } from '../version.js';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const SA_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** `ADDR:PORT`, `:PORT`, `[::]:PORT` or `PORT`. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s) ?? (/^\d+$/.test(s) ? [s, undefined, '', s] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen: expected ADDR:PORT (e.g. 0.0.0.0:8443), got "${s}"`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** `500ms`, `5s`, `2m`, or a number of seconds. */
export function parseDuration(s: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 500ms, 5s or 1m, got "${s}"`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function webhookNamespace(flag: string | undefined): string | undefined {
  if (flag) return flag;
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function readPolicy(file: string | undefined, ns: string | undefined, images?: CompileOptions['images']): Policy {
  try {
    return file ? loadPolicy(file, { webhookNamespace: ns, images }) : defaultPolicy({ webhookNamespace: ns });
  } catch (e) {
    if (e instanceof PolicyError) throw new UsageError(e.message);
    throw e;
  }
}

interface ServeFlags {
  listen: string;
  policy?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  tlsSan: string[];
  caOut?: string;
  kubeconfig?: string;
  namespaceWatch: boolean;
  webhookNamespace?: string;
  logLevel: string;
  shutdownDelay: string;
  shutdownTimeout: string;
  requestTimeout: string;
  bodyLimit: string;
  maxConnections: string;
  certCheckInterval: string;
}

async function serve(flags: ServeFlags): Promise<number> {
  const { host, port } = parseListen(flags.listen);
  let tls: TlsSource;
  if (flags.tlsSelfSigned) {
    if (flags.tlsCert || flags.tlsKey) throw new UsageError('--tls-self-signed and --tls-cert/--tls-key exclude each other');
    tls = { selfSigned: { sans: flags.tlsSan.length ? flags.tlsSan : ['127.0.0.1', 'localhost'] } };
  } else if (flags.tlsCert && flags.tlsKey) {
    tls = { certFile: flags.tlsCert, keyFile: flags.tlsKey, watchIntervalMs: parseDuration(flags.certCheckInterval, '--cert-check-interval') };
  } else {
    throw new UsageError('TLS is required: give --tls-cert FILE --tls-key FILE, or --tls-self-signed');
  }
  const ns = webhookNamespace(flags.webhookNamespace);
  const metrics = new WebhookMetrics();
  // One evidence pool for the process: every profile, and every reloaded policy, shares its cache.
  const images = { pool: new EvidencePool(metrics.imageObserver()), observer: metrics.imageObserver() };
  const policy = readPolicy(flags.policy, ns, images);
  const log = pino({ name: 'kubeharden-webhook', level: flags.logLevel, base: { version: VERSION }, redact: { paths: ['object', 'oldObject', '*.object', '*.oldObject'], remove: true } });

  let namespaces: NamespaceLabelSource = NO_NAMESPACES;
  const inCluster = existsSync(SA_TOKEN_FILE) && !!process.env.KUBERNETES_SERVICE_HOST;
  if (flags.namespaceWatch && (flags.kubeconfig || inCluster)) {
    const w = watchNamespaces({
      kubeconfig: flags.kubeconfig,
      onError: (message) => log.warn({ err: message }, 'namespace watch failed; retrying'),
      onSynced: (count) => log.info({ count }, 'namespace labels synced'),
    });
    namespaces = w;
    // Start serving within a bound even if the API server is slow: without labels, rules that
    // select by name still apply.
    await Promise.race([w.started, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (!w.synced()) log.warn('namespace labels not synced yet: label selectors and kubeharden.io/<mode> labels apply once they are');
  } else if (flags.namespaceWatch) {
    log.warn('no kubeconfig and not in a cluster: namespace labels are unknown, so label selectors and kubeharden.io/<mode> labels are not applied');
  }

  const loadImageCaches = async (p: Policy): Promise<void> => {
    for (const g of gatesOf(p)) {
      try {
        const r = await g.loadCache();
        if (g.store.cache.dir) log.info({ cacheDir: g.store.cache.dir, ...r }, 'image cache loaded');
      } catch (e) {
        log.error({ err: (e as Error).message }, 'image cache unreadable; starting cold');
      }
    }
  };
  await loadImageCaches(policy);
  const server = await startWebhookServer({
    host,
    port,
    policy,
    tls,
    logger: log,
    namespaces,
    metrics,
    prepare: prepareImages,
    bodyLimit: Number(flags.bodyLimit),
    requestTimeoutMs: parseDuration(flags.requestTimeout, '--request-timeout'),
    shutdownDelayMs: parseDuration(flags.shutdownDelay, '--shutdown-delay'),
    shutdownTimeoutMs: parseDuration(flags.shutdownTimeout, '--shutdown-timeout'),
    maxConnections: Number(flags.maxConnections),
  });
  log.info({ policy: flags.policy ?? 'default', webhookNamespace: ns, ...describePolicy(policy) }, 'policy loaded');
  for (const w of policy.warnings) log.warn(w);
  if (server.caPem) {
    if (flags.caOut) {
      writeOutput([server.caPem], flags.caOut);
      log.info({ file: flags.caOut }, 'self-signed CA written (use it as the webhook caBundle)');
    } else log.info({ caBundle: Buffer.from(server.caPem).toString('base64') }, 'self-signed CA (use it as the webhook caBundle)');
  }
  // The parent (tests, scripts) can read the port from here when --listen used port 0.
  log.info({ url: server.url, port: server.port }, 'ready');

  // A changed policy file (a ConfigMap update) applies without a restart; an invalid one is
  // refused and the running policy kept.
  const policyFile = flags.policy;
  const onPolicyChange = (cur: { mtimeMs: number; ino: number; size: number }, prev: { mtimeMs: number; ino: number; size: number }) => {
    if (!policyFile || (cur.mtimeMs === prev.mtimeMs && cur.ino === prev.ino && cur.size === prev.size)) return;
    try {
      const next = loadPolicy(policyFile, { webhookNamespace: ns, images });
      void loadImageCaches(next).then(() => {
        server.setPolicy(next);
        log.info({ policy: policyFile }, 'policy reloaded');
      });
    } catch (e) {
      log.error({ policy: policyFile, err: (e as Error).message }, 'policy file changed but is invalid; keeping the running policy');
    }
  };
  if (policyFile) watchFile(policyFile, { interval: parseDuration(flags.certCheckInterval, '--cert-check-interval'), persistent: false }, onPolicyChange);

  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'signal received');
      void server.close().then(async () => {
        await namespaces.stop();
        if (policyFile) unwatchFile(policyFile, onPolicyChange);
        resolveStop();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Everything is closed; should a library still hold the event loop, do not hang the pod's exit.
  setTimeout(() => process.exit(EXIT_OK), 2000).unref();
  return EXIT_OK;
}

interface InstallFlags {
  namespace: string;
  image: string;
  replicas: string;
  mode: Mode;
  failurePolicy?: 'Fail' | 'Ignore';
  mutate?: boolean;
  certManager?: boolean;
  tlsSecret?: string;
  caBundle?: string;
  policy?: string;
  timeout: string;
  resource: string[];
  output: string;
  outputFile?: string;
}

async function install(flags: InstallFlags): Promise<number> {
  const replicas = Number(flags.replicas);
  if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas: expected a positive integer, got "${flags.replicas}"`);
  const timeoutSeconds = Number(flags.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) throw new UsageError('--timeout: timeoutSeconds must be 1 to 30');
  if (flags.certManager && (flags.tlsSecret || flags.caBundle)) throw new UsageError('--cert-manager and --tls-secret/--ca-bundle exclude each other');
  if (!!flags.tlsSecret !== !!flags.caBundle) throw new UsageError('--tls-secret and --ca-bundle go together (the Secret with tls.crt/tls.key, and the CA that signed it)');
  const ns = flags.namespace;
  let certs: CertSource;
  const notes: string[] = [];
  if (flags.certManager) certs = { kind: 'cert-manager' };
  else if (flags.tlsSecret && flags.caBundle) certs = { kind: 'secret', secretName: flags.tlsSecret, caPem: readUserFile(flags.caBundle, '--ca-bundle') };
  else {
    const sans = [NAME, `${NAME}.${ns}`, `${NAME}.${ns}.svc`, `${NAME}.${ns}.svc.cluster.local`];
    certs = { kind: 'generated', certs: await generateServingCerts(sans, 365) };
    notes.push('The output holds a private key (Secret kubeharden-webhook-tls): keep it out of version control, or use --cert-manager.');
  }
  let policy: unknown;
  let policyDir: string | undefined;
  if (flags.policy) {
    policy = parsePolicyText(readUserFile(flags.policy, '--policy'));
    policyDir = dirname(resolve(flags.policy));
  }
  const opts: InstallOptions = {
    namespace: ns,
    image: flags.image,
    replicas,
    mode: flags.mode,
    ...(flags.failurePolicy ? { failurePolicy: flags.failurePolicy } : {}),
    mutate: flags.mutate === true,
    certs,
    policy,
    policyDir,
    timeoutSeconds,
    extraResources: flags.resource,
  };
  let objects;
  try {
    objects = installManifests(opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const fp = flags.failurePolicy ?? (flags.mode === 'enforce' ? 'Fail' : 'Ignore');
  const text = renderManifests(objects, [
    `kubeharden ${VERSION} admission webhook: kubeharden webhook install --namespace ${ns} --mode ${flags.mode}`,
    `failurePolicy ${fp} for namespaced objects (${fp === 'Fail' ? 'fail closed: nothing unreviewed gets in while the webhook is down' : 'fail open: the webhook never blocks the cluster, and reviews nothing while down'}); Ignore for cluster-scoped RBAC objects and mutation.`,
    `kube-system and ${ns} are never sent to the webhook. Emergency exit: kubectl delete validatingwebhookconfiguration kubeharden`,
    ...notes,
  ]);
  writeOutput([flags.output === 'json' ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n` : text], flags.outputFile);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  return EXIT_OK;
}

interface ReviewFlags {
  policy?: string;
  mutate?: boolean;
  namespaceLabel: string[];
  webhookNamespace?: string;
}

async function reviewFile(file: string, flags: ReviewFlags): Promise<number> {
  const text = file === '-' ? await new Promise<string>((res, rej) => {
    let s = '';
    process.stdin.setEncoding('utf8').on('data', (d: string) => (s += d)).on('end', () => res(s)).on('error', rej);
  }) : readUserFile(file, 'webhook review');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not valid JSON (an admission.k8s.io/v1 AdmissionReview)`);
  }
  const env = parseAdmissionReview(body);
  if (!env.ok) throw new UsageError(`${file}: ${env.message}`);
  const labels: Record<string, Record<string, string>> = {};
  for (const l of flags.namespaceLabel) {
    const m = /^([^/=]+)\/([^=]+)=(.*)$/.exec(l);
    if (!m) throw new UsageError(`--namespace-label expects NAMESPACE/KEY=VALUE, got "${l}"`);
    (labels[m[1]] ??= {})[m[2]] = m[3];
  }
  const source = staticNamespaces(labels);
  const policy = readPolicy(flags.policy, webhookNamespace(flags.webhookNamespace), {});
  // Registry evidence as the webhook would fetch it (cache first), so the verdict is the webhook's.
  for (const g of gatesOf(policy)) await g.loadCache();
  await prepareImages(env.request, policy);
  const outcome = (flags.mutate ? mutate : review)(env.request, policy, { namespaceLabels: (n) => source.labels(n) });
  process.stdout.write(`${JSON.stringify(reviewResponse(outcome.response), null, 2)}\n`);
  if (!outcome.response.allowed) process.stderr.write(`${outcome.response.status?.message ?? 'denied'}\n`);
  return outcome.response.allowed ? EXIT_OK : EXIT_FINDINGS;
}

export function registerWebhookCommand(program: Command): void {
  const webhook = program.command('webhook').description('admission policy agent: the same checks as scan, enforced at admission');

  webhook
    .command('serve')
    .description('run the admission webhook (POST /validate, /mutate; GET /healthz, /readyz, /metrics)')
    .option('--listen <addr:port>', 'address and port to listen on', '0.0.0.0:8443')
    .option('--policy <file>', 'admission policy (default: PSS restricted:latest, deny high and above, warn medium)')
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM), reloaded when it changes')
    .option('--tls-self-signed', 'generate a CA and a serving certificate in memory (development, tests)')
    .option('--tls-san <name>', 'subject alternative name for --tls-self-signed (repeatable; default 127.0.0.1, localhost)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--ca-out <file>', 'with --tls-self-signed: write the CA (the caBundle to register) to this file')
    .option('--kubeconfig <file>', 'read Namespace labels with this kubeconfig (default: in-cluster ServiceAccount when running in a pod)')
    .option('--no-namespace-watch', 'do not read Namespace labels (label selectors and kubeharden.io/<mode> labels then never apply)')
    .option('--webhook-namespace <ns>', 'the namespace the webhook runs in, always exempt (default: $POD_NAMESPACE or the ServiceAccount namespace)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--shutdown-delay <duration>', 'on SIGTERM, report not-ready this long before closing (lets endpoints update)', '0s')
    .option('--shutdown-timeout <duration>', 'on SIGTERM, wait this long for in-flight requests', '25s')
    .option('--request-timeout <duration>', 'time allowed to receive a request', '10s')
    .option('--body-limit <bytes>', 'largest request body (413 above)', String(3 * 1024 * 1024))
    .option('--max-connections <n>', 'connections beyond this are refused', '10000')
    .option('--cert-check-interval <duration>', 'how often to check the certificate and policy files for changes (certificates also on file events)', '10s')
    .action(async (flags: ServeFlags) => {
      process.exitCode = await serve(flags);
    });

  webhook
    .command('install')
    .description('print the manifests that run the webhook (hardened: kubeharden scan finds nothing at medium or above)')
    .option('-n, --namespace <ns>', 'namespace for the webhook', DEFAULT_NAMESPACE)
    .option('--image <image>', 'webhook image', `ghcr.io/kubeharden/kubeharden:v${VERSION}`)
    .option('--replicas <n>', 'replicas (with a PodDisruptionBudget and anti-affinity)', '3')
    .addOption(new Option('--mode <mode>', 'mode of the default policy; enforce also makes the webhook fail closed').choices([...MODES]).default('enforce'))
    .addOption(new Option('--failure-policy <policy>', 'override the failurePolicy of the namespaced webhook').choices(['Fail', 'Ignore']))
    .option('--mutate', 'also register /mutate for namespaces labelled kubeharden.io/mutate=true')
    .option('--cert-manager', 'issue and rotate the serving certificate with cert-manager (CA injected into caBundle)')
    .option('--tls-secret <name>', 'use an existing kubernetes.io/tls Secret (with --ca-bundle)')
    .option('--ca-bundle <file>', 'the CA that signed --tls-secret (PEM)')
    .option('--policy <file>', 'admission policy to ship in the ConfigMap (default: the built-in policy in --mode)')
    .option('--timeout <seconds>', 'webhook timeoutSeconds', '3')
    .option('--resource <group/version/resource>', 'also review this resource (custom resources with pod templates; repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .addOption(new Option('-o, --output <format>', 'yaml (a multi-document stream) or json (a v1 List)').choices(['yaml', 'json']).default('yaml'))
    .option('--output-file <file>', 'write to a file instead of stdout (its folder must exist)')
    .action(async (flags: InstallFlags) => {
      process.exitCode = await install(flags);
    });

  webhook
    .command('review')
    .description('evaluate an AdmissionReview offline (a file or - for stdin) and print the response; exit 1 when denied')
    .argument('<file>', 'AdmissionReview JSON')
    .option('--policy <file>', 'admission policy (default: the built-in policy)')
    .option('--mutate', 'run /mutate instead of /validate')
    .option('--namespace-label <ns/key=value>', 'a label of a namespace (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--webhook-namespace <ns>', 'the namespace the webhook runs in (exempt)')
    .action(async (file: string, flags: ReviewFlags) => {
      process.exitCode = await reviewFile(file, flags);
    });

  webhook
    .command('policy')
    .description('print the built-in admission policy (a starting point for --policy), or validate a policy file')
    .option('--check <file>', 'validate this policy file instead')
    .action((flags: { check?: string }) => {
      if (flags.check) {
        const p = readPolicy(flags.check, undefined);
        process.stdout.write(`${flags.check}: valid (${p.profiles.size} profile(s), ${p.rules.length} rule(s))\n`);
        return;
      }
      compilePolicy(DEFAULT_POLICY);
      process.stdout.write(stringify(DEFAULT_POLICY, { lineWidth: 0 }));
    });
}
