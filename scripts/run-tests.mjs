#!/usr/bin/env node
// Runs the test suites with node's built-in runner and tsx (TypeScript without a build step).
// Node 20's `--test` cannot glob *.ts files itself, so this script finds them.
//   unit: every *.test.ts under src/ and test/ except test/e2e
//   e2e:  every *.test.ts under test/e2e (needs the real control plane; see test/cluster)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const suite = process.argv[2] ?? 'unit';
const extra = process.argv.slice(3);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const all = [...find(join(root, 'src')), ...find(join(root, 'test'))].map((p) => relative(root, p)).sort();
const isE2e = (p) => p.startsWith('test/e2e/');
const files = extra.length ? extra : all.filter((p) => (suite === 'e2e' ? isE2e(p) : !isE2e(p)));
if (files.length === 0) {
  console.error(`no ${suite} test files found`);
  process.exit(1);
}
const concurrency = suite === 'e2e' ? '1' : String(Math.max(2, (await import('node:os')).availableParallelism()));
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: { ...process.env, KUBEHARDEN_TEST_SUITE: suite } });
process.exit(r.status ?? 1);
