/**
 * The upstream message helpers the checks share (`pluralize`, `joinQuote`, Go's `%q`, sorted
 * string sets). The JSON readers are k8s/json.ts's, which read fields as Go holds them.
 */

/** pluralize(singular, plural, n) from pod-security-admission policy/helpers.go. */
export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

/** joinQuote from policy/helpers.go: `"a", "b"` (no escaping, like upstream). */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return '';
  return `"${items.join('", "')}"`;
}

/** Compares strings by Unicode code point (Go compares UTF-8 bytes, which orders the same way). */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The sorted, de-duplicated list of a set of strings (`sets.String.List()`). */
export function sortedUnique(items: Iterable<string>): string[] {
  if (Array.isArray(items) && items.length < 2) return items.slice();
  return [...new Set(items)].sort(goCompare);
}

/** Runes Go's strconv.Quote escapes: non-printable ones (IsPrint: only ASCII space counts as printable space), `"` and `\`. */
const NEEDS_ESCAPE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"\\]/u;

/** Go's `%q` for a string (strconv.Quote): escapes quotes, backslashes and non-printable runes. */
export function goQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (!NEEDS_ESCAPE.test(ch)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp > 0xffff) out += `\\U${cp.toString(16).padStart(8, '0')}`;
    else out += `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}
