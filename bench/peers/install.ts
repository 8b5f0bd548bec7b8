/**
 * Installs the pinned peers into the cache (see versions.ts): Go tools with `go install` (GOBIN,
 * GOMODCACHE and GOCACHE inside the cache), Checkov with pip into a virtualenv. Idempotent: a
 * peer whose binary answers its version command is not rebuilt. A peer that cannot be installed
 * is reported with the reason (the benchmark then lists it as unavailable instead of failing).
 *
 *   node --import tsx bench/peers/install.ts        # install all, print a JSON status
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
  const args = p.name === 'kubeScore' || p.name === 'kubeLinter' || p.name === 'polaris' ? ['version'] : ['--version'];
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
  };
  mkdirSync(env.GOBIN, { recursive: true });
  const r = run('go', ['install', `${p.pkg}@${p.version}`], env, root);
  writeFileSync(join(peerDir(p), 'install.log'), r.out);
  return r.code === 0 ? { ok: true } : { ok: false, reason: `go install ${p.pkg}@${p.version}: ${reasonOf(r.out)}` };
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

export function installAll(log: (s: string) => void = () => {}): InstallStatus[] {
  mkdirSync(cacheDir(), { recursive: true });
  const out = PEERS.map((p) => installPeer(p, log));
  writeFileSync(join(cacheDir(), 'status.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

if (process.argv[1] && /install\.[jt]s$/.test(process.argv[1])) {
  const status = installAll((s) => process.stderr.write(`${s}\n`));
  process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
}
