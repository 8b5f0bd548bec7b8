/**
 * The container image. No Docker engine exists here and the base images' registry is not
 * reachable, so the Dockerfile is checked by hadolint and for its promises (bases pinned by
 * digest, numeric non-root user, exec-form entrypoint: no shell), and the same runtime image is
 * assembled daemonlessly with crane (go-containerregistry) from the Node.js binary and its
 * libraries plus the built dist/: pushed to a crane registry on loopback, given the Dockerfile's
 * USER/WORKDIR/ENTRYPOINT, pulled back, and run from a read-only root filesystem as 65532 in a
 * chroot — no shell in the image — with the same results as the CLI outside it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kubeharden, ROOT } from '../cli/helpers.js';
import { tool } from '../infra/tools.js';

const hadolint = tool('hadolint', 'Dockerfile lint');
const crane = tool('crane', 'image assembly');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function instruction(name: string): string[] {
  return [...DOCKERFILE.matchAll(new RegExp(`^${name}\\s+(.+)$`, 'gm'))].map((m) => m[1].trim());
}

describe('Dockerfile', { skip: !hadolint }, () => {
  it('passes hadolint with no finding', () => {
    const r = spawnSync(hadolint!, ['--no-color', 'Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('pins its bases by digest, runs as a numeric non-root user, needs no shell', () => {
    const args = Object.fromEntries(instruction('ARG').map((a) => a.split('=') as [string, string]));
    for (const from of instruction('FROM')) {
      const image = from.split(/\s+/)[0].replace(/^\$\{(\w+)\}$/, (_m, n: string) => args[n]);
      assert.match(image, /@sha256:[0-9a-f]{64}$/, `FROM ${from}`);
    }
    const user = instruction('USER').at(-1)!;
    assert.match(user, /^[1-9]\d*:[1-9]\d*$/);
    assert.match(instruction('ENTRYPOINT').at(-1)!, /^\[".*"\]$/, 'exec form: no /bin/sh -c');
    assert.doesNotMatch(DOCKERFILE.split(/^FROM /m).at(-1)!, /^RUN /m, 'the runtime stage runs nothing at build time (it has no shell)');
  });
});

describe('the image, assembled with crane and run read-only as 65532', { skip: !crane || process.getuid?.() !== 0 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kubeharden-image-'));
  let registry: ChildProcess | undefined;
  let ref = '';

  before(async () => {
    registry = spawn(crane!, ['registry', 'serve', '--address', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<string>((resolve, reject) => {
      let log = '';
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /serving on port (\d+)/.exec(log);
        if (m) resolve(m[1]);
      };
      registry!.stdout!.on('data', onData);
      registry!.stderr!.on('data', onData);
      registry!.once('exit', (code) => reject(new Error(`crane registry exited ${code}: ${log}`)));
      setTimeout(() => reject(new Error(`crane registry did not start: ${log}`)), 15_000).unref();
    });
    ref = `127.0.0.1:${port}/kubeharden`;
  });
  after(() => {
    if (registry?.pid && registry.exitCode === null) registry.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  });

  function run(cmd: string, args: string[], opts: { input?: string } = {}): string {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  it('is assembled from node, its libraries and dist/, with the Dockerfile\'s user, workdir and entrypoint', () => {
    const rootfs = join(work, 'rootfs');
    const copy = (from: string, to: string) => {
      mkdirSync(dirname(join(rootfs, to)), { recursive: true });
      cpSync(from, join(rootfs, to), { recursive: true, dereference: true });
    };
    // The runtime layout of the distroless Node.js image: /nodejs/bin/node and glibc.
    copy(process.execPath, '/nodejs/bin/node');
    for (const m of run('ldd', [process.execPath]).matchAll(/(\/\S+\.so[.\d]*)/g)) copy(m[1], m[1]);
    if (existsSync('/etc/ssl/certs/ca-certificates.crt')) copy('/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/certs/ca-certificates.crt');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
    // What the Dockerfile's runtime stage copies.
    copy(join(ROOT, 'package.json'), '/app/package.json');
    copy(join(ROOT, 'dist'), '/app/dist');
    mkdirSync(join(rootfs, 'work'), { recursive: true });
    const layer = join(work, 'layer.tar');
    run('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', rootfs, '-cf', layer, '.']);
    run(crane!, ['append', '--insecure', '--oci-empty-base', '-f', layer, '-t', `${ref}:base`]);
    const entrypoint = JSON.parse(instruction('ENTRYPOINT').at(-1)!) as string[];
    const cmd = JSON.parse(instruction('CMD').at(-1)!) as string[];
    run(crane!, ['mutate', '--insecure', `${ref}:base`, '--user', instruction('USER').at(-1)!, '--workdir', instruction('WORKDIR').at(-1)!, '--entrypoint', entrypoint.join(','), '--cmd', cmd.join(','), '-l', 'org.opencontainers.image.title=kubeharden', '-t', `${ref}:test`]);
    const config = JSON.parse(run(crane!, ['config', '--insecure', `${ref}:test`])) as { config: { User: string; WorkingDir: string; Entrypoint: string[] } };
    assert.equal(config.config.User, '65532:65532');
    assert.equal(config.config.WorkingDir, '/work');
    assert.deepEqual(config.config.Entrypoint, entrypoint);
  });

  it('has no shell, and scans from a read-only root as 65532 with the same findings as the CLI outside', () => {
    const fs = join(work, 'pulled');
    mkdirSync(fs);
    const tar = join(work, 'image.tar');
    run(crane!, ['export', '--insecure', `${ref}:test`, tar]);
    run('tar', ['-xf', tar, '-C', fs]);
    for (const sh of ['bin/sh', 'bin/bash', 'usr/bin/sh', 'bin/busybox']) assert.ok(!existsSync(join(fs, sh)), `${sh} in the image`);
    const config = JSON.parse(run(crane!, ['config', '--insecure', `${ref}:test`])) as { config: { User: string; Entrypoint: string[] } };
    // The container runtime's job, done by hand: a private mount namespace, the image root
    // bind-mounted read-only, the manifests mounted at /work, then chroot as the image's user.
    const inside = (args: string[]) =>
      spawnSync(
        'unshare',
        ['-m', '--', 'sh', '-ec', `mount --bind "$1" "$1"; mount --bind "$2" "$1/work"; mount -o remount,bind,ro "$1/work"; mount -o remount,bind,ro "$1"; shift 2; exec chroot --userspec="$0" "$@"`, config.config.User, fs, join(ROOT, 'examples'), fs, ...config.config.Entrypoint, ...args],
        { encoding: 'utf8' },
      );
    const probe = spawnSync('unshare', ['-m', 'true']);
    if (probe.status !== 0) assert.fail(`cannot make a mount namespace here (unshare -m): ${probe.stderr}`);
    const r = inside(['scan', '/work/insecure', '-o', 'json', '--fail-on', 'none']);
    assert.equal(r.status, 0, r.stderr);
    const outside = kubeharden(['scan', 'insecure', '-o', 'json', '--fail-on', 'none'], { cwd: join(ROOT, 'examples') });
    const strip = (s: string) => (JSON.parse(s) as { findings: Array<{ check: string; line: number }> }).findings.map((f) => `${f.check}@${f.line}`);
    assert.deepEqual(strip(r.stdout), strip(outside.stdout));
    // Writing anywhere fails: the root is read-only (and the user is not root).
    const w = inside(['scan', '/work/insecure', '--output-file', '/app/report.json']);
    assert.equal(w.status, 2, w.stdout);
    assert.match(w.stderr, /EROFS|read-only|EACCES/);
    // The webhook's code loads in the image (its policy, with the webhook-only dependencies).
    const p = inside(['webhook', 'policy']);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /profiles:/);
  });
});
