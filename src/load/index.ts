/** The loader: paths in, located objects and input errors out. Nothing here is fatal. */
import { readFileSync, statSync } from 'node:fs';
import { append } from './append.js';
import { parseManifestText } from './documents.js';
import { materialize } from './fast-documents.js';
import type { FileStep } from './file-step.js';
import { expandInputs, readListedFile, statErrorText, type InputItem } from './files.js';
import { isLargeInput, loadThreads, readFileHere, readFilesInWorkers } from './load-pool.js';
import { renderKustomize } from './kustomize.js';
import { rereadFile } from './reread.js';
import { decodeText, manifestText } from './text.js';
import type { InputError, LoadOptions, LoadResult, LoadedObject } from './types.js';

export type * from './types.js';
export { parseManifestText } from './documents.js';
export { objectFromJson } from './plain-object.js';
export { append } from './append.js';

/**
 * Larger files are refused: the API server takes at most 3 MiB per object, so a 50 MiB manifest
 * is almost certainly not one, and parsing it would cost seconds and gigabytes.
 */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Parses one file's bytes; a bad file yields errors, never an exception. `path`: the file on disk,
 * read again if a document whose text was let go is needed (see reread.ts).
 */
export function loadText(bytes: Uint8Array, file: string, path?: string, onLost?: () => void): { objects: LoadedObject[]; errors: InputError[] } {
  const manifest = manifestText(bytes, file);
  if (!manifest.ok) return { objects: [], errors: [manifest.error] };
  const reread = path === undefined ? undefined : rereadFile(() => readAgain(path), manifest.text.length, onLost);
  return parseManifestText(manifest.text, file, reread);
}

function readAgain(path: string): string | undefined {
  try {
    const again = decodeText(readFileSync(path));
    return again.ok ? again.text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The files read as a load worker reads them (see load-pool.ts), each with its step: from worker
 * threads, or made on this thread when the input is large and no worker runs (one core).
 */
function fileSteps(items: readonly InputItem[], maxBytes: number, opts: LoadOptions): Map<InputItem, () => FileStep | Promise<FileStep>> {
  const onDisk = items.filter((i): i is Extract<InputItem, { type: 'file' }> => i.type === 'file');
  let bytes = 0;
  for (const i of onDisk) {
    try {
      bytes += statSync(i.path).size;
    } catch {
      // read (and reported) below
    }
  }
  const n = loadThreads(opts.threads, onDisk.length, bytes);
  if (n >= 2) {
    const steps = readFilesInWorkers(onDisk.map((i) => i.path), maxBytes, n);
    return new Map(onDisk.map((item, k) => [item, () => steps[k] as Promise<FileStep>]));
  }
  if (opts.letGoText ?? (opts.threads === undefined && isLargeInput(bytes))) return new Map(onDisk.map((item) => [item, () => readFileHere(item.path, maxBytes)]));
  return new Map();
}

export async function loadInputs(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { items, errors, warnings } = expandInputs(paths, opts);
  const objects: LoadedObject[] = [];
  const files: string[] = [];
  const stepOf = fileSteps(items, maxBytes, opts);
  const lateWarnings: string[] = [];
  const lost = (file: string) => () => lateWarnings.push(`${file} changed or could not be read again while it was scanned: positions in it point at the first line of their document`);
  const accept = (item: InputItem, file: string, r: { objects: LoadedObject[]; errors: InputError[] }): void => {
    // A YAML file met while walking a directory that holds no Kubernetes document at all is
    // some other tool's config (CI workflows, app settings): skip it without failing the run.
    if (item.type === 'file' && item.walked && r.objects.length === 0 && r.errors.length > 0 && r.errors.every((e) => e.code === 'not-kubernetes')) {
      warnings.push(`${file}: not a Kubernetes manifest (no apiVersion or kind); skipped`);
      return;
    }
    append(objects, r.objects);
    append(errors, r.errors);
  };
  for (const item of items) {
    const step = await stepOf.get(item)?.();
    if (item.type === 'file' && step && step.outcome !== 'exact') {
      if (step.outcome === 'unreadable') {
        errors.push(step.error);
        continue;
      }
      files.push(item.path);
      const path = item.path;
      accept(item, path, step.outcome === 'rejected' ? { objects: [], errors: step.errors } : materialize(step.parsed, path, rereadFile(() => readAgain(path), step.length, lost(path))));
      continue;
    }
    if (item.type === 'kustomize') {
      const r = renderKustomize(item.dir);
      append(objects, r.objects);
      append(errors, r.errors);
      files.push(item.dir);
      continue;
    }
    const file = item.type === 'stdin' ? '<stdin>' : item.path;
    let bytes: Uint8Array;
    if (item.type === 'stdin') {
      try {
        bytes = opts.stdinText !== undefined ? Buffer.from(opts.stdinText) : await readStdin();
      } catch (e) {
        errors.push({ file, message: statErrorText(e) });
        continue;
      }
    } else {
      const read = readListedFile(item.path, maxBytes);
      if (!read.ok) {
        errors.push(read.error);
        continue;
      }
      bytes = read.bytes;
    }
    files.push(file);
    accept(item, file, loadText(bytes, file, item.type === 'file' ? item.path : undefined, lost(file)));
  }
  return { objects, errors, files, warnings, lateWarnings };
}
