/**
 * Where a check's doc.md lives: next to its code in src/checks/, or in dist/checks/ (copied by
 * the build) for the bundled CLI.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved as `../checks/` rather than `./`: from src/checks/docs.ts that is src/checks/, and in the
// bundle this code sits in a chunk in dist/cli/, so it is dist/checks/ (scripts/bundle.mjs keeps
// every chunk in dist/cli/ and the docs in dist/checks/).
const CHECKS_DIR = fileURLToPath(new URL('../checks/', import.meta.url));
let index: Map<string, string> | undefined;

function build(): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (!statSync(p).isDirectory() || name === 'fixtures') continue;
      if (existsSync(join(p, 'doc.md'))) m.set(name.toUpperCase(), join(p, 'doc.md'));
      if (depth < 2) walk(p, depth + 1);
    }
  };
  walk(CHECKS_DIR, 0);
  return m;
}

export function checkDocPath(id: string): string | undefined {
  index ??= build();
  return index.get(id.toUpperCase());
}

/** Folder of a check (by id), for fixture tests. */
export function checkDir(id: string): string | undefined {
  const doc = checkDocPath(id);
  return doc ? join(doc, '..') : undefined;
}
