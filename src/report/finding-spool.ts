/**
 * Findings kept on disk instead of the heap. An audit of 100,000 objects has ~570,000 findings;
 * held until one sorted report is written, they (and V8's growth around them) are most of its
 * memory. A FindingSpool takes the findings pass by pass as sorted runs (one line of JSON each
 * in a temporary file) and gives them back in the order of one stable sort over all of them, by
 * merging the runs; every walk reads the file again, so only a run's head is held per run.
 *
 * FindingBuckets give the other order some reports need: a stable sort by a key with few values
 * (a check id), written to one temporary file per key and read back key by key.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../engine/types.js';

/** Items a report walks more than once without holding them (an array, or a file read again per walk). */
export interface Walkable<T> extends Iterable<T> {
  /** How many a walk yields. */
  readonly length: number;
}

/** Findings a report walks more than once without holding them: each walk reads them again. */
export type FindingStream = Walkable<Finding>;

/** A walkable whose items are mapped as each walk reads them (nothing is held). */
export function mapWalkable<T, U>(items: Walkable<T>, map: (item: T) => U): Walkable<U> {
  return {
    length: items.length,
    *[Symbol.iterator]() {
      for (const item of items) yield map(item);
    },
  };
}

/** Writes and reads below V8's large-object size (128 KiB), like the report writer's pieces. */
const IO_SIZE = 1 << 16;
/** What a merge's read buffers may take together, and the smallest buffer of one run. */
const MERGE_BUFFERS = 16 << 20;
const MIN_CHUNK = 4096;
const NEWLINE = 0x0a;

/** Lines appended to a file, written in pieces of about IO_SIZE. */
class LineWriter {
  private pending: string[] = [];
  private size = 0;
  /** Bytes written so far (the offset of the next line once flushed). */
  written = 0;
  constructor(
    private readonly fd: number,
    private readonly dir: string,
  ) {}

  line(text: string): void {
    this.pending.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= IO_SIZE) this.flush();
  }

  flush(): void {
    if (!this.size) return;
    const text = this.pending.join('');
    this.written += onDisk(this.dir, 'write', () => writeSync(this.fd, text));
    this.pending = [];
    this.size = 0;
  }
}

/** The lines of bytes [start, end) of a file, decoded one by one (a chunk may end inside a character). */
function* readLines(fd: number, start: number, end: number, chunkSize = IO_SIZE): Generator<string> {
  const chunk = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, end - start)));
  let carry: Buffer | undefined;
  let at = start;
  while (at < end) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at);
    if (n === 0) throw new Error(`finding spool: the temporary file ended early (at byte ${at} of ${end})`);
    at += n;
    let data = chunk.subarray(0, n);
    if (carry) data = Buffer.concat([carry, data]);
    let from = 0;
    for (let nl = data.indexOf(NEWLINE, from); nl >= 0; nl = data.indexOf(NEWLINE, from)) {
      yield data.toString('utf8', from, nl);
      from = nl + 1;
    }
    carry = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
  }
  if (carry) throw new Error('finding spool: the temporary file ends inside a line');
}

/** The temporary files could not be made, written or read (a full or read-only TMPDIR): the report cannot be. */
export class SpoolError extends Error {}

/** Runs fs work, naming the folder and the system's reason when it fails. */
function onDisk<T>(dir: string, what: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpoolError(`cannot ${what} the findings' temporary files in ${dir} (${code ?? (e as Error).message}); set TMPDIR to a writable folder with room`);
  }
}

/** A temporary folder removed when the process exits, however it exits. */
function temporaryDir(): { dir: string; remove: () => void } {
  const dir = onDisk(tmpdir(), 'create', () => mkdtempSync(join(tmpdir(), 'kubeharden-findings-')));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  return {
    dir,
    remove: () => {
      process.off('exit', remove);
      remove();
    },
  };
}

/**
 * Fields whose values repeat across many findings (a check's texts and references, the audited
 * cluster's label, a few dozen structured fixes, the messages and paths of replicas of one
 * template): each distinct value is kept once, in memory, and a line holds its number. A line is
 * under a third of the finding's JSON (~370 bytes), and the work of writing and reading it shrinks
 * with it.
 */
const SHARED: ReadonlySet<string> = new Set(['title', 'message', 'file', 'path', 'remediation', 'references', 'category', 'fix']);
/** Distinct values kept at most: past it new ones are written in full, so messages that name their object cannot grow memory with the findings. */
const MAX_SHARED = 50_000;

class SharedValues {
  readonly values: unknown[] = [];
  private readonly byString = new Map<string, number>();
  private readonly byJson = new Map<string, number>();
  /** Objects met before (a check's references array): no JSON to key them again. Weak: fixes are made per finding. */
  private readonly byIdentity = new WeakMap<object, number>();

  /** The number of a value, or undefined when it is new and the table is full. */
  id(value: unknown): number | undefined {
    if (typeof value === 'string') return this.known(this.byString, value, value);
    const isObject = typeof value === 'object' && value !== null;
    const seen = isObject ? this.byIdentity.get(value) : undefined;
    if (seen !== undefined) return seen;
    const id = this.known(this.byJson, JSON.stringify(value), value);
    if (isObject && id !== undefined) this.byIdentity.set(value, id);
    return id;
  }

  private known(map: Map<string, number>, key: string, value: unknown): number | undefined {
    let id = map.get(key);
    if (id === undefined) {
      if (this.values.length >= MAX_SHARED) return undefined;
      id = this.values.length;
      this.values.push(value);
      map.set(key, id);
    }
    return id;
  }

  /** The finding as a line: its keys in their order, shared values as numbers (none of these fields is a number itself). */
  encode(f: Finding): string {
    const out: Record<string, unknown> = {};
    const from = f as unknown as Record<string, unknown>;
    for (const k in from) {
      const v = from[k];
      out[k] = v !== undefined && SHARED.has(k) ? (this.id(v) ?? v) : v;
    }
    return JSON.stringify(out);
  }

  decode(line: string): Finding {
    const f = JSON.parse(line) as Record<string, unknown>;
    for (const k of SHARED) if (typeof f[k] === 'number') f[k] = this.values[f[k]];
    return f as unknown as Finding;
  }
}

export class FindingSpool implements FindingStream {
  private readonly tmp = temporaryDir();
  private readonly fd = onDisk(this.tmp.dir, 'create', () => openSync(join(this.tmp.dir, 'runs.ndjson'), 'w+'));
  private readonly writer = new LineWriter(this.fd, this.tmp.dir);
  private readonly runs: Array<{ start: number; end: number }> = [];
  private readonly shared = new SharedValues();
  private count = 0;
  private closed = false;

  constructor(private readonly compare: (a: Finding, b: Finding) => number) {}

  get length(): number {
    return this.count;
  }

  /** Adds one pass's findings (sorted here, stably: equal findings keep their order). */
  addRun(findings: readonly Finding[]): void {
    if (this.closed) throw new Error('finding spool: closed');
    if (!findings.length) return;
    const start = this.writer.written;
    for (const f of [...findings].sort(this.compare)) this.writer.line(this.shared.encode(f));
    this.writer.flush();
    this.runs.push({ start, end: this.writer.written });
    this.count += findings.length;
  }

  /**
   * Every finding in the order of one stable sort of all runs in the order they were added:
   * a merge of the runs' heads in a binary heap whose ties go to the earlier run.
   */
  *[Symbol.iterator](): Generator<Finding> {
    if (this.closed) throw new Error('finding spool: closed');
    type Head = { finding: Finding; run: number; lines: Iterator<string> };
    const before = (a: Head, b: Head) => {
      const c = this.compare(a.finding, b.finding);
      return c < 0 || (c === 0 && a.run < b.run);
    };
    const heap: Head[] = [];
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    // One read buffer per run: many runs (a scan's passes are small) share MERGE_BUFFERS.
    const chunkSize = Math.max(MIN_CHUNK, Math.min(IO_SIZE, Math.floor(MERGE_BUFFERS / this.runs.length)));
    this.runs.forEach((r, run) => {
      const lines = readLines(this.fd, r.start, r.end, chunkSize);
      const first = lines.next();
      if (!first.done) heap.push({ finding: this.shared.decode(first.value), run, lines });
    });
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
    while (heap.length) {
      const top = heap[0];
      yield top.finding;
      const line = top.lines.next();
      if (line.done) {
        const last = heap.pop() as Head;
        if (heap.length) heap[0] = last;
      } else top.finding = this.shared.decode(line.value);
      siftDown(0);
    }
  }

  /** Removes the temporary file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    this.tmp.remove();
  }
}

/**
 * Findings a sorted run holds while re-ordering a stream. Runs this short die in V8's young
 * generation; runs of 10,000 outlived scavenges and were promoted, and the ×100 corpus's HTML
 * report peaked ~100 MiB higher (1,034 vs 928 MiB; 20 gave no less and took longer to merge).
 */
const SORT_RUN = 100;

/**
 * `findings` in the order of one stable sort by `compare`, on disk: runs of SORT_RUN sorted in
 * memory, merged as they are read back (a report whose order differs from the spool's, such as
 * worst first). Close it after use.
 */
export function spoolSorted(findings: Iterable<Finding>, compare: (a: Finding, b: Finding) => number): FindingSpool {
  const spool = new FindingSpool(compare);
  try {
    let run: Finding[] = [];
    for (const f of findings) {
      run.push(f);
      if (run.length === SORT_RUN) {
        spool.addRun(run);
        run = [];
      }
    }
    spool.addRun(run);
    return spool;
  } catch (e) {
    spool.close();
    throw e;
  }
}

/**
 * Groups of findings sorted stably by a key with few values (a check id): each group is one line
 * of a temporary file for its key, read back key by key. Only the keys and counts are held.
 */
export class FindingBuckets {
  private readonly tmp = temporaryDir();
  private readonly buckets = new Map<string, { fd: number; writer: LineWriter; groups: number; findings: number }>();
  private closed = false;

  add(key: string, group: readonly Finding[]): void {
    if (this.closed) throw new Error('finding buckets: closed');
    let b = this.buckets.get(key);
    if (!b) {
      const fd = onDisk(this.tmp.dir, 'create', () => openSync(join(this.tmp.dir, String(this.buckets.size)), 'w+'));
      this.buckets.set(key, (b = { fd, writer: new LineWriter(fd, this.tmp.dir), groups: 0, findings: 0 }));
    }
    b.writer.line(JSON.stringify(group));
    b.groups++;
    b.findings += group.length;
  }

  /** The keys that have groups, in the order `compare` gives. */
  keys(compare: (a: string, b: string) => number): string[] {
    return [...this.buckets.keys()].sort(compare);
  }

  /** How many findings the groups of `key` hold. */
  findings(key: string): number {
    return this.buckets.get(key)?.findings ?? 0;
  }

  /** The groups of `key` in the order they were added. */
  *read(key: string): Generator<Finding[]> {
    if (this.closed) throw new Error('finding buckets: closed');
    const b = this.buckets.get(key);
    if (!b) return;
    b.writer.flush();
    for (const line of readLines(b.fd, 0, b.writer.written)) yield JSON.parse(line) as Finding[];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const b of this.buckets.values()) closeSync(b.fd);
    this.tmp.remove();
  }
}
