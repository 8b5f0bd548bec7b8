/** Runs the shipped CLI, the esbuild bundle (npm test builds first; scripts/bundle.mjs), as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The bundle's entry, package.json `bin`. */
export const CLI = `${ROOT}dist/cli/main.js`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubeharden(args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string> } = {}): Run {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '',
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** One invocation of cliBatch: its arguments, and environment variables set for it alone. */
export type BatchInvocation = string[] | { args: string[]; env: Record<string, string> };

/**
 * Runs CLI invocations in order in one child process through `main()` from the sources (no
 * build needed), capturing each one's output and exit code. node:test reports on this process's
 * stdout, so the CLI cannot write to it here.
 */
export function cliBatch(...invocations: BatchInvocation[]): Run[] {
  const runs = invocations.map((i) => (Array.isArray(i) ? { args: i, env: {} } : i));
  const script = `
    const { main } = await import(${JSON.stringify(`${ROOT}src/cli/main.ts`)});
    const results = [];
    for (const { args, env } of ${JSON.stringify(runs)}) {
      let stdout = '', stderr = '';
      const o = process.stdout.write.bind(process.stdout), e = process.stderr.write.bind(process.stderr);
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      process.stdout.write = (s) => ((stdout += String(s)), true);
      process.stderr.write = (s) => ((stderr += String(s)), true);
      let code;
      try { code = await main(['node', 'kubeharden', ...args]); } finally {
        process.stdout.write = o; process.stderr.write = e; process.exitCode = undefined;
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      results.push({ code, stdout, stderr });
    }
    process.stdout.write(JSON.stringify(results));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`CLI batch failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run[];
}
