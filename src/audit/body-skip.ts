/**
 * Reads one over-long audit line in constant memory: the values of the top-level
 * `requestObject` and `responseObject` fields (the only unbounded parts of an audit event: a list
 * response can be hundreds of MB) are dropped byte by byte as they stream past and replaced by
 * `null`, so the rest of the event is parsed as usual. Used only for lines longer than the
 * reader's big-line threshold; shorter lines are parsed whole (faster).
 *
 * A raw newline never occurs inside JSON text (strings escape it), so the caller ends the line at
 * the first '\n' byte whatever state this is in.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Top-level keys whose values are dropped. */
const BODY_KEYS = new Set(['requestObject', 'responseObject']);
/** Longest top-level key remembered (longer keys cannot be body keys). */
const MAX_KEY = 32;

export class BodySkipper {
  #out: Buffer[] = [];
  #outLen = 0;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Bytes of the current depth-1 string, while it is short enough to be a key. */
  #key: number[] = [];
  #keyTooLong = false;
  /** The last depth-1 string that ended (a key when a ':' follows). */
  #lastKey = '';
  #skipping = false;
  /** True when at least one body was dropped. */
  dropped = false;
  /** True when the kept part alone exceeded `maxKept` (the line is then unusable). */
  overflow = false;

  constructor(private readonly maxKept: number) {}

  feed(buf: Buffer): void {
    let runStart = this.#skipping ? -1 : 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (b === BACKSLASH) this.#escape = true;
        else if (b === QUOTE) {
          this.#inString = false;
          if (this.#depth === 1 && !this.#skipping) this.#lastKey = this.#keyTooLong ? '' : String.fromCharCode(...this.#key);
        } else if (this.#depth === 1 && !this.#skipping && !this.#keyTooLong) {
          if (this.#key.length >= MAX_KEY) this.#keyTooLong = true;
          else this.#key.push(b);
        }
        continue;
      }
      switch (b) {
        case QUOTE:
          this.#inString = true;
          this.#key = [];
          this.#keyTooLong = false;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.#depth++;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.#skipping && this.#depth === 1) {
            // the dropped value ended at the object's closing brace
            this.#skipping = false;
            runStart = i;
          }
          this.#depth--;
          break;
        case COMMA:
          if (this.#skipping && this.#depth === 1) {
            this.#skipping = false;
            runStart = i;
          }
          break;
        case COLON:
          if (this.#depth === 1 && !this.#skipping && BODY_KEYS.has(this.#lastKey)) {
            this.#keep(buf, runStart, i + 1);
            this.#keep(Buffer.from('null'), 0, 4);
            this.#skipping = true;
            this.dropped = true;
            runStart = -1;
          }
          this.#lastKey = '';
          break;
        default:
          break;
      }
    }
    if (runStart >= 0) this.#keep(buf, runStart, buf.length);
  }

  #keep(buf: Buffer, start: number, end: number): void {
    if (end <= start || this.overflow) return;
    this.#outLen += end - start;
    if (this.#outLen > this.maxKept) {
      this.overflow = true;
      this.#out = [];
      return;
    }
    this.#out.push(Buffer.from(buf.subarray(start, end)));
  }

  /** The line with bodies dropped. */
  text(): string {
    return Buffer.concat(this.#out).toString('utf8');
  }
}
