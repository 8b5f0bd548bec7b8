/**
 * Installs the pinned peers into the cache (see versions.ts): Go tools with `go install` (GOBIN,
 * GOMODCACHE and GOCACHE inside the cache), or with `go build` in a copy of their module's source
 * when its go.mod has replace directives (Kyverno); Checkov with pip into a virtualenv.
 * Idempotent: a peer whose binary answers its version command is not rebuilt. A peer that cannot
 * be installed is reported with the reason (the benchmark then lists it as unavailable instead of
 * failing).
 *
 *   node --import tsx bench/peers/install.ts            # install all, print a JSON status
 *   node --import tsx bench/peers/install.ts trivy      # only the named peers (PeerName)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, PEERS, peerBinary, peerDir, type PeerSpec } from './versions.js';

export interface InstallStatus {
  name: string;
  label: string;
  version: string;
  /** Version string the binary itself prints (empty when unavailable). */
  reported: string;
  binary: string;
  ok: boolean;
  reason?: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): { code: number; out: string } {
  const r = spawnSync('nice', ['-n', '10', cmd, ...args], { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The version the installed binary reports, or undefined if it does not run. */
export function reportedVersion(p: PeerSpec, bin = peerBinary(p)): string | undefined {
  if (!existsSync(bin)) return undefined;
  const args = p.name === 'kubeScore' || p.name === 'kubeLinter' || p.name === 'polaris' || p.name === 'kyverno' ? ['version'] : ['--version'];
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
}

/** First line that explains a failed install (e.g. the proxy's 403), for the report. */
function reasonOf(out: string): string {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /403|404|410|not available|no matching|ERROR|error:/i.test(l)) ?? lines[lines.length - 1] ?? 'unknown error';
  const server = lines.find((l) => /server response:/i.test(l));
  return (server && !hit.includes(server) ? `${hit} (${server})` : hit).slice(0, 300);
}

function installGo(p: PeerSpec & { via: 'go' }): { ok: boolean; reason?: string } {
  const root = cacheDir();
  const env = {
    ...process.env,
    GOBIN: join(peerDir(p), 'bin'),
    GOMODCACHE: join(root, 'gomod'),
    GOCACHE: join(root, 'gocache'),
    GOFLAGS: '-modcacherw',
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    ...p.env,
  };
  mkdirSync(env.GOBIN, { recursive: true });
  const ldflags = p.ldflags ? [`-ldflags=${p.ldflags}`] : [];
  if (!p.sourceModule) {
    const r = run('go', ['install', ...ldflags, `${p.pkg}@${p.version}`], env, root);
    writeFileSync(join(peerDir(p), 'install.log'), r.out);
    return r.code === 0 ? { ok: true } : { ok: false, reason: `go install ${p.pkg}@${p.version}: ${reasonOf(r.out)}` };
  }
  // go install refuses a module with replace directives: fetch its source from the proxy and build
  // it as its own main module, in a copy (Go will not build inside the module cache).
  const dl = run('go', ['mod', 'download', '-json', `${p.sourceModule}@${p.version}`], env, root);
  const dir = /"Dir":\s*"([^"]+)"/.exec(dl.out)?.[1];
  if (dl.code !== 0 || !dir) {
    writeFileSync(join(peerDir(p), 'install.log'), dl.out);
    return { ok: false, reason: `go mod download ${p.sourceModule}@${p.version}: ${reasonOf(dl.out)}` };
  }
  const src = join(peerDir(p), 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(dir, src, { recursive: true });
  const pkgDir = `.${p.pkg.slice(p.sourceModule.length)}`;
  const r = run('go', ['build', ...ldflags, '-o', join(env.GOBIN, p.binary), pkgDir], env, src);
  writeFileSync(join(peerDir(p), 'install.log'), `${dl.out}${r.out}`);
  if (r.code === 0) rmSync(src, { recursive: true, force: true });
  return r.code === 0 ? { ok: true } : { ok: false, reason: `go build ${p.pkg} (${p.sourceModule}@${p.version}): ${reasonOf(r.out)}` };
}

function installPip(p: PeerSpec & { via: 'pip' }): { ok: boolean; reason?: string } {
  const venv = join(peerDir(p), 'venv');
  mkdirSync(peerDir(p), { recursive: true });
  let log = '';
  if (!existsSync(join(venv, 'bin', 'python'))) {
    const v = run('python3', ['-m', 'venv', venv]);
    log += v.out;
    if (v.code !== 0) return { ok: false, reason: `python3 -m venv: ${reasonOf(v.out)}` };
  }
  const r = run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', `${p.pkg}==${p.version}`]);
  log += r.out;
  writeFileSync(join(peerDir(p), 'install.log'), log);
  return r.code === 0 ? { ok: true } : { ok: false, reason: `pip install ${p.pkg}==${p.version}: ${reasonOf(r.out)}` };
}

export function installPeer(p: PeerSpec, log: (s: string) => void = () => {}): InstallStatus {
  const base = { name: p.name, label: p.label, version: p.version, binary: peerBinary(p) };
  let reported = reportedVersion(p);
  if (reported !== undefined) return { ...base, reported, ok: true };
  log(`installing ${p.label} ${p.version} (${p.via}) ...`);
  const r = p.via === 'go' ? installGo(p) : installPip(p);
  if (!r.ok) return { ...base, reported: '', ok: false, reason: r.reason };
  reported = reportedVersion(p);
  if (reported === undefined) return { ...base, reported: '', ok: false, reason: `${peerBinary(p)} does not run after install` };
  return { ...base, reported, ok: true };
}

export function installAll(log: (s: string) => void = () => {}, only?: ReadonlySet<string>): InstallStatus[] {
  mkdirSync(cacheDir(), { recursive: true });
  const out = PEERS.filter((p) => !only || only.has(p.name)).map((p) => installPeer(p, log));
  if (!only) writeFileSync(join(cacheDir(), 'status.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

if (process.argv[1] && /install\.[jt]s$/.test(process.argv[1])) {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !PEERS.some((p) => p.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown peer ${unknown.join(', ')}; known: ${PEERS.map((p) => p.name).join(', ')}\n`);
    process.exit(2);
  }
  const status = installAll((s) => process.stderr.write(`${s}\n`), names.length ? new Set(names) : undefined);
  process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
}
