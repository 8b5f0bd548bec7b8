/**
 * How the CLI ends on errors: a user's mistake is one plain line (no stack trace); a bug says it
 * is one and how to report it, with the trace the report needs.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { internalError, main } from './main.js';

async function run(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'kubeharden', ...args]), stderr };
  } finally {
    process.stderr.write = write;
    process.exitCode = undefined;
  }
}

it('a usage error is one line on stderr and exit 2', async () => {
  const r = await run('scan', '/nonexistent/kh13', '--pss', 'nonsense');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'error: --pss: invalid Pod Security level "nonsense" in "nonsense": must be one of privileged, baseline, restricted (optionally followed by :v1.<minor> or :latest)\n');
});

it('an internal error says it is a bug, where to report it, and carries the trace', () => {
  const text = internalError(new TypeError('x is undefined'));
  assert.match(text, /^error: internal error in kubeharden \S+: x is undefined\nThis is a bug\. Please report it at https:\/\/github\.com\/kubeharden\/kubeharden\/issues/);
  assert.match(text, /TypeError: x is undefined\n\s+at /);
});
