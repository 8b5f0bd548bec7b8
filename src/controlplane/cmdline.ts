/**
 * A process's command line as a ProcessCommandLine object: `scan --cmdline /proc/<pid>/cmdline`
 * (arguments separated by NUL bytes, as Linux exposes them) or a text file with one argument per
 * line. Findings point at the argument: its line in a text file, its byte offset on the single
 * line of a /proc file. For /proc/<pid>/cmdline the process's working directory is read from
 * /proc/<pid>/cwd, since the kubelet resolves a relative --config against it (kube-bench #1256).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import type { InputError, LoadedObject, Path, Region } from '../load/types.js';
import { KUBEHARDEN_GROUP, PROCESS_KIND } from './config-kinds.js';

const WHOLE: Region = { line: 1, column: 1, endLine: 1, endColumn: 1 };

export function commandLineObject(file: string, bytes: Buffer, workingDir?: string): LoadedObject {
  const text = bytes.toString('utf8');
  const nul = text.includes('\0');
  const parts = nul ? text.split('\0') : text.split(/\r?\n/);
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  // Where each argument starts: a line number (text) or a column on the one line (/proc).
  const starts: number[] = [];
  let offset = 0;
  for (const p of parts) {
    starts.push(offset);
    offset += p.length + 1;
  }
  const argv = nul ? parts : parts.map((p) => p.trim()).filter((p, i) => p !== '' || i < parts.length - 1);
  const object = {
    apiVersion: `${KUBEHARDEN_GROUP}/v1alpha1`,
    kind: PROCESS_KIND,
    metadata: { name: posix.basename(argv[0] ?? 'process') },
    spec: { command: argv, ...(workingDir ? { workingDir } : {}) },
  };
  const locate = (path: Path): Region => {
    if (path[0] !== 'spec' || path[1] !== 'command' || typeof path[2] !== 'number') return WHOLE;
    const i = path[2];
    if (nul) {
      const col = (starts[i] ?? 0) + 1;
      return { line: 1, column: col, endLine: 1, endColumn: col + (argv[i]?.length ?? 0) };
    }
    return { line: i + 1, column: 1, endLine: i + 1, endColumn: (argv[i]?.length ?? 0) + 1 };
  };
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: undefined,
    labels: {},
    annotations: {},
    object,
    source: { file, documentIndex: 0, itemPath: [], locate },
  };
}

/** Reads one --cmdline file; a file that cannot be read is an input error. */
export function readCommandLine(file: string): { object?: LoadedObject; error?: InputError } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { error: { file, message: `cannot read the command line: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
  }
  if (bytes.length === 0) return { error: { file, message: 'empty command line (the process may have exited, or it is a kernel thread)' } };
  let cwd: string | undefined;
  const proc = /^\/proc\/(\d+|self)\/cmdline$/.exec(file);
  if (proc) {
    try {
      cwd = readlinkSync(`/proc/${proc[1]}/cwd`);
    } catch {
      cwd = undefined; // not ours to read: relative paths fall back to /
    }
  }
  return { object: commandLineObject(file, bytes, cwd) };
}
