// What "positions on demand" saves: in-process parse + scan of the corpus with the default loader
// (js-yaml for every document; the exact `yaml` AST only for documents a finding points into)
// versus the exact AST built for every document. Same findings, same positions (tested in
// src/load/loader.test.ts). Run: node --import tsx bench/positions.bench.ts
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseManifestText, parseManifestTextExact } from '../src/load/documents.js';
import { scanObjects } from '../src/engine/scan.js';
import { ALL_CHECKS } from '../src/checks/registry.js';
import type { LoadedObject } from '../src/load/types.js';

const corpus = resolve(process.env.KUBEHARDEN_SHARED ?? resolve(import.meta.dirname, '..', '..', 'shared'), 'corpus', 'realworld');
if (!existsSync(corpus)) {
  console.error(`NOT RUN: ${corpus} not present`);
  process.exit(process.env.CI ? 1 : 0);
}
const files: Array<[string, string]> = [];
const walk = (p: string): void => {
  if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  else if (/\.(ya?ml|json)$/.test(p)) files.push([p, readFileSync(p, 'utf8')]);
};
walk(corpus);
const mb = files.reduce((a, [, t]) => a + t.length, 0) / 1e6;

function cpuMs(parse: (text: string, file: string) => { objects: LoadedObject[] }): number {
  const start = process.cpuUsage();
  const objects = files.flatMap(([f, t]) => parse(t, f).objects);
  for (const f of scanObjects(objects, { checks: ALL_CHECKS }).findings) void f.line; // positions resolved for every finding
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

const runs = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
cpuMs(parseManifestText);
cpuMs(parseManifestTextExact);
const onDemand: number[] = [];
const exact: number[] = [];
for (let i = 0; i < runs; i++) {
  onDemand.push(cpuMs(parseManifestText));
  exact.push(cpuMs(parseManifestTextExact));
}
const a = median(onDemand);
const b = median(exact);
console.log(`corpus ${mb.toFixed(1)} MB, parse + scan CPU time (median of ${runs}):`);
console.log(`  positions on demand (default): ${a.toFixed(0)} ms  (${(mb / (a / 1000)).toFixed(1)} MB/s)`);
console.log(`  exact AST for every document:  ${b.toFixed(0)} ms  (${(mb / (b / 1000)).toFixed(1)} MB/s)`);
console.log(`  saved: ${(100 * (1 - a / b)).toFixed(0)}% (${(b / a).toFixed(2)}x faster)`);
