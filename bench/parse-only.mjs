// Baseline for bench/scan.bench.mjs: the bare cost of reading and YAML-parsing the same files
// (every document parsed and converted to JSON), in one whole process like a scan.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

let docs = 0;
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const n of readdirSync(p)) if (n !== '.git' && n !== 'node_modules') walk(join(p, n));
  } else if (/\.(ya?ml|json)$/i.test(p)) {
    for (const d of parseAllDocuments(readFileSync(p, 'utf8'))) {
      try {
        d.toJS({ maxAliasCount: 1000 });
      } catch {
        /* same inputs as the scan: invalid documents are skipped there too */
      }
      docs++;
    }
  }
}
for (const p of process.argv.slice(2)) walk(p);
process.stdout.write(`${docs}\n`);
