/**
 * Truth tables written by hand from the seeds' examples (src/netpol/fixtures/truth-tables): the
 * NSA/CISA guide's teamalpha/teambeta namespaces without and with isolation, default deny plus
 * DNS (and the UDP-only mistake), and the zero-trust article's "friend namespace" policy.
 *
 * Format, in each fixture's comments:
 *   # base: FILE                      objects shared by several tables
 *   # table PROTO PORT                then a header of destinations and one row per source:
 *   #   SRC  Y|.|-  …                 Y allowed, . denied, - not a NetworkPolicy question
 *   # dns: NS/WORKLOAD STATUS, …      the exposure report's DNS verdict (ok, udp-only, open, …)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { buildWorld } from './world.js';
import { Reachability } from './engine.js';
import { canReach, parsePortArg, resolveArg } from './query.js';
import { computeExposure } from './exposure.js';
import { parseTables } from '../../test/netpol/truth-tables.js';

const DIR = fileURLToPath(new URL('./fixtures/truth-tables/', import.meta.url));

function load(file: string) {
  const text = readFileSync(join(DIR, file), 'utf8');
  const base = /^# base: (\S+)$/m.exec(text)?.[1];
  const objects = [...(base ? loadText(readFileSync(join(DIR, base)), base).objects : []), ...loadText(Buffer.from(text), file).objects];
  const index = new ObjectIndex(objects);
  const world = buildWorld(index);
  assert.deepEqual(world.policies.flatMap((p) => p.problems), []);
  return { text, index, world, engine: new Reachability(world) };
}

describe('truth tables from the seeds', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('.base.yaml'))) {
    it(file, () => {
      const f = load(file);
      const tables = parseTables(f.text);
      assert.ok(tables.length > 0, 'a truth table fixture needs at least one table');
      const services = (ns: string, name: string) => f.index.get('Service', ns, name)?.object as Record<string, unknown> | undefined;
      const wrong: string[] = [];
      for (const t of tables) {
        for (const row of t.rows) {
          row.marks.forEach((mark, j) => {
            if (mark === '-') return;
            const a = canReach(f.engine, resolveArg(row.src, f.world, f.engine, services), resolveArg(t.columns[j], f.world, f.engine, services), parsePortArg(`${t.port}/${t.protocol}`));
            const got = a.answer === 'yes' ? 'Y' : a.answer === 'no' ? '.' : '?';
            if (got !== mark) wrong.push(`${t.protocol} ${t.port}: ${row.src} -> ${t.columns[j]}: expected ${mark}, got ${got}`);
          });
        }
      }
      assert.deepEqual(wrong, []);
      const dns = /^# dns: (.+)$/m.exec(f.text);
      if (dns) {
        const report = computeExposure(f.engine);
        for (const entry of dns[1].split(',').map((s) => s.trim())) {
          const [workload, status] = entry.split(/\s+/);
          const w = report.workloads.find((x) => x.node.label === workload);
          assert.ok(w, `exposure lists ${workload}`);
          assert.equal(w.dns.status, status, `${workload} DNS`);
        }
      }
    });
  }
});
