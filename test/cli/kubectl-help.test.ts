/** Invoked as kubectl-harden (the krew plugin's name), help reads like kubectl's; as kubeharden, like before. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers.js';

describe('kubectl-style help', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeharden-plugin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(CLI, join(dir, 'kubectl-harden'));

  it('as kubectl-harden: Examples, Available Commands, Usage and the kubectl closing line', () => {
    const r = spawnSync(process.execPath, [join(dir, 'kubectl-harden'), '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Examples:\n {2}# Scan the manifests/m);
    assert.match(r.stdout, /^Available Commands:\n {2}scan {2,}audit manifests/m);
    assert.match(r.stdout, /Usage:\n {2}kubectl harden \[command\] \[flags\]\n\nUse "kubectl harden <command> --help" for more information about a command\.\n$/);
    const sub = spawnSync(process.execPath, [join(dir, 'kubectl-harden'), 'scan', '--help'], { encoding: 'utf8' });
    assert.match(sub.stdout, /Usage:\n {2}kubectl harden scan \[flags\] \[paths\.\.\.\]/);
  });

  it('as kubeharden: commander\'s usual help', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.match(r.stdout, /^Usage: kubeharden \[options\] \[command\]/);
  });
});
