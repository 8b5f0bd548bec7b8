/**
 * The image-gate test infrastructure, built by scripts/infra/2[0-2]-*.sh into the cache: the
 * distribution registry, crane and cosign. A missing tool FAILS the suite (never skips), with the
 * command that builds it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPTS = { registry: '20-distribution.sh', crane: '21-crane.sh', cosign: '22-cosign.sh' } as const;
export type Tool = keyof typeof SCRIPTS;

export function toolPath(tool: Tool): string {
  const script = `${ROOT}scripts/infra/${SCRIPTS[tool]}`;
  const r = spawnSync('bash', [script, '--print'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path || !existsSync(path)) throw new Error(`${tool} is not built: run \`bash scripts/infra/${SCRIPTS[tool]}\` (or npm run test:e2e, which builds all test infrastructure)`);
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
