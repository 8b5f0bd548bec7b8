// Watchdog for one test cluster, started detached by process.ts. If the test process
// dies without running its cleanup (SIGKILL, OOM, a crashed runner), this kills the
// control-plane processes it started and removes their temp dir.
//
//   node reaper.mjs <parent-pid> <data-dir>
//
// It only kills pids listed in <data-dir>/pids, and only if that pid's command line
// still mentions <data-dir> (so a reused pid is never touched). It exits on its own
// once the data dir is gone (normal stop).
import { existsSync, readFileSync, rmSync } from 'node:fs';

const [parentArg, dir] = process.argv.slice(2);
const parent = Number(parentArg);
if (!parent || !dir) process.exit(2);

function startTime(pid) {
  try {
    // Field 22 of /proc/<pid>/stat; split after the ")" closing the command name.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
  } catch {
    return undefined;
  }
}

const parentStart = startTime(parent);

function parentAlive() {
  const s = startTime(parent);
  return s !== undefined && s === parentStart;
}

function ours(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

function reap() {
  let pids = [];
  try {
    pids = readFileSync(`${dir}/pids`, 'utf8').split('\n').map(Number).filter((n) => n > 0);
  } catch {
    // no pids recorded yet
  }
  for (const pid of pids) {
    if (!ours(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Give the kernel a moment to release files before removing the dir.
  setTimeout(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 500);
}

const timer = setInterval(() => {
  if (!existsSync(dir)) process.exit(0);
  if (!parentAlive()) {
    clearInterval(timer);
    reap();
  }
}, 1000);
