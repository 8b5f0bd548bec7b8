/**
 * charts/kubeharden rendered by a real helm (built from the Go module proxy by
 * scripts/infra/20-helm.sh): it lints, renders the same objects as `kubeharden webhook install`,
 * has no finding at medium or above when kubeharden scans it, and the real kube-apiserver accepts
 * every object (server-side dry-run).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { kubeharden, ROOT } from '../cli/helpers.js';
import { tool } from '../infra/tools.js';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';

const helm = tool('helm', 'Helm chart');
const KUBE_VERSION = '1.35.0';

function helmRun(args: string[]): string {
  const r = spawnSync(helm!, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/kubeharden-helm-cache', HELM_CONFIG_HOME: '/tmp/kubeharden-helm-config', HELM_DATA_HOME: '/tmp/kubeharden-helm-data' } });
  assert.equal(r.status, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const render = (...set: string[]) => helmRun(['template', 'kubeharden', 'charts/kubeharden', '--namespace', 'kubeharden-system', '--kube-version', KUBE_VERSION, ...set.flatMap((s) => ['--set', s])]);

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string } };
const objects = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);

/** Certificates differ per render: compare everything else. */
function withoutCerts(objs: Obj[]): unknown[] {
  const id = (o: Obj) => `${o.kind}/${o.metadata.name}`;
  return (JSON.parse(JSON.stringify(objs), (k, v) => (k === 'caBundle' || k === 'tls.crt' || k === 'tls.key' || k === 'ca.crt' ? '<cert>' : v)) as Obj[])
    // helm orders objects by kind; `webhook install` in the order they are applied.
    .sort((a, b) => id(a).localeCompare(id(b)));
}

describe('Helm chart', { skip: !helm }, () => {
  it('lints', () => {
    helmRun(['lint', 'charts/kubeharden', '--kube-version', KUBE_VERSION]);
  });

  it('renders exactly the objects of `kubeharden webhook install` (one source), with and without mutate', () => {
    for (const [set, flags] of [[[], []], [['webhook.mutate=true'], ['--mutate']]] as Array<[string[], string[]]>) {
      const chart = objects(render(...set));
      const cli = kubeharden(['webhook', 'install', '--namespace', 'kubeharden-system', ...flags]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual(withoutCerts(chart), withoutCerts(objects(cli.stdout)));
    }
  });

  it('has no finding at medium or above when kubeharden scans it', () => {
    for (const set of [[], ['webhook.mutate=true', 'image.digest=sha256:' + 'a'.repeat(64)]]) {
      const r = kubeharden(['scan', '-', '--fail-on', 'medium'], { input: render(...set) });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /objects scanned/);
    }
  });
});

const avail = controlPlaneAvailable();

describe('Helm chart on the real kube-apiserver', { skip: !helm }, () => {
  let c: Cluster | undefined;
  before(async () => {
    if (avail.ok) c = await startCluster({ controllerManager: false });
  });
  after(async () => {
    await c?.stop();
  });

  it('every rendered object is accepted by a server-side dry-run', async () => {
    if (!c) assert.fail(`NOT RUN: control plane not built (${avail.reason}): bash scripts/build-control-plane.sh`);
    await c.kubectl(['create', 'namespace', 'kubeharden-system']);
    const rendered = render('webhook.mutate=true');
    const r = await c.apply(rendered, { dryRunServer: true });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, objects(rendered).length, r.stdout);
    assert.ok(lines.every((l) => l.endsWith('(server dry run)')), r.stdout);
  });
});
