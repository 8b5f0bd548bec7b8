/**
 * CustomResourceDefinitions are most of the bytes of real manifest sets (their OpenAPI schemas:
 * 8.7 of the 11 MB of the real-world corpus) and no check reads their `spec`: a CRD has no pod
 * template, no RBAC rules, no secrets. So the fast loader parses only a CRD's header — every
 * top-level entry except `spec` and `status` — and parses the whole document the first time
 * something reads the object (`kubeharden rbac` reads the resources a CRD declares).
 *
 * Only the plainest layout takes this path: a block mapping whose keys start in column 0.
 * Anything else (flow style, tags, anchors at the top level, quoted keys) returns undefined and
 * the document is parsed whole.
 */

/** `kind: CustomResourceDefinition` as a top-level entry (quoted or not, trailing comment allowed). */
const CRD_KIND = /^kind:[ \t]+(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?\r?$/m;
/** A plain top-level key starting a line: `name:` followed by a space or the end of the line. */
const TOP_LEVEL_KEY = /^([A-Za-z_][\w.-]*)[ \t]*:(?=[ \t]|\r?$)/;
/** The document's opening marker line, alone or with a comment. */
const BARE_MARKER = /^---[ \t]*(?:#.*)?\r?$/;

const SKIPPED = new Set(['spec', 'status']);

/** Whether a file may contain a CRD in the plain layout (a cheap test before splitting it). */
export function mayHoldCrds(text: string): boolean {
  return CRD_KIND.test(text);
}

/**
 * The text of a CRD document without its `spec` and `status` entries, or undefined when the
 * document is not a CRD in the plain layout. The result has the same lines as `text` up to the
 * first skipped entry (so a parse error in the header still points at the right line).
 */
export function crdHeaderText(text: string): string | undefined {
  if (!CRD_KIND.test(text)) return undefined;
  const lines = text.split('\n');
  const kept: string[] = [];
  let skipping = false;
  let sawSkipped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const first = line.charCodeAt(0);
    const indented = first === 32 /* space */ || first === 9 /* tab */;
    const blank = line.length === 0 || line === '\r';
    if (!indented && !blank && first !== 35 /* # */) {
      if (i === 0 && line.startsWith('---')) {
        if (!BARE_MARKER.test(line)) return undefined; // `--- !tag`, `--- {…}`: not the plain layout
        kept.push(line);
        continue;
      }
      const key = TOP_LEVEL_KEY.exec(line);
      if (!key) return undefined;
      skipping = SKIPPED.has(key[1]);
      if (skipping) {
        sawSkipped = true;
        continue;
      }
      // A tag, anchor or flow collection on a top-level value could refer into a skipped entry.
      if (/^[^:]*:[ \t]*[&*!]/.test(line)) return undefined;
    }
    if (!skipping) kept.push(line);
  }
  return sawSkipped ? kept.join('\n') : undefined;
}
