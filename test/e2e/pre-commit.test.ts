/**
 * .pre-commit-hooks.yaml with the real pre-commit framework (PyPI, scripts/infra/30-pre-commit.sh)
 * in a temporary git repository: a commit that stages an insecure manifest is refused with the
 * findings; one that stages only a hardened manifest passes although an insecure file sits
 * unstaged beside it (the hook scans what is staged); non-manifest YAML is left alone.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../cli/helpers.js';
import { tool } from '../infra/tools.js';

const preCommit = tool('preCommit', 'pre-commit hook');

describe('pre-commit hook', { skip: !preCommit }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeharden-pre-commit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // kubeharden on PATH, as `npm install -g kubeharden` puts it.
  symlinkSync(CLI, join(bin, 'kubeharden'));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PRE_COMMIT_HOME: join(dir, 'cache'), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', NO_COLOR: '1' };
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env, encoding: 'utf8' });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };

  it('refuses a commit of an insecure manifest and passes a hardened one, scanning only staged files', () => {
    // The hook repository: this repository's .pre-commit-hooks.yaml, as pre-commit clones it.
    const hooks = join(dir, 'hooks');
    mkdirSync(hooks);
    copyFileSync(join(ROOT, '.pre-commit-hooks.yaml'), join(hooks, '.pre-commit-hooks.yaml'));
    assert.equal(git(hooks, 'init', '-q').code, 0);
    git(hooks, 'add', '.');
    assert.equal(git(hooks, 'commit', '-qm', 'hooks').code, 0);
    const rev = git(hooks, 'rev-parse', 'HEAD').out.trim();

    const project = join(dir, 'project');
    mkdirSync(join(project, 'k8s'), { recursive: true });
    mkdirSync(join(project, '.github', 'workflows'), { recursive: true });
    git(project, 'init', '-q');
    writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hooks}\n    rev: ${rev}\n    hooks:\n      - id: kubeharden\n`);
    writeFileSync(join(project, '.github', 'workflows', 'ci.yml'), 'on: push\njobs: {}\n');
    git(project, 'add', '.');
    const install = spawnSync(preCommit!, ['install'], { cwd: project, env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    // Non-manifest YAML only: the hook has nothing to scan and passes.
    const first = git(project, 'commit', '-qm', 'ci');
    assert.equal(first.code, 0, first.out);

    copyFileSync(join(ROOT, 'examples/insecure/web.yaml'), join(project, 'k8s', 'web.yaml'));
    git(project, 'add', 'k8s/web.yaml');
    const refused = git(project, 'commit', '-qm', 'insecure');
    assert.notEqual(refused.code, 0, refused.out);
    assert.match(refused.out, /kubeharden scan\.+Failed/);
    assert.match(refused.out, /CTR-PRIVILEGED/);

    git(project, 'reset', '-q', 'k8s/web.yaml');
    copyFileSync(join(ROOT, 'examples/hardened/web.yaml'), join(project, 'k8s', 'web-hardened.yaml'));
    git(project, 'add', 'k8s/web-hardened.yaml');
    const passed = git(project, 'commit', '-qm', 'hardened');
    assert.equal(passed.code, 0, passed.out);
    assert.match(passed.out, /kubeharden scan\.+Passed/);
  });
});
