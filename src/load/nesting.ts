/**
 * Documents nested too deeply to parse. Both YAML parsers (and every walk over a parsed value)
 * recurse once per level, so 10,000 nested lists exhaust the call stack: reported as a stack
 * overflow with no useful position, or worse, thrown from a check. Real manifests nest a few dozen
 * levels (the deepest document of the real-world corpus: 35, a CRD schema); such a document is
 * reported where its nesting passes the limit and replaced by an empty one, so the rest of the file
 * is read as usual.
 *
 * Cost: most texts are cleared by two substring searches; only a text that could be too deep (or
 * on which a parser overflowed) is parsed into the `yaml` library's CST, which needs no recursion.
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
 * A cheap test that a text may nest deeper than `limit`: block nesting needs indentation (a
 * mapping inside another is indented, a sequence may sit at its key's column) or compact `- - -`
 * sequences. Flow brackets (`[[[[`, minified JSON) are not looked for here: measuring them costs
 * a pass over every character of every file, so a parser's stack overflow is what reveals them
 * (see parseManifestText), and the exact measure then runs.
 */
function mayBeTooDeep(text: string, limit: number): boolean {
  return text.includes(`\n${' '.repeat(Math.floor(limit / 4))}`) || text.includes('- '.repeat(Math.floor(limit / 8)));
}

/** The message a parser's stack overflow surfaces with (V8's RangeError). */
export const STACK_OVERFLOW = /Maximum call stack size exceeded/;

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

/**
 * Documents of `text` nested deeper than `limit`, with where it happens. `measure`: skip the cheap
 * test (a parser has already overflowed on this text).
 */
export function tooDeepDocuments(text: string, limit = MAX_NESTING, measure = false): TooDeep[] {
  if (!measure && !mayBeTooDeep(text, limit)) return [];
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
