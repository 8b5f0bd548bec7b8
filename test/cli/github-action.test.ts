/**
 * The GitHub Action: action.yml declares the inputs its script reads, and the script run as a
 * runner runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH)
 * writes the report, the SARIF, the job summary and the exit code.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

interface Action {
  inputs: Record<string, { description: string; default: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Array<{ id?: string; run?: string; uses?: string; env?: Record<string, string>; if?: string }> };
}
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const SCRIPT = readFileSync(join(ROOT, 'scripts/action/run.sh'), 'utf8');

describe('GitHub Action', () => {
  const ws = mkdtempSync(join(tmpdir(), 'kubeharden-action-'));
  after(() => rmSync(ws, { recursive: true, force: true }));
  cpSync(join(ROOT, 'examples/insecure'), join(ws, 'k8s'), { recursive: true });

  function runAction(inputs: Record<string, string>): { code: number; outputs: Record<string, string>; summary: string; stderr: string } {
    const out = join(ws, `out-${Math.random().toString(36).slice(2)}`);
    const summary = `${out}.summary`;
    writeFileSync(out, '');
    writeFileSync(summary, '');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: '0123abc', NO_COLOR: '1' };
    // As action.yml passes them: every input, its default unless given.
    const step = ACTION.runs.steps.find((s) => s.id === 'scan')!;
    for (const [k, expr] of Object.entries(step.env ?? {})) {
      const name = /inputs\.([\w-]+)/.exec(expr)![1];
      env[k] = inputs[name] ?? ACTION.inputs[name].default;
    }
    const r = spawnSync('bash', [join(ROOT, 'scripts/action/run.sh')], { cwd: ws, env, encoding: 'utf8' });
    const outputs = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    return { code: r.status ?? -1, outputs, summary: readFileSync(summary, 'utf8'), stderr: r.stderr };
  }

  it('declares path, format, fail-on, baseline and config, and passes every input its script reads', () => {
    for (const i of ['path', 'format', 'fail-on', 'baseline', 'config', 'upload-sarif']) assert.ok(ACTION.inputs[i], i);
    assert.equal(ACTION.runs.using, 'composite');
    const step = ACTION.runs.steps.find((s) => s.id === 'scan')!;
    const read = new Set([...SCRIPT.matchAll(/\$\{?(INPUT_[A-Z_]+)/g)].map((m) => m[1]));
    assert.deepEqual([...read].sort(), Object.keys(step.env ?? {}).sort());
    for (const expr of Object.values(step.env ?? {})) assert.ok(ACTION.inputs[/inputs\.([\w-]+)/.exec(expr)![1]], expr);
    assert.ok(ACTION.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@') && s.if?.includes("inputs.upload-sarif == 'true'")));
  });

  it('writes the report, the SARIF and a job summary linking lines, and records exit 1 for findings', () => {
    const r = runAction({ path: 'k8s', format: 'html', 'upload-sarif': 'true' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.outputs['exit-code'], '1');
    assert.equal(r.outputs.report, 'kubeharden-report.html');
    assert.match(readFileSync(join(ws, r.outputs.report), 'utf8'), /^<!DOCTYPE html>/);
    const sarif = JSON.parse(readFileSync(join(ws, r.outputs.sarif), 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 10);
    assert.match(r.summary, /^## kubeharden: \d+ findings/);
    assert.match(r.summary, /\(https:\/\/github\.com\/acme\/shop\/blob\/0123abc\/k8s\/web\.yaml#L\d+\)/);
  });

  it('with a baseline of the same findings records exit 0; a missing path records exit 2', () => {
    const base = join(ws, 'baseline.json');
    const w = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'scan', 'k8s', '--write-baseline', base, '--fail-on', 'none'], { cwd: ws, encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    const ok = runAction({ path: 'k8s', baseline: base, format: 'json', 'fail-on': 'low' });
    assert.equal(ok.outputs['exit-code'], '0', ok.stderr);
    assert.equal(ok.outputs.sarif, '');
    const bad = runAction({ path: 'no-such-dir' });
    assert.equal(bad.outputs['exit-code'], '2');
  });
});
