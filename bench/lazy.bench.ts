// What lazy object building saves: in-process load + scan of the corpus, with objects built only
// when a check reads them (the default) versus every object converted to JSON up front.
// Run: node --import tsx bench/lazy.bench.ts
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadInputs } from '../src/load/index.js';
import { scanObjects } from '../src/engine/scan.js';

const corpus = resolve(process.env.KUBEHARDEN_SHARED ?? resolve(import.meta.dirname, '..', '..', 'shared'), 'corpus', 'realworld');
if (!existsSync(corpus)) {
  console.error(`NOT RUN: ${corpus} not present`);
  process.exit(process.env.CI ? 1 : 0);
}

async function once(eager: boolean): Promise<{ ms: number }> {
  const t0 = performance.now();
  const loaded = await loadInputs([corpus]);
  if (eager) for (const o of loaded.objects) void o.object;
  scanObjects(loaded.objects, {});
  const ms = performance.now() - t0;
  return { ms };
}

const runs = Number(process.env.BENCH_RUNS ?? 5);
for (const eager of [false, true, false, true]) await once(eager); // warm-up
const res: Record<string, number[]> = { lazy: [], eager: [] };
for (let i = 0; i < runs; i++) {
  res.lazy.push((await once(false)).ms);
  res.eager.push((await once(true)).ms);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`lazy (default): ${median(res.lazy).toFixed(0)} ms; eager: ${median(res.eager).toFixed(0)} ms; saved ${(100 * (1 - median(res.lazy) / median(res.eager))).toFixed(1)}%`);
