// kubeharden's signature verdicts against cosign's, on a real registry (distribution v3) with
// images pushed by crane and signed by cosign v2 with keys generated here: classic `.sig`
// signatures and Sigstore bundles (OCI referrers), signed with the trusted key, with another
// key, not at all, a tag moved after signing, a signature copied to another image, a payload
// altered after signing. kubeharden must say "verified" exactly when `cosign verify --key` does,
// for every image and key. Then: token authentication (Bearer challenge, pull secret), the disk
// cache filled by `images prefetch` answering while the registry is down, and the CLI's exit
// codes. The tools are built by scripts/infra (npm run test:e2e); a missing one FAILS this file.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImageGate } from '../../src/images/gate.js';
import type { SignatureFormat } from '../../src/images/policy.js';
import { cliBatch } from '../cli/helpers.js';
import { pushImage, tamperSignaturePayload } from '../images/images.js';
import { startRegistry, type TestRegistry } from '../images/registry.js';
import { startTokenServer, type TokenServer } from '../images/token-server.js';
import { must, run } from '../images/tools.js';

let dir: string;
let reg: TestRegistry;
let env: Record<string, string>;
const keys = { a: '', b: '' };
/** image reference → what it is, for messages. */
const cases = new Map<string, string>();

function cosignEnv(extra: Record<string, string> = {}): Record<string, string> {
  // A TUF root of its own (cosign tries TUF and goes on without it) and no ambient credentials.
  return { COSIGN_PASSWORD: 'test-password', TUF_ROOT: join(dir, 'tuf'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir, ...extra };
}

async function sign(ref: string, key: 'a' | 'b', bundle = false, extraEnv: Record<string, string> = env): Promise<void> {
  await must('cosign', ['sign', '--key', `${keys[key]}.key`, '--tlog-upload=false', '--yes', ...(bundle ? ['--new-bundle-format'] : []), ref], extraEnv);
}

type Mode = 'any' | SignatureFormat;
const FORMATS: Record<Mode, SignatureFormat[]> = { any: ['cosign', 'bundle'], cosign: ['cosign'], bundle: ['bundle'] };

/**
 * cosign's verdict: exit 0 or not. cosign looks for bundles first and, when an image has any,
 * verifies those only (`any`, kubeharden's default); `--new-bundle-format` verifies bundles only.
 * Bundles need a trusted root: an empty one (keys only, no logs, no TUF).
 */
async function cosignVerifies(ref: string, key: 'a' | 'b', mode: Mode, extraEnv: Record<string, string> = env): Promise<boolean> {
  const root = ['--trusted-root', join(dir, 'empty-trusted-root.json')];
  const args = ['verify', '--key', `${keys[key]}.pub`, '--insecure-ignore-tlog=true', ...(mode === 'bundle' ? ['--new-bundle-format', ...root] : mode === 'any' ? root : []), ref];
  return (await run('cosign', args, extraEnv)).code === 0;
}

async function kubehardenVerdict(ref: string, key: 'a' | 'b', mode: Mode, host = reg.host, pullSecrets: string[] = []) {
  const gate = new ImageGate({ signatures: [{ name: key, images: ['**'], keys: [`${keys[key]}.pub`], formats: FORMATS[mode] }], registry: { insecure: [host], timeout: '10s', pullSecrets } });
  await gate.prepare([ref]);
  return gate.signature(ref);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kh-cosign-e2e-'));
  env = cosignEnv();
  await writeFile(join(dir, 'empty-trusted-root.json'), JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }));
  for (const k of ['a', 'b'] as const) {
    keys[k] = join(dir, k);
    await must('cosign', ['generate-key-pair', '--output-key-prefix', keys[k]], env);
  }
  reg = await startRegistry();
  const r = (repo: string) => `${reg.host}/acme/${repo}`;
  const at = (repo: string, digest: string) => `${r(repo)}@${digest}`;

  const signedA = at('signed-a', await pushImage(`${r('signed-a')}:v1`));
  await sign(signedA, 'a');
  cases.set(signedA, 'signed with a');
  cases.set(`${r('signed-a')}:v1`, 'signed with a, by tag');
  cases.set(at('unsigned', await pushImage(`${r('unsigned')}:v1`)), 'not signed');
  const signedB = at('signed-b', await pushImage(`${r('signed-b')}:v1`));
  await sign(signedB, 'b');
  cases.set(signedB, 'signed with b');
  // The tag was signed, then re-pushed with other content: the tag now names an unsigned digest.
  await sign(at('moved', await pushImage(`${r('moved')}:v1`)), 'a');
  await pushImage(`${r('moved')}:v1`);
  cases.set(`${r('moved')}:v1`, 'tag moved after signing');
  // A valid signature of signed-a copied onto another image's signature tag.
  const copiedDigest = await pushImage(`${r('copied')}:v1`);
  await must('crane', ['cp', '--insecure', `${r('signed-a')}:${signedA.split('@')[1].replace(':', '-')}.sig`, `${r('copied')}:${copiedDigest.replace(':', '-')}.sig`]);
  cases.set(at('copied', copiedDigest), 'signature copied from another image');
  // Signed with a, then the payload rewritten (the signature annotation kept).
  const tamperedDigest = await pushImage(`${r('tampered')}:v1`);
  await sign(at('tampered', tamperedDigest), 'a');
  await tamperSignaturePayload(reg.host, 'acme/tampered', tamperedDigest, (p) => p.replace('"docker-reference":"', '"docker-reference":"evil.example/'));
  cases.set(at('tampered', tamperedDigest), 'payload altered after signing');
  const bundleA = at('bundle-a', await pushImage(`${r('bundle-a')}:v1`));
  await sign(bundleA, 'a', true);
  cases.set(bundleA, 'Sigstore bundle with a');
  const bundleB = at('bundle-b', await pushImage(`${r('bundle-b')}:v1`));
  await sign(bundleB, 'b', true);
  cases.set(bundleB, 'Sigstore bundle with b');
  const both = at('both', await pushImage(`${r('both')}:v1`));
  await sign(both, 'b');
  await sign(both, 'a', true);
  cases.set(both, 'classic with b, bundle with a');
});

after(async () => {
  await reg?.close();
});

describe('kubeharden verifies exactly as cosign verify --key does', () => {
  for (const mode of ['any', 'bundle', 'cosign'] as const) {
    for (const key of ['a', 'b'] as const) {
      test(`${mode === 'any' ? 'either format (the default)' : `${mode} signatures only`}, trusting key ${key}`, async () => {
        const disagreements: string[] = [];
        for (const [ref, what] of cases) {
          // cosign cannot be told to ignore attached bundles: classic-only is compared where there are none.
          if (mode === 'cosign' && /bundle/i.test(what)) continue;
          const oracle = await cosignVerifies(ref, key, mode);
          const s = await kubehardenVerdict(ref, key, mode);
          const ours = s?.kind === 'checked' && s.verdict.result === 'verified';
          if (s?.kind !== 'checked') disagreements.push(`${what}: kubeharden could not check (${s?.kind === 'unverifiable' ? s.reason : 'no rule'})`);
          else if (ours !== oracle) disagreements.push(`${what} (${ref}): cosign ${oracle ? 'verified' : 'refused'}, kubeharden ${s.verdict.result}: ${s.verdict.detail ?? ''}`);
        }
        assert.deepEqual(disagreements, []);
      });
    }
  }

  test('and says why: unsigned, wrong key, copied signature, moved tag', async () => {
    const reason = async (what: string, mode: Mode = 'any') => {
      const ref = [...cases].find(([, w]) => w === what)?.[0] as string;
      const s = await kubehardenVerdict(ref, 'a', mode);
      return s?.kind === 'checked' ? s.verdict.result : s?.kind;
    };
    assert.equal(await reason('not signed'), 'unsigned');
    assert.equal(await reason('signed with b'), 'wrong-key');
    assert.equal(await reason('payload altered after signing'), 'wrong-key');
    assert.equal(await reason('signature copied from another image'), 'digest-mismatch');
    assert.equal(await reason('tag moved after signing'), 'unsigned');
    assert.equal(await reason('Sigstore bundle with b'), 'wrong-key');
    assert.equal(await reason('classic with b, bundle with a', 'cosign'), 'wrong-key', 'classic only: the b signature');
  });
});

describe('the CLI', () => {
  test('images verify exits 0 verified, 1 not verified, 2 when it cannot check', async () => {
    const signed = [...cases].find(([, w]) => w === 'signed with a')?.[0] as string;
    const unsigned = [...cases].find(([, w]) => w === 'not signed')?.[0] as string;
    const [ok, no, json] = cliBatch(
      ['images', 'verify', '--key', `${keys.a}.pub`, '--insecure-registry', reg.host, signed],
      ['images', 'verify', '--key', `${keys.a}.pub`, '--insecure-registry', reg.host, signed, unsigned],
      ['images', 'verify', '--key', `${keys.a}.pub`, '--insecure-registry', reg.host, '-o', 'json', unsigned],
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^verified {2}.*cosign signature by a\.pub/);
    assert.equal(no.code, 1);
    assert.match(no.stdout, /NOT VERIFIED {2}\S+acme\/unsigned@sha256:\w+: unsigned: no signature is attached to this digest/);
    assert.deepEqual((JSON.parse(json.stdout) as { images: Array<{ result: string }> }).images.map((i) => i.result), ['unsigned']);
  });

  test('prefetch fills the disk cache; with the registry down, verification answers from it, and a cold image cannot be checked', async () => {
    const signed = [...cases].find(([, w]) => w === 'signed with a, by tag')?.[0] as string;
    const manifest = join(dir, 'app.yaml');
    await writeFile(manifest, `apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n    - name: app\n      image: ${signed}\n`);
    const cache = join(dir, 'image-cache');
    const [pre] = cliBatch(['images', 'prefetch', manifest, '--key', `${reg.host}/**=${keys.a}.pub`, '--insecure-registry', reg.host, '--cache-dir', cache]);
    assert.equal(pre.code, 0, pre.stderr);
    assert.match(pre.stdout, /verified +\S+signed-a:v1 → sha256:/);
    await reg.stop();
    try {
      const unsigned = [...cases].find(([, w]) => w === 'not signed')?.[0] as string;
      const [warm, cold] = cliBatch(
        ['images', 'verify', '--key', `${keys.a}.pub`, '--insecure-registry', reg.host, '--cache-dir', cache, '--timeout', '1s', signed],
        ['images', 'verify', '--key', `${keys.a}.pub`, '--insecure-registry', reg.host, '--cache-dir', cache, '--timeout', '1s', unsigned],
      );
      assert.equal(warm.code, 0, `${warm.stdout}${warm.stderr}`);
      assert.equal(cold.code, 2, cold.stdout);
      assert.match(cold.stdout, /unverifiable: signatures could not be fetched: 127\.0\.0\.1:\d+: unreachable \(ECONNREFUSED\)/);
    } finally {
      await reg.start();
    }
  });
});

describe('token authentication (Bearer challenge) and pull secrets', () => {
  let tokens: TokenServer;
  let authReg: TestRegistry;
  let authEnv: Record<string, string>;
  let secretFile: string;
  let signed: string;

  before(async () => {
    tokens = await startTokenServer(dir);
    authReg = await startRegistry({ auth: tokens });
    const dockerConfig = JSON.stringify({ auths: { [authReg.host]: { auth: Buffer.from(`${tokens.username}:${tokens.password}`).toString('base64') } } });
    const configDir = await mkdtemp(join(dir, 'docker-auth-'));
    await writeFile(join(configDir, 'config.json'), dockerConfig);
    authEnv = cosignEnv({ DOCKER_CONFIG: configDir });
    secretFile = join(dir, 'pull-secret.json');
    await writeFile(secretFile, dockerConfig);
    signed = `${authReg.host}/private/app@${await pushImage(`${authReg.host}/private/app:v1`, authEnv)}`;
    await sign(signed, 'a', false, authEnv);
  });

  after(async () => {
    await authReg?.close();
    await tokens?.close();
  });

  test('with the pull secret both verify; without it neither can, and kubeharden says access was refused', async () => {
    assert.equal(await cosignVerifies(signed, 'a', 'any', authEnv), true);
    const before = tokens.requests();
    const s = await kubehardenVerdict(signed, 'a', 'any', authReg.host, [secretFile]);
    assert.equal(s?.kind === 'checked' && s.verdict.result, 'verified');
    assert.ok(tokens.requests() - before <= 2, `a token per scope, reused: ${tokens.requests() - before} token requests`);
    assert.equal(await cosignVerifies(signed, 'a', 'any', env), false);
    const anon = await kubehardenVerdict(signed, 'a', 'any', authReg.host);
    assert.equal(anon?.kind, 'unverifiable');
    assert.match(anon?.kind === 'unverifiable' ? anon.reason : '', /the token service localhost:\d+ refused anonymous access/);
  });
});
