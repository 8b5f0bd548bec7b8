/**
 * Splits a byte stream into lines (JSON lines audit logs) with their 1-based numbers. Chunks are
 * decoded once up to their last newline (a '\n' byte never occurs inside a UTF-8 multi-byte
 * sequence, so the cut is always on a character boundary) and split as strings, which is several
 * times faster than decoding line by line. A line longer than `bigLine` bytes is handed to a
 * BodySkipper as it streams in, so even a multi-GB line takes bounded memory.
 */
import { BodySkipper } from './body-skip.js';

export interface LineSplitterOptions {
  /** Lines longer than this stream through the BodySkipper (default 4 MiB). */
  bigLine?: number;
  /** Longest line kept once request/response bodies are dropped (default 16 MiB). */
  maxKept?: number;
}

export interface LineSink {
  line(text: string, lineNo: number, bodiesDropped: boolean): void;
  /** A line that stays too long even without its bodies. */
  tooLong(lineNo: number): void;
}

export class LineSplitter {
  lineNo = 0;
  #carry: Buffer[] = [];
  #carryLen = 0;
  #skipper: BodySkipper | undefined;
  readonly #bigLine: number;
  readonly #maxKept: number;

  constructor(
    private readonly sink: LineSink,
    opts: LineSplitterOptions = {},
  ) {
    this.#bigLine = opts.bigLine ?? 4 * 1024 * 1024;
    this.#maxKept = opts.maxKept ?? 16 * 1024 * 1024;
  }

  /** Bytes of an unfinished line held (for tests of bounded memory). */
  get pendingBytes(): number {
    return this.#carryLen;
  }

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      this.#append(chunk);
      return;
    }
    let pos = 0;
    if (this.#carryLen > 0 || this.#skipper) {
      const nl = chunk.indexOf(10);
      this.#append(chunk.subarray(0, nl));
      this.#finishCarried();
      pos = nl + 1;
    }
    if (pos <= last) {
      const text = chunk.toString('utf8', pos, last);
      let s = 0;
      for (;;) {
        const e = text.indexOf('\n', s);
        this.lineNo++;
        const line = e < 0 ? (s === 0 ? text : text.slice(s)) : text.slice(s, e);
        if (line.length > this.#bigLine) this.#emitBig(Buffer.from(line));
        else this.#emit(line, false);
        if (e < 0) break;
        s = e + 1;
      }
    }
    if (last + 1 < chunk.length) this.#append(chunk.subarray(last + 1));
  }

  /** Ends the stream: a last line without a newline is still a line. */
  end(): void {
    if (this.#carryLen > 0 || this.#skipper) this.#finishCarried();
  }

  /** Drops an unfinished line (the stream broke off); returns whether there was one. */
  discard(): boolean {
    const had = this.#carryLen > 0 || this.#skipper !== undefined;
    this.#carry = [];
    this.#carryLen = 0;
    this.#skipper = undefined;
    return had;
  }

  #append(buf: Buffer): void {
    if (buf.length === 0) return;
    if (this.#skipper) {
      this.#skipper.feed(buf);
      return;
    }
    this.#carry.push(buf);
    this.#carryLen += buf.length;
    if (this.#carryLen > this.#bigLine) {
      this.#skipper = new BodySkipper(this.#maxKept);
      for (const b of this.#carry) this.#skipper.feed(b);
      this.#carry = [];
      this.#carryLen = 0;
    }
  }

  /** A long line that arrived within one chunk: same treatment as a streamed one. */
  #emitBig(bytes: Buffer): void {
    const skipper = new BodySkipper(this.#maxKept);
    skipper.feed(bytes);
    this.#endSkipper(skipper);
  }

  #endSkipper(skipper: BodySkipper): void {
    if (skipper.overflow) this.sink.tooLong(this.lineNo);
    else this.#emit(skipper.text(), skipper.dropped);
  }

  #finishCarried(): void {
    this.lineNo++;
    const skipper = this.#skipper;
    if (skipper) {
      this.#skipper = undefined;
      this.#endSkipper(skipper);
      return;
    }
    const text = this.#carry.length === 1 ? this.#carry[0].toString('utf8') : Buffer.concat(this.#carry, this.#carryLen).toString('utf8');
    this.#carry = [];
    this.#carryLen = 0;
    this.#emit(text, false);
  }

  #emit(text: string, dropped: boolean): void {
    // Windows line ends and blank lines (log rotation can leave one) are not events.
    const t = text.length > 0 && text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (t.length === 0 || (t.length < 8 && t.trim() === '')) return;
    this.sink.line(t, this.lineNo, dropped);
  }
}
