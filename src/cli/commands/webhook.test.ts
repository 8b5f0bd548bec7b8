import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { admissionReview, unhardenedDeployment } from '../../admission/testing.js';
import { parseDuration, parseListen } from './webhook.js';
import { cliBatch } from '../../../test/cli/helpers.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kh-webhook-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));


const batch = cliBatch;

test('--listen and durations', () => {
  assert.deepEqual(parseListen('0.0.0.0:8443'), { host: '0.0.0.0', port: 8443 });
  assert.deepEqual(parseListen(':9443'), { host: '0.0.0.0', port: 9443 });
  assert.deepEqual(parseListen('[::1]:8443'), { host: '::1', port: 8443 });
  assert.deepEqual(parseListen('8443'), { host: '0.0.0.0', port: 8443 });
  assert.throws(() => parseListen('localhost'), /--listen: expected ADDR:PORT/);
  assert.throws(() => parseListen('a:99999'), /--listen/);
  assert.equal(parseDuration('500ms', '--x'), 500);
  assert.equal(parseDuration('5s', '--x'), 5000);
  assert.equal(parseDuration('2m', '--x'), 120_000);
  assert.equal(parseDuration('3', '--x'), 3000);
  assert.throws(() => parseDuration('soon', '--shutdown-delay'), /--shutdown-delay: expected a duration/);
});

test('webhook install, review, policy and usage errors through the CLI', () => {
  const review = join(dir, 'review.json');
  writeFileSync(review, JSON.stringify(admissionReview(unhardenedDeployment('web', 'demo'))));
  const warnPolicy = join(dir, 'warn.yaml');
  writeFileSync(warnPolicy, 'profiles:\n  p: { pss: restricted }\nrules:\n  - warn: p\n');
  const badPolicy = join(dir, 'bad.yaml');
  writeFileSync(badPolicy, 'profiles:\n  p: {}\nrules:\n  - enforce: q\n');
  const installed = join(dir, 'install.yaml');
  const [install, scan, denied, warned, policy, check, bad, noTls, pairOnly] = batch(
    ['webhook', 'install', '--cert-manager', '--mutate', '--output-file', installed],
    ['scan', installed, '--pss', 'restricted', '--fail-on', 'medium', '-o', 'json'],
    ['webhook', 'review', review],
    ['webhook', 'review', review, '--policy', warnPolicy],
    ['webhook', 'policy'],
    ['webhook', 'policy', '--check', warnPolicy],
    ['webhook', 'serve', '--tls-self-signed', '--policy', badPolicy],
    ['webhook', 'serve'],
    ['webhook', 'install', '--tls-secret', 'mine'],
  );
  assert.equal(install.code, 0, install.stderr);
  assert.equal(scan.code, 0, scan.stdout);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /fails kubeharden policy/);
  assert.equal((JSON.parse(denied.stdout) as { response: { allowed: boolean } }).response.allowed, false);
  assert.equal(warned.code, 0);
  assert.ok((JSON.parse(warned.stdout) as { response: { warnings: string[] } }).response.warnings.length > 0);
  assert.equal(policy.code, 0);
  assert.ok(parseAllDocuments(policy.stdout)[0].toJS().profiles.default);
  assert.match(check.stdout, /valid \(1 profile\(s\), 1 rule\(s\)\)/);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /rules\.0\.enforce: unknown profile "q"/);
  assert.equal(noTls.code, 2);
  assert.match(noTls.stderr, /TLS is required/);
  assert.equal(pairOnly.code, 2);
  assert.match(pairOnly.stderr, /--tls-secret and --ca-bundle go together/);
});

test('webhook serve: reloads a changed policy file, refuses an invalid one, exits 0 on SIGTERM', async () => {
  const { spawn } = await import('node:child_process');
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const policyFile = join(dir, 'live-policy.yaml');
  const caFile = join(dir, 'live-ca.pem');
  const enforce = 'profiles:\n  p: { pss: restricted }\nrules:\n  - enforce: p\n';
  writeFileSync(policyFile, enforce);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'webhook', 'serve', '--listen', '127.0.0.1:0', '--tls-self-signed', '--ca-out', caFile, '--policy', policyFile, '--cert-check-interval', '100ms', '--no-namespace-watch'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const entry = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        logs.push(entry);
        if (entry.msg === 'ready') resolve(Number(entry.port));
      }
    });
    void exited.then((c) => reject(new Error(`exited ${c}`)));
  });
  const ca = readFileSync(caFile, 'utf8');
  const body = JSON.stringify(admissionReview(unhardenedDeployment('web', 'demo')));
  const allowed = () =>
    new Promise<boolean>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', ca, agent: false }, (res) => {
        let t = '';
        res.on('data', (d: Buffer) => (t += d.toString()));
        res.on('end', () => resolve((JSON.parse(t) as { response: { allowed: boolean } }).response.allowed));
      });
      req.on('error', reject);
      req.end(body);
    });
  const until = async (pred: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 300 && !(await pred()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  try {
    assert.equal(await allowed(), false);
    writeFileSync(policyFile, enforce.replace('enforce: p', 'warn: p'));
    await until(async () => await allowed());
    assert.equal(await allowed(), true);
    writeFileSync(policyFile, 'profiles: {}\n');
    // The stat poll may catch the file truncated but not yet written (an empty policy, also refused):
    // what matters is that the final content is refused with its reason.
    const refusal = () => logs.filter((l) => l.msg === 'policy file changed but is invalid; keeping the running policy');
    await until(() => refusal().some((l) => /define at least one profile/.test(String(l.err))));
    assert.match(String(refusal().at(-1)?.err), /define at least one profile/);
    assert.equal(await allowed(), true);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  assert.ok(logs.some((l) => l.msg === 'webhook stopped'));
});
