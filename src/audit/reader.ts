/**
 * Streams audit logs — JSON lines (or EventList documents), plain or gzip (detected by its magic
 * bytes, so rotated `audit.log.1.gz` and renamed files both work), from files, directories of
 * rotated files, or stdin — and hands every usable request to `onRequest` once, in bounded memory.
 *
 * One request is logged once per stage. The first response stage (ResponseStarted for watches,
 * else ResponseComplete or Panic) is the one used; a second copy of the same auditID and stage is
 * a duplicate (the same file read twice, two backends merged). RequestReceived events carry no
 * decision: they are counted as skipped unless a response stage of the same request follows.
 *
 * Bad input never stops the read: an unparseable line (a truncated write), JSON that is no audit
 * event, an unsupported API version, or gzip corrupt midway is reported with file and line, and
 * everything else is used. The report counts skipped events by reason.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { asList, asMap, asString } from '../k8s/json.js';
import { AUDIT_V1, AUDIT_V1BETA1, requestOf, type AuditRequest } from './event.js';
import { LineSplitter } from './lines.js';
import { RecentRequests } from './recent.js';
import type { TimeWindow } from './window.js';

export type SkipReason =
  | 'invalid-json'
  | 'not-audit-event'
  | 'unsupported-version'
  | 'incomplete-event'
  | 'line-too-long'
  | 'duplicate'
  | 'request-received-only'
  | 'unauthenticated'
  | 'outside-window';

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'invalid-json': 'not valid JSON (a truncated or corrupt line)',
  'not-audit-event': 'JSON that is not an audit event',
  'unsupported-version': 'an audit API version other than audit.k8s.io/v1 or v1beta1',
  'incomplete-event': 'audit events missing fields the analysis needs',
  'line-too-long': 'lines too long even without their request/response bodies',
  duplicate: 'duplicates (same auditID and stage seen before)',
  'request-received-only': 'RequestReceived stage only (no decision logged for the request)',
  unauthenticated: 'failed authentication (401): no identity to attribute',
  'outside-window': 'outside the time window',
};

/** Reasons that mean the input could not be read as it should: the command exits 2. */
export const ERROR_REASONS: ReadonlySet<SkipReason> = new Set(['invalid-json', 'not-audit-event', 'unsupported-version', 'incomplete-event', 'line-too-long']);

export interface AuditProblem {
  file: string;
  /** 1-based line, when the problem is on a line. */
  line?: number;
  message: string;
}

export interface AuditFileReport {
  path: string;
  gzip: boolean;
  /** Bytes read (decompressed for gzip). */
  bytes: number;
  lines: number;
  /** Read to its end (false after an I/O or gzip error). */
  complete: boolean;
}

export interface AuditReadReport {
  files: AuditFileReport[];
  /** Audit events parsed (EventList items count one each). */
  events: number;
  /** Distinct requests handed on. */
  requests: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Located errors (also counted in `skipped` where an event was lost). */
  problems: AuditProblem[];
  /** Line problems beyond the first MAX_PROBLEMS_LISTED are only counted. */
  problemsNotListed: number;
  /** Requests whose decision came from the response code (no decision annotation). */
  decisionFromStatus: number;
  /** Events whose request/response bodies were dropped unparsed (over-long lines). */
  bodiesDropped: number;
  /** Earliest and latest event time of the requests used (ms since the epoch). */
  first?: number;
  last?: number;
  /** True when any file or line could not be read. */
  failed: boolean;
}

export interface AuditReadOptions {
  window?: TimeWindow;
  onRequest: (r: AuditRequest) => void;
  /** Requests remembered for de-duplication (default 262,144 per generation). */
  dedupeCapacity?: number;
  bigLine?: number;
  maxKept?: number;
  /** The stream for '-' (default process.stdin). */
  stdin?: Readable;
}

export const MAX_PROBLEMS_LISTED = 50;
const READ_CHUNK = 1 << 20;
/** RequestReceived events waiting for their response stage. */
const MAX_PENDING = 1 << 16;

const STAGE_BIT: Record<string, number> = { ResponseStarted: 1, ResponseComplete: 2, Panic: 4 };

/** Files named on the command line: directories list their files (rotated logs), oldest first. */
export async function expandAuditPaths(paths: readonly string[]): Promise<{ files: string[]; problems: AuditProblem[] }> {
  const files: string[] = [];
  const problems: AuditProblem[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push(p);
      continue;
    }
    try {
      const st = await stat(p);
      if (!st.isDirectory()) {
        files.push(p);
        continue;
      }
      const entries = await readdir(p, { withFileTypes: true });
      const inDir: Array<{ path: string; mtime: number }> = [];
      for (const e of entries) {
        if (!e.isFile() || e.name.startsWith('.')) continue;
        const full = join(p, e.name);
        inDir.push({ path: full, mtime: (await stat(full)).mtimeMs });
      }
      if (inDir.length === 0) problems.push({ file: p, message: 'directory has no files to read' });
      inDir.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
      files.push(...inDir.map((x) => x.path));
    } catch (e) {
      problems.push({ file: p, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`.trim() });
    }
  }
  return { files, problems };
}

/** Chunks of the file, gunzipped when it starts with the gzip magic bytes. */
async function* bytesOf(source: Readable, onGzip: () => void): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    onGzip();
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    const rest = (async function* (): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    })();
    const compressed = Readable.from(rest);
    compressed.on('error', (e) => gunzip.destroy(e));
    compressed.pipe(gunzip);
    yield* gunzip as AsyncIterable<Buffer>;
    return;
  }
  yield head;
  for (;;) {
    const n = await it.next();
    if (n.done) return;
    yield n.value;
  }
}

export async function readAuditLogs(paths: readonly string[], opts: AuditReadOptions): Promise<AuditReadReport> {
  const report: AuditReadReport = { files: [], events: 0, requests: 0, skipped: {}, problems: [], problemsNotListed: 0, decisionFromStatus: 0, bodiesDropped: 0, failed: false };
  const { files, problems } = await expandAuditPaths(paths);
  /** Line problems beyond MAX_PROBLEMS_LISTED are only counted; file problems are always listed. */
  const problem = (p: AuditProblem, always = false): void => {
    report.failed = true;
    if (always || report.problems.length < MAX_PROBLEMS_LISTED) report.problems.push(p);
    else report.problemsNotListed++;
  };
  for (const p of problems) problem(p, true);
  const skip = (r: SkipReason): void => {
    report.skipped[r] = (report.skipped[r] ?? 0) + 1;
  };
  const seen = new RecentRequests(opts.dedupeCapacity);
  const pending = new Map<string, true>();
  const since = opts.window?.since ?? -Infinity;
  const until = opts.window?.until ?? Infinity;
  const windowed = since !== -Infinity || until !== Infinity;

  const useEvent = (ev: Record<string, unknown>, file: string, line: number): void => {
    report.events++;
    const r = requestOf(ev, file, line);
    if ('kind' in r) {
      if (r.kind === 'request-received') {
        if (seen.get(r.auditID) !== 0) return; // its response stage came first (merged backends)
        if (pending.size >= MAX_PENDING) {
          const oldest = pending.keys().next().value as string;
          pending.delete(oldest);
          skip('request-received-only');
        }
        pending.set(r.auditID, true);
        return;
      }
      skip(r.kind);
      if (r.error) problem({ file, line, message: r.message });
      return;
    }
    pending.delete(r.auditID);
    const bit = STAGE_BIT[r.stage] ?? 8;
    const mask = seen.get(r.auditID);
    if (mask & bit) {
      skip('duplicate');
      return;
    }
    seen.add(r.auditID, bit);
    if (mask !== 0) return; // another stage of a request already counted
    if (windowed && !(r.time >= since && r.time < until)) {
      skip('outside-window');
      return;
    }
    report.requests++;
    if (r.decisionFrom === 'status') report.decisionFromStatus++;
    if (!Number.isNaN(r.time)) {
      if (report.first === undefined || r.time < report.first) report.first = r.time;
      if (report.last === undefined || r.time > report.last) report.last = r.time;
    }
    opts.onRequest(r);
  };

  for (const file of files) {
    const f: AuditFileReport = { path: file, gzip: false, bytes: 0, lines: 0, complete: false };
    report.files.push(f);
    const splitter = new LineSplitter(
      {
        line(text, lineNo, dropped) {
          if (dropped) report.bodiesDropped++;
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (e) {
            skip('invalid-json');
            problem({ file, line: lineNo, message: `not valid JSON (${(e as Error).message.replace(/^Unexpected /, 'unexpected ')}): a truncated or corrupt line` });
            return;
          }
          const obj = asMap(parsed);
          const kind = asString(obj?.kind);
          const apiVersion = asString(obj?.apiVersion);
          if (!obj || (kind !== 'Event' && kind !== 'EventList') || !apiVersion?.startsWith('audit.k8s.io/')) {
            skip('not-audit-event');
            problem({ file, line: lineNo, message: `not an audit event (${obj ? `kind ${JSON.stringify(kind ?? null)}, apiVersion ${JSON.stringify(apiVersion ?? null)}` : `a JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}`})` });
            return;
          }
          if (apiVersion !== AUDIT_V1 && apiVersion !== AUDIT_V1BETA1) {
            skip('unsupported-version');
            problem({ file, line: lineNo, message: `${apiVersion} is not supported (audit.k8s.io/v1 and v1beta1 are)` });
            return;
          }
          if (kind === 'Event') useEvent(obj, file, lineNo);
          else for (const item of asList(obj.items)) {
            const ev = asMap(item);
            if (ev) useEvent(ev, file, lineNo);
            else {
              skip('not-audit-event');
              problem({ file, line: lineNo, message: 'EventList item that is not an object' });
            }
          }
        },
        tooLong(lineNo) {
          skip('line-too-long');
          problem({ file, line: lineNo, message: 'line too long even without its request and response bodies: skipped' });
        },
      },
      { bigLine: opts.bigLine, maxKept: opts.maxKept },
    );
    const source: Readable = file === '-' ? (opts.stdin ?? process.stdin) : createReadStream(file, { highWaterMark: READ_CHUNK });
    try {
      for await (const chunk of bytesOf(source, () => (f.gzip = true))) {
        f.bytes += chunk.length;
        splitter.push(chunk);
      }
      splitter.end();
      f.complete = true;
    } catch (e) {
      const partial = splitter.discard();
      const err = e as NodeJS.ErrnoException;
      const zlibError = typeof err.code === 'string' && err.code.startsWith('Z_');
      const where = splitter.lineNo > 0 ? `after line ${splitter.lineNo}` : 'at its start';
      problem({
        file,
        line: splitter.lineNo + 1,
        message: zlibError
          ? `gzip data corrupt ${where} (${err.message}): the rest of the file is unreadable${partial ? '; the partial line there is dropped' : ''}`
          : `read failed ${where}: ${err.message}`,
      }, true);
    } finally {
      if (file !== '-') source.destroy();
    }
    f.lines = splitter.lineNo;
  }
  report.skipped['request-received-only'] = (report.skipped['request-received-only'] ?? 0) + pending.size;
  if (report.skipped['request-received-only'] === 0) delete report.skipped['request-received-only'];
  return report;
}

/** Human summary lines of a read: totals, skips by reason, located problems. */
export function describeRead(r: AuditReadReport): string[] {
  const lines: string[] = [];
  const bytes = r.files.reduce((n, f) => n + f.bytes, 0);
  lines.push(`read ${r.files.length} file(s), ${(bytes / 1e6).toFixed(1)} MB, ${r.events} audit event(s): ${r.requests} request(s) used`);
  for (const [reason, n] of Object.entries(r.skipped)) lines.push(`  skipped ${n}: ${SKIP_REASON_TEXT[reason as SkipReason]}`);
  if (r.decisionFromStatus) lines.push(`  ${r.decisionFromStatus} request(s) without the ${'authorization.k8s.io/decision'} annotation: decided from the response code`);
  if (r.bodiesDropped) lines.push(`  ${r.bodiesDropped} over-long event(s) read without their request/response bodies`);
  return lines;
}
