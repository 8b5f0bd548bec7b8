/** Writes docs/checks/*.md from the check registry (run: npm run docs). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../src/checks/registry.js';
import { renderCheckPage, renderIndex } from '../src/report/check-docs.js';

const dir = fileURLToPath(new URL('../docs/checks/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.md')) rmSync(join(dir, f));
for (const c of ALL_CHECKS) writeFileSync(join(dir, `${c.meta.id}.md`), renderCheckPage(c));
writeFileSync(join(dir, 'README.md'), renderIndex(ALL_CHECKS));
console.log(`wrote ${ALL_CHECKS.length} check pages to docs/checks/`);
