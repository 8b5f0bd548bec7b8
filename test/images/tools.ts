/**
 * The image-gate test infrastructure, built by scripts/infra into the cache: the distribution
 * registry (50-distribution.sh), cosign (51-cosign.sh) and crane (40-crane.sh, shared with the
 * container-image suite). A missing tool FAILS the suite (never skips), with the command that
 * builds it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPTS = { registry: '50-distribution.sh', crane: '40-crane.sh', cosign: '51-cosign.sh' } as const;
export type Tool = keyof typeof SCRIPTS;

/** Where a script puts its tool: its own --print, or (40-crane.sh has none) <cache>/crane/<version>/crane. */
function locate(tool: Tool, script: string): string {
  if (tool === 'crane') {
    const version = /^version=(\S+)$/m.exec(readFileSync(script, 'utf8'))?.[1] ?? '';
    return join(process.env.KUBEHARDEN_CACHE ?? join(homedir(), '.cache', 'kubeharden'), 'crane', version, 'crane');
  }
  return spawnSync('bash', [script, '--print'], { encoding: 'utf8' }).stdout.trim();
}

export function toolPath(tool: Tool): string {
  const script = `${ROOT}scripts/infra/${SCRIPTS[tool]}`;
  const path = locate(tool, script);
  if (!path || !existsSync(path)) throw new Error(`${tool} is not built: run \`bash scripts/infra/${SCRIPTS[tool]}\` (or npm run test:e2e, which builds all test infrastructure)`);
  return path;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool; never throws on a non-zero exit (the caller compares verdicts). Asynchronous: a
 * token service in this process must keep answering while the tool waits on it.
 */
export function run(tool: Tool, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(toolPath(tool), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function must(tool: Tool, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await run(tool, args, env);
  if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
