/**
 * Where every command writes: reports to stdout or --output-file, errors and warnings to stderr,
 * in one style (`error: FILE:LINE:COL: message`, `warning: message`). A closed stdout (`| head`)
 * ends the output quietly; an unwritable --output-file is a plain usage error.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InputError } from '../load/types.js';
import { UsageError } from './exit.js';

let stdoutClosed = false;

/**
 * Called once at start-up. A reader that goes away (`kubeharden scan -o json | head -c 100`)
 * makes the next write fail with EPIPE, which Node reports as an 'error' event: unhandled, that
 * is a stack trace. The rest of the output is dropped instead and the command ends as usual.
 */
export function guardStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      stdoutClosed = true;
      return;
    }
    process.stderr.write(`error: cannot write to stdout: ${e.code ?? e.message}\n`);
    process.exit(2);
  });
}

/** True once the reader of stdout has gone away: there is no point producing more output. */
export function isStdoutClosed(): boolean {
  return stdoutClosed || process.stdout.destroyed;
}

export function writeStdout(text: string): void {
  if (!isStdoutClosed()) process.stdout.write(text);
}

/**
 * Writes pieces to a stream, waiting for it to drain whenever it holds more than its buffer.
 * stdout on a pipe is asynchronous: once the reader falls behind, every write that follows is
 * queued in memory, and a report written in one synchronous loop was held whole (a ×10 corpus
 * scan piped through `cat` peaked at 1.48× the memory of the same scan written to a file).
 * Pieces are produced as they are written (reports are generators), so memory stays at a piece.
 */
export async function writePieces(stream: NodeJS.WritableStream & { destroyed?: boolean }, pieces: Iterable<string>, closed: () => boolean = () => stream.destroyed === true): Promise<void> {
  for (const piece of pieces) {
    if (closed()) return;
    if (!stream.write(piece)) await drained(stream);
  }
}

/** Resolves on 'drain', or when the stream closes or fails (the writer then sees it closed). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/** Why a file could not be written, in words (never a stack trace). */
export function fsErrorText(e: unknown, file: string, what = 'write'): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `cannot ${what} ${file}: the folder ${dirname(file)} does not exist`;
    case 'ENOTDIR':
      return `cannot ${what} ${file}: a part of its path is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return `cannot ${what} ${file}: permission denied`;
    case 'EISDIR':
      return `cannot ${what} ${file}: it is a folder`;
    case 'EROFS':
      return `cannot ${what} ${file}: read-only file system`;
    case 'ENOSPC':
      return `cannot ${what} ${file}: no space left on the device`;
    default:
      return `cannot ${what} ${file}: ${code ?? (e as Error).message}`;
  }
}

/**
 * Writes pieces in order to `file`, or to stdout without one. The file's folder must exist (a
 * typo in a path should not silently create a tree of folders); problems are usage errors.
 * For texts already in memory; a report produced piece by piece goes through streamOutput.
 */
export function writeOutput(pieces: Iterable<string>, file: string | undefined): void {
  if (!file || file === '-') {
    for (const piece of pieces) {
      if (isStdoutClosed()) return;
      process.stdout.write(piece);
    }
    return;
  }
  writeFileOutput(pieces, file);
}

/**
 * writeOutput for a report produced as it is written (a generator of pieces): to stdout it
 * waits for the reader (see writePieces), so only a piece at a time is held.
 */
export async function streamOutput(pieces: Iterable<string>, file: string | undefined): Promise<void> {
  if (!file || file === '-') await writePieces(process.stdout, pieces, isStdoutClosed);
  else writeFileOutput(pieces, file);
}

function writeFileOutput(pieces: Iterable<string>, file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw new UsageError(fsErrorText(e, file));
  }
  try {
    // Only a failed write is this file's problem: an error producing a piece is the producer's own.
    for (const piece of pieces) {
      try {
        writeSync(fd, piece);
      } catch (e) {
        throw new UsageError(fsErrorText(e, file));
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** For --output-dir: creates the folder (and its parents), with a plain message when it cannot. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(fsErrorText(e, dir, 'create'));
  }
}

export function inputErrorText(e: InputError): string {
  return `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`;
}

export function printErrors(errors: readonly InputError[], label = 'error'): void {
  for (const e of errors) process.stderr.write(`${label}: ${inputErrorText(e)}\n`);
}

export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

/** A file named on the command line (--policy, --ca-bundle…): a missing one is a usage error. */
export function readUserFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: ${fsErrorText(e, file, 'read')}`);
  }
}
