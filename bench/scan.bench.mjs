// npm run bench: whole-process scans of ../shared/corpus/realworld (×1 and ×20) next to the
// bare YAML-parse time of the same files (bench/parse-only.mjs), median of several runs, with
// the ratio scan / parse and peak RSS. A benchmark, not a test: it prints figures, asserts nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = process.env.KUBEHARDEN_SHARED ?? resolve(root, '..', 'shared');
const corpus = join(shared, 'corpus', 'realworld');
if (!existsSync(corpus)) {
  console.error(`NOT RUN: ${corpus} not present (set KUBEHARDEN_SHARED)`);
  process.exit(process.env.CI ? 1 : 0);
}
const cli = join(root, 'dist', 'cli', 'main.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);

/** Runs a command under /usr/bin/time; returns wall seconds and peak RSS in MiB. */
function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, rssKb] = last.split(' ').map(Number);
  if (!Number.isFinite(wall)) throw new Error(`benchmark command failed: ${r.stderr}`);
  return { wall, rss: rssKb / 1024 };
}

function measure(label, args, n) {
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(timed(args));
  const walls = samples.map((s) => s.wall).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)];
  const rss = Math.max(...samples.map((s) => s.rss));
  return { label, median, min: walls[0], max: walls[walls.length - 1], rss };
}

const tmp = mkdtempSync(join(tmpdir(), 'kh-bench-'));
try {
  const x20 = join(tmp, 'x20');
  for (let i = 0; i < 20; i++) cpSync(corpus, join(x20, `copy-${i}`), { recursive: true });
  const inputs = [
    ['corpus ×1 (10.9 MB)', corpus, runs],
    ['corpus ×20 (218 MB)', x20, Math.max(3, Math.ceil(runs / 2))],
  ];
  console.log(`kubeharden scan benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  const startup = measure('node startup', ['-e', ''], runs);
  console.log(`node startup: ${startup.median.toFixed(2)} s`);
  for (const [name, dir, n] of inputs) {
    const fast = measure('bare parse, js-yaml', [join(root, 'bench', 'parse-only.mjs'), '--parser', 'js-yaml', dir], n);
    const exact = measure('bare parse, yaml', [join(root, 'bench', 'parse-only.mjs'), '--parser', 'yaml', dir], n);
    const scan = measure('kubeharden scan', [cli, 'scan', dir, '-o', 'json', '--fail-on', 'none', '--output-file', '/dev/null'], n);
    console.log(`\n${name}`);
    for (const m of [fast, exact, scan]) console.log(`  ${m.label.padEnd(20)} median ${m.median.toFixed(2)} s (min ${m.min.toFixed(2)}, max ${m.max.toFixed(2)}), peak RSS ${m.rss.toFixed(0)} MiB`);
    console.log(`  ratio scan / bare js-yaml parse: ${(scan.median / fast.median).toFixed(2)}×   scan / bare yaml parse: ${(scan.median / exact.median).toFixed(2)}×`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
