/**
 * `kubectl harden` as krew installs it: the release archive and manifest from `npm run krew`,
 * installed offline by a real krew (scripts/infra/41-krew.sh), found by a real kubectl (the one
 * built with the control plane) through its plugin mechanism, with kubectl-style help.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../cli/helpers.js';
import { tool } from '../infra/tools.js';
import { binaries, controlPlaneAvailable } from '../cluster/paths.js';

const krew = tool('krew', 'krew plugin');

describe('krew plugin', { skip: !krew }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeharden-krew-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs from the manifest and archive, and kubectl runs it as `kubectl harden`', () => {
    const pack = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/krew-package.ts', '--out', join(dir, 'out')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const manifest = parse(readFileSync(join(dir, 'out', 'harden.yaml'), 'utf8')) as { metadata: { name: string }; spec: { version: string; platforms: Array<{ sha256: string; bin: string }> } };
    assert.equal(manifest.metadata.name, 'harden');
    assert.equal(manifest.spec.version, `v${version}`);
    const env = { ...process.env, KREW_ROOT: join(dir, 'krew') };
    const inst = spawnSync(krew!, ['install', `--manifest=${join(dir, 'out', 'harden.yaml')}`, `--archive=${join(dir, 'out', `kubectl-harden-v${version}.tar.gz`)}`], { encoding: 'utf8', env });
    assert.equal(inst.status, 0, inst.stderr);
    const avail = controlPlaneAvailable();
    if (!avail.ok) assert.fail(`NOT RUN: kubectl not built (${avail.reason}): bash scripts/build-control-plane.sh`);
    const kubectl = binaries().kubectl;
    const pathEnv = { ...env, PATH: `${join(dir, 'krew', 'bin')}:${process.env.PATH}` };
    const list = spawnSync(kubectl, ['plugin', 'list'], { encoding: 'utf8', env: pathEnv });
    assert.match(list.stdout, /kubectl-harden/);
    const help = spawnSync(kubectl, ['harden', '--help'], { encoding: 'utf8', env: pathEnv });
    assert.equal(help.status, 0, help.stderr);
    for (const section of ['Examples:', 'Available Commands:', 'Options:', 'Usage:\n  kubectl harden [command] [flags]', 'Use "kubectl harden <command> --help" for more information about a command.']) assert.ok(help.stdout.includes(section), `${section} in:\n${help.stdout}`);
    const scan = spawnSync(kubectl, ['harden', 'scan', join(ROOT, 'examples', 'insecure'), '-o', 'json'], { encoding: 'utf8', env: pathEnv });
    assert.equal(scan.status, 1, scan.stderr);
    assert.ok((JSON.parse(scan.stdout) as { findings: unknown[] }).findings.length > 10);
  });
});
