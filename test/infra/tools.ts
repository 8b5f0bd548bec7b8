/**
 * Test tools built or installed by scripts/infra/*.sh into the cache (never runtime dependencies).
 * A missing tool prints NOT RUN loudly, and fails under CI (the infra scripts run before e2e).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE = process.env.KUBEHARDEN_CACHE ?? join(homedir(), '.cache', 'kubeharden');

/** Pinned versions: the same as in the scripts. */
export const TOOLS = {
  helm: { path: join(CACHE, 'helm', 'v3.21.4', 'helm'), script: 'scripts/infra/20-helm.sh' },
  preCommit: { path: join(CACHE, 'pre-commit', '4.7.0', 'bin', 'pre-commit'), script: 'scripts/infra/30-pre-commit.sh' },
  hadolint: { path: join(CACHE, 'hadolint', '2.15.1', 'bin', 'hadolint'), script: 'scripts/infra/31-hadolint.sh' },
  crane: { path: join(CACHE, 'crane', 'v0.21.5', 'crane'), script: 'scripts/infra/40-crane.sh' },
  krew: { path: join(CACHE, 'krew', 'v0.4.3', 'krew'), script: 'scripts/infra/41-krew.sh' },
} as const;

/** The tool's path, or undefined after saying NOT RUN (throws under CI). */
export function tool(name: keyof typeof TOOLS, suite: string): string | undefined {
  const t = TOOLS[name];
  if (existsSync(t.path)) return t.path;
  const msg = `NOT RUN: ${suite} — ${t.path} missing (bash ${t.script} builds it)`;
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  if (process.env.CI) throw new Error(msg);
  return undefined;
}
