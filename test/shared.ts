/**
 * Locates ../shared (upstream oracles and the real-world corpus). Suites that need it run
 * whenever it is present; when it is absent they say so loudly, and fail under CI.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHARED = process.env.KUBEHARDEN_SHARED ?? resolve(REPO_ROOT, '..', 'shared');

/** The path inside ../shared, or undefined after printing NOT RUN (throws under CI). */
export function sharedPath(rel: string, suite: string): string | undefined {
  const p = resolve(SHARED, rel);
  if (existsSync(p)) return p;
  const msg = `NOT RUN: ${suite} — ${p} not present (../shared or KUBEHARDEN_SHARED)`;
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  if (process.env.CI) throw new Error(msg);
  return undefined;
}
