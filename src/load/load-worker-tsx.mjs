// The load worker in the source tree (tests run TypeScript through tsx): a worker thread does not
// get tsx's hooks from the --import of its process, so it registers them before loading the worker.
import { register } from 'tsx/esm/api';

register();
await import('./load-worker.ts');
