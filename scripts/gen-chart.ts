// Writes charts/kubeharden from src/deploy/chart.ts (the same code as `webhook install`).
//   npm run chart
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartFiles } from '../src/deploy/chart.js';

const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'charts', 'kubeharden');
rmSync(dir, { recursive: true, force: true });
for (const [rel, text] of Object.entries(chartFiles())) {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}
console.log(`wrote ${dir}`);
