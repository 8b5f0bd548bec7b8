/** A load worker (load-pool.ts): reads and parses the files it is sent, one message per file. */
import { parentPort } from 'node:worker_threads';
import { readFileStep } from './file-step.js';

export interface FileJob {
  id: number;
  path: string;
  maxBytes: number;
}

parentPort?.on('message', (job: FileJob) => {
  parentPort?.postMessage({ id: job.id, step: readFileStep(job.path, job.maxBytes) });
});
