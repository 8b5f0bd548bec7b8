/**
 * Files read and parsed by worker threads, for large inputs on machines with more than one core:
 * parsing is most of a large scan's loading, and each file parses on its own. The workers send
 * back plain data (file-step.ts); the main thread builds the located objects from it, in input
 * order. A file the fast path cannot parse, or any file of a worker that failed, comes back as
 * `exact` and is loaded on the main thread as without workers: the result is the same either way.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { readFileStep, type FileStep } from './file-step.js';
import type { FileJob } from './load-worker.js';

/**
 * Below this much input the workers cost more than they save (measured in docs/benchmarks.md):
 * each starts and warms up its own copy of the parsers, and every object is copied to the main
 * thread (+16% CPU on the 110 MB ×10 corpus). Above it, parsing garbage that stays out of the
 * main thread's large heap is what pays: 0.68× the peak memory on the 1.1 GB ×100 corpus.
 */
const MIN_BYTES = 256 * 1024 * 1024;
/** Files in flight per worker: one parsing, one waiting, so a worker never idles on a message. */
const IN_FLIGHT = 2;

/**
 * Threads to load with: `requested` when given (1 = none), else one per core up to 4, and none on
 * one core (a worker there only adds copying; cores as the process may use them: taskset counts)
 * or below MIN_BYTES.
 */
export function loadThreads(requested: number | undefined, files: number, bytes: number, cores = availableParallelism()): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, files));
  if (cores < 2 || files < 2 || bytes < MIN_BYTES) return 1;
  return Math.min(cores, 4, files);
}

/** True when an input is large enough that its documents' text is let go (workers or not). */
export function isLargeInput(bytes: number): boolean {
  return bytes >= MIN_BYTES;
}

/**
 * A file's step made on this thread, as a worker makes it: the parsed values are copied (what
 * posting them to the main thread does), so they share nothing with the file text, which is let
 * go. For large inputs on one core, where the text would otherwise stay for positions.
 */
export function readFileHere(path: string, maxBytes: number): FileStep {
  const step = readFileStep(path, maxBytes);
  return step.outcome === 'parsed' ? { ...step, parsed: structuredClone(step.parsed) } : step;
}

/** The worker: dist/load/load-worker.cjs in the bundle; in the source tree, through tsx. */
function startWorker(): Worker {
  // Loaded here, not at start-up (2.6 ms): most scans start no worker.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  return new Worker(new URL(import.meta.url.endsWith('.ts') ? './load-worker-tsx.mjs' : '../load/load-worker.cjs', import.meta.url));
}

/** One promise per path, in order; the workers end when the last file is done. */
export function readFilesInWorkers(paths: readonly string[], maxBytes: number, threads: number): Promise<FileStep>[] {
  // A resolver is dropped once called: it holds its promise, and so the file's objects.
  const resolvers: (((step: FileStep) => void) | undefined)[] = [];
  const steps = paths.map((_, i) => new Promise<FileStep>((resolve) => (resolvers[i] = resolve)));
  const settle = (id: number, step: FileStep): void => {
    resolvers[id]?.(step);
    resolvers[id] = undefined;
  };
  let next = 0;
  let live = threads;
  for (let t = 0; t < threads; t++) {
    const worker = startWorker();
    const mine = new Set<number>();
    const send = (): void => {
      while (mine.size < IN_FLIGHT && next < paths.length) {
        const id = next++;
        mine.add(id);
        worker.postMessage({ id, path: paths[id], maxBytes } satisfies FileJob);
      }
      if (mine.size === 0) void worker.terminate();
    };
    worker.on('message', (m: { id: number; step: FileStep }) => {
      mine.delete(m.id);
      settle(m.id, m.step);
      send();
    });
    // A worker that dies (it is terminated when done; 'error' is followed by 'exit') hands its
    // files back to the main thread; the last one to go also hands back the files never sent.
    worker.on('error', () => {});
    worker.on('exit', () => {
      for (const id of mine) settle(id, { outcome: 'exact' });
      mine.clear();
      if (--live === 0) while (next < paths.length) settle(next++, { outcome: 'exact' });
    });
    send();
  }
  return steps;
}
