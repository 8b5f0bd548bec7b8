// Copies non-TypeScript runtime assets (check docs, bundled data) from src/ to dist/
// so the built CLI can print `explain` docs and read bundled data without the sources.
import { cpSync, existsSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.(md|json|yaml|yml)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'fixtures') continue; // test fixtures are not runtime assets
      walk(p);
    } else if (ASSET.test(name)) {
      const out = join(dist, relative(src, p));
      mkdirSync(dirname(out), { recursive: true });
      cpSync(p, out);
    }
  }
}
if (existsSync(src)) walk(src);

// The CLI entry is run directly (bin links, kubectl plugin lookup): make it executable.
import { chmodSync } from 'node:fs';
const entry = join(dist, 'cli', 'main.js');
if (existsSync(entry)) chmodSync(entry, 0o755);
