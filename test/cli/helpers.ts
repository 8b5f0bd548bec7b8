/** Runs the built CLI (npm test builds first) as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
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
