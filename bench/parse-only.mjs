// Baselines for bench/scan.bench.mjs: the bare cost of reading and parsing the same files into
// JSON, in one whole process like a scan. `--parser js-yaml` (what the scan parses with) or
// `--parser yaml` (the exact AST library, which the scan uses only where it reports).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import jsyaml from 'js-yaml';

const args = process.argv.slice(2);
const i = args.indexOf('--parser');
const parser = i >= 0 ? args.splice(i, 2)[1] : 'yaml';
let docs = 0;
function parse(text) {
  if (parser === 'js-yaml') {
    try {
      jsyaml.loadAll(text, () => void docs++, { schema: jsyaml.CORE_SCHEMA });
    } catch {
      /* invalid input is skipped by the scan too */
    }
    return;
  }
  for (const d of parseAllDocuments(text)) {
    try {
      d.toJS({ maxAliasCount: 1000 });
    } catch {
      /* same inputs as the scan: invalid documents are skipped there too */
    }
    docs++;
  }
}
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const n of readdirSync(p)) if (n !== '.git' && n !== 'node_modules') walk(join(p, n));
  } else if (/\.(ya?ml|json)$/i.test(p)) parse(readFileSync(p, 'utf8'));
}
for (const p of args) walk(p);
process.stdout.write(`${docs}\n`);
