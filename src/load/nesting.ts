/**
 * Documents nested too deeply to parse. Both YAML parsers (and every walk over a parsed value)
 * recurse once per level, so 10,000 nested lists exhaust the call stack: reported as a stack
 * overflow with no useful position, or worse, thrown from a check. Real manifests nest a few dozen
 * levels (the deepest document of the real-world corpus: 35, a CRD schema); such a document is
 * reported where its nesting passes the limit and replaced by an empty one, so the rest of the file
 * is read as usual.
 *
 * Cost: most texts are cleared by two cheap bounds (leading indentation and bracket depth); only a
 * text that could be too deep is parsed into the `yaml` library's CST, which needs no recursion.
 */
import { Parser, type CST } from 'yaml';

/** Deepest nesting of mappings and sequences read (the corpus's deepest is 35; parsers overflow past ~1,500). */
export const MAX_NESTING = 512;

export interface TooDeep {
  /** Offsets of the document's content in the text: [start, end). */
  start: number;
  end: number;
  /** Offset of the first collection nested deeper than the limit. */
  at: number;
}

/**
 * Nesting depth is at most 2 per column of leading indentation and indicators (`- `, `? `; a
 * sequence may sit at its parent key's column, a mapping may not), plus the depth of flow
 * brackets. Texts under both bounds need no parse.
 */
function mayBeTooDeep(text: string, limit: number): boolean {
  const lead = Math.floor(limit / 4);
  const deepLine = new RegExp(`^[ \\t?:-]{${lead},}`, 'm');
  if (deepLine.test(text)) return true;
  return flowDepth(text, Math.ceil(limit / 2)) >= Math.ceil(limit / 2);
}

/**
 * The deepest nesting of flow brackets, outside quoted strings and comments, stopping at `stop`.
 * Brackets inside plain scalars count too: an over-estimate only costs the exact measure.
 */
function flowDepth(text: string, stop: number): number {
  // Most texts have few brackets: count them before scanning character by character.
  let brackets = 0;
  for (let i = text.indexOf('['); i >= 0 && brackets < stop; i = text.indexOf('[', i + 1)) brackets++;
  for (let i = text.indexOf('{'); i >= 0 && brackets < stop; i = text.indexOf('{', i + 1)) brackets++;
  if (brackets < stop) return brackets;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) >= stop) return max;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x22) {
      // "…" with backslash escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x27 && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) {
      // '…' with '' as the escape; an apostrophe inside a word is not a quote
      for (i++; i < text.length; i++) {
        if (text.charCodeAt(i) === 0x27) {
          if (text.charCodeAt(i + 1) === 0x27) i++;
          else break;
        }
      }
    } else if (c === 0x23 && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    }
  }
  return max;
}

type Item = { key?: CST.Token | null; value?: CST.Token };

/** Children of a CST token that can hold collections. */
function childrenOf(token: CST.Token): Array<CST.Token | null | undefined> {
  switch (token.type) {
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      return (token.items as Item[]).flatMap((it) => [it.key, it.value]);
    default:
      return [];
  }
}

function isCollection(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

/** The offset of the first collection deeper than `limit` in `root`, walked without recursion. */
function deepestOffset(root: CST.Token, limit: number): number | undefined {
  const stack: Array<[CST.Token, number]> = [[root, isCollection(root) ? 1 : 0]];
  while (stack.length) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    if (depth > limit) return token.offset;
    const children = childrenOf(token);
    // Pushed in reverse, so the first (top-most in the text) deep place is found first.
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push([child, depth + (isCollection(child) ? 1 : 0)]);
    }
  }
  return undefined;
}

/** Documents of `text` nested deeper than `limit`, with where it happens. */
export function tooDeepDocuments(text: string, limit = MAX_NESTING): TooDeep[] {
  if (!mayBeTooDeep(text, limit)) return [];
  const tokens = [...new Parser().parse(text)];
  const out: TooDeep[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'document' || !token.value) return;
    const at = deepestOffset(token.value, limit);
    if (at === undefined) return;
    const next = tokens.slice(i + 1).find((t) => t.type === 'document' || t.type === 'doc-end' || t.type === 'directive');
    out.push({ start: token.value.offset, end: next ? next.offset : text.length, at });
  });
  return out;
}

/**
 * `text` with the content of these documents replaced by `~` (an empty document) and spaces,
 * line breaks kept: the same length and lines, so every other position and document index holds.
 */
export function blankDocuments(text: string, docs: readonly TooDeep[]): string {
  if (docs.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const d of [...docs].sort((a, b) => a.start - b.start)) {
    parts.push(text.slice(from, d.start), '~', text.slice(d.start + 1, d.end).replace(/[^\r\n]/g, ' '));
    from = d.end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}
