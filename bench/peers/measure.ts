/**
 * Whole-process measurement: wall time (from spawn to exit, measured here) and peak RSS (GNU
 * time's %M: the largest resident set of any process of the tree, in KiB). Standard output goes
 * to a file, as a user's `-o json > report.json` would. A run over its time limit is killed
 * (the whole process group) and recorded as a timeout.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Command {
  cmd: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that mean "ran fine" (scanners exit non-zero when they find something). */
  okCodes: number[];
}

export interface RunResult {
  wallMs: number;
  rssKiB: number;
  /** User + system CPU time of the process tree, ms. */
  cpuMs: number;
  code: number;
  timedOut: boolean;
  stdoutFile: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

export function haveGnuTime(): boolean {
  return existsSync(TIME);
}

export function runOnce(c: Command, stdoutFile: string, timeoutMs: number): Promise<RunResult> {
  const timeFile = `${stdoutFile}.time`;
  rmSync(timeFile, { force: true });
  const out = openSync(stdoutFile, 'w');
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%e %M %U %S', '-o', timeFile, c.cmd, ...c.args], {
      cwd: c.cwd,
      env: c.env ?? process.env,
      stdio: ['ignore', out, 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      closeSync(out);
      reject(e);
    });
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      closeSync(out);
      let rssKiB = 0;
      let cpuMs = 0;
      if (existsSync(timeFile)) {
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const last = lines[lines.length - 1] ?? '';
        const m = /([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (m) {
          rssKiB = Number(m[2]);
          cpuMs = (Number(m[3]) + Number(m[4])) * 1000;
        }
        rmSync(timeFile, { force: true });
      }
      resolvePromise({ wallMs, rssKiB, cpuMs, code: code ?? -1, timedOut, stdoutFile, stderr });
    });
  });
}

export interface Stats {
  n: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median absolute deviation of wall time, ms. */
  madMs: number;
  rssKiB: number;
  /** Median CPU time (user + system), ms: less sensitive than wall time to a busy machine. */
  cpuMs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function stats(runs: RunResult[]): Stats {
  const w = runs.map((r) => r.wallMs);
  const med = median(w);
  return {
    n: runs.length,
    medianMs: med,
    minMs: Math.min(...w),
    maxMs: Math.max(...w),
    madMs: median(w.map((x) => Math.abs(x - med))),
    rssKiB: median(runs.map((r) => r.rssKiB)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
  };
}

export function outFile(dir: string, tool: string, input: string, i: number): string {
  return join(dir, `${tool}.${input.replace(/[^\w.-]+/g, '_')}.${i}.out`);
}
