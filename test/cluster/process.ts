// Child processes of a test cluster, and the guarantees around them:
// - only processes started here are ever signalled, by pid, and only while node has
//   not yet reaped them (so the pid cannot belong to anyone else);
// - they are killed and their temp dirs removed on stop(), on process exit, on
//   SIGINT/SIGTERM/SIGHUP, and by a detached watchdog (reaper.mjs) if this process
//   dies without running any handler (SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<string>;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Spawns `bin` with output to `logFile`; records its pid in `<dir>/pids` for the reaper. */
export function spawnManaged(dir: string, name: string, bin: string, args: string[], logFile: string): Managed {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd], cwd: dir, env: { ...process.env, KUBECONFIG: '' } });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`failed to start ${name} (${bin})`);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    child.once('error', (e) => resolve(`spawn error: ${e.message}`));
  });
  // A test file that forgets stop() must still be able to exit; the exit handler then kills it.
  child.unref();
  appendFileSync(`${dir}/pids`, `${child.pid}\n`);
  return { name, child, pid: child.pid, logFile, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopManaged(m: Managed, graceMs = 10_000): Promise<void> {
  if (!running(m.child)) return;
  m.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const r = await Promise.race([m.exited, timedOut]);
  clearTimeout(timer);
  if (r === 'timeout' && running(m.child)) {
    m.child.kill('SIGKILL');
    await m.exited;
  }
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Everything one cluster must undo: its processes and its temp dir. */
export interface Resources {
  dir: string;
  procs: Managed[];
  reaper?: ChildProcess;
  keepDir: boolean;
}

const live = new Set<Resources>();
let handlersInstalled = false;

/** Synchronous last-resort cleanup; used by the exit and signal handlers. */
function killNow(r: Resources): void {
  for (const m of r.procs) {
    if (running(m.child)) m.child.kill('SIGKILL');
  }
  if (r.reaper && running(r.reaper)) r.reaper.kill('SIGKILL');
  if (!r.keepDir) rmSync(r.dir, { recursive: true, force: true });
  live.delete(r);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const r of [...live]) killNow(r);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const r of [...live]) killNow(r);
      process.removeListener(sig, onSignal);
      // Keep the default behaviour (terminate with the signal) unless someone else,
      // e.g. the test runner, handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export function track(r: Resources): void {
  installHandlers();
  live.add(r);
  const reaperPath = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
  const reaper = spawn(process.execPath, [reaperPath, String(process.pid), r.dir], { detached: true, stdio: 'ignore' });
  reaper.unref();
  r.reaper = reaper;
}

/** Orderly teardown: processes in reverse start order (dependants first), then the dir. */
export async function release(r: Resources): Promise<void> {
  for (const m of [...r.procs].reverse()) await stopManaged(m);
  if (r.reaper && running(r.reaper)) r.reaper.kill('SIGKILL');
  if (!r.keepDir) rmSync(r.dir, { recursive: true, force: true });
  live.delete(r);
}
