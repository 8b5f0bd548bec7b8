// PSS parity with the real kube-apiserver: server-side dry-run creates of PSA oracle fixtures
// (../shared/oracles/psa) in namespaces labelled pod-security.kubernetes.io/enforce=<level> and
// enforce-version=v1.<minor>; kubeharden's verdict must equal the apiserver's for every one, and
// its kubectl-style message must equal the apiserver's PodSecurity message.
// Sample: every fixture of the policy versions in SAMPLE_MINORS (the versions where checks change,
// plus neighbours), only versions up to the apiserver's own minor (newer ones it evaluates as
// its latest). KUBEHARDEN_PSS_E2E_ALL=1 takes every version up to the apiserver's minor.
// Like the other e2e tests this FAILS (never skips) when the control plane is not built; it prints
// NOT RUN and fails under CI when ../shared is absent.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { controlPlaneAvailable, startCluster, type Cluster } from '../cluster/index.js';
import { kubernetesVersion } from '../cluster/paths.js';
import { evaluatePod, formatPssMessage, parsePssVersion, type PssVersionSpec } from '../../src/pss/index.js';

const SAMPLE_MINORS = [0, 8, 18, 19, 22, 23, 25, 27, 29, 31, 32, 34, 35];

const repoRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const shared = process.env.KUBEHARDEN_SHARED ? resolve(process.env.KUBEHARDEN_SHARED) : resolve(repoRoot, '../shared');
const psaDir = join(shared, 'oracles', 'psa');

interface Case {
  file: string;
  level: 'baseline' | 'restricted';
  version: string;
  expectAllowed: boolean;
  check?: string;
}

interface Outcome {
  c: Case;
  ns: string;
  status: number;
  message: string;
  oursAllowed: boolean;
  oursMessage: string;
}

const avail = controlPlaneAvailable();
const haveShared = existsSync(join(psaDir, 'index.json'));

if (!avail.ok) {
  test('PSS parity: test control plane is built', () => {
    console.error(`\n!!! NOT RUN: ${avail.reason}\n!!! control plane not built, run scripts/build-control-plane.sh\n`);
    assert.fail(`NOT RUN: ${avail.reason}`);
  });
} else if (!haveShared) {
  const msg = `NOT RUN: ../shared not present (looked for ${psaDir}; set KUBEHARDEN_SHARED)`;
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  test('PSS parity with the real kube-apiserver', () => {
    if (process.env.CI) assert.fail(msg);
  });
} else {
  const apiMinor = Number(/^v1\.(\d+)\./.exec(kubernetesVersion())?.[1]);
  const all = (JSON.parse(readFileSync(join(psaDir, 'index.json'), 'utf8')) as { cases: Case[] }).cases;
  const minorOf = (c: Case) => Number(c.version.slice(3));
  const wanted = process.env.KUBEHARDEN_PSS_E2E_ALL ? undefined : new Set(SAMPLE_MINORS);
  const sample = all.filter((c) => minorOf(c) <= apiMinor && (!wanted || wanted.has(minorOf(c))));
  const nsOf = (c: Case) => `pss-${c.level}-v1-${minorOf(c)}`;

  let cluster: Cluster;
  const outcomes: Outcome[] = [];

  before(async () => {
    cluster = await startCluster();
    const namespaces = [...new Set(sample.map((c) => `${c.level}:${c.version}`))];
    await pool(namespaces, 4, async (lv) => {
      const [level, version] = lv.split(':');
      await cluster.namespace(`pss-${level}-v1-${version.slice(3)}`, {
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': version,
      });
    });
    await pool(sample, 8, async (c, i) => {
      const pod = parse(readFileSync(join(psaDir, c.file), 'utf8')) as { metadata: Record<string, unknown>; spec: unknown };
      const name = `f${i}`;
      const body = { ...pod, metadata: { ...pod.metadata, name } };
      const ns = nsOf(c);
      const r = await cluster.api('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, { body });
      const version = parsePssVersion(c.version) as PssVersionSpec;
      const failures = evaluatePod(pod.metadata, pod.spec, c.level, version);
      const message = ((r.json as { message?: string } | undefined)?.message ?? r.body).trim();
      outcomes.push({ c, ns, status: r.status, message, oursAllowed: failures.length === 0, oursMessage: formatPssMessage(c.level, version, failures) });
    });
  });

  after(async () => {
    await cluster?.stop();
  });

  test(`PSS parity: ${sample.length} oracle fixtures dry-run on kube-apiserver ${kubernetesVersion()}`, () => {
    assert.ok(sample.length >= 300, `sample too small: ${sample.length}`);
    assert.equal(outcomes.length, sample.length);
    const invalid = outcomes.filter((o) => o.status === 422);
    const other = outcomes.filter((o) => o.status !== 201 && o.status !== 422 && !(o.status === 403 && o.message.includes('violates PodSecurity')));
    assert.deepEqual(other.map((o) => `${o.c.file}: HTTP ${o.status}: ${o.message}`), [], 'unexpected apiserver answers');
    // Pods the API server rejects before admission (README: failRequiresError) must be fail fixtures that kubeharden also denies.
    assert.deepEqual(invalid.filter((o) => o.c.expectAllowed || o.oursAllowed).map((o) => `${o.c.file}: ${o.message}`), []);
    if (invalid.length) console.log(`# ${invalid.length} fixtures fail API validation before admission (denied by both): ${[...new Set(invalid.map((o) => o.c.file.replace(/^.*\//, '')))].join(', ')}`);
    const evaluated = outcomes.filter((o) => o.status !== 422);
    const verdicts = evaluated.filter((o) => (o.status === 201) !== o.oursAllowed);
    assert.deepEqual(verdicts.map((o) => `${o.c.file} in ${o.ns}: apiserver ${o.status === 201 ? 'allowed' : `denied: ${o.message}`}; kubeharden ${o.oursAllowed ? 'allowed' : o.oursMessage}`), []);
    const messages = evaluated.filter((o) => o.status === 403 && !o.message.endsWith(o.oursMessage));
    assert.deepEqual(messages.map((o) => `${o.c.file}:\n  apiserver:  ${o.message}\n  kubeharden: ${o.oursMessage}`), []);
    console.log(`# ${evaluated.length} verdicts and ${evaluated.filter((o) => o.status === 403).length} denial messages identical (${outcomes.filter((o) => o.status === 201).length} allowed)`);
  });
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
