/**
 * The check tester (like ESLint's RuleTester): every check folder's fixtures/fail/*.yaml must
 * produce findings of that check — at exactly the positions listed in an `# expect: L:C, L:C`
 * comment when present — and every fixtures/pass/*.yaml must produce none. A change check's
 * fixture is two documents, the object before and after the change (positions are in the second).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from './registry.js';
import { checkDir } from './docs.js';
import { loadText } from '../load/index.js';
import { prepareRun, scanObjects } from '../engine/scan.js';
import { evaluateChange } from '../engine/change.js';
import { ObjectIndex } from '../engine/object-index.js';
import type { Check, Finding } from '../engine/types.js';

function fixtures(dir: string, kind: 'pass' | 'fail'): string[] {
  const d = join(dir, 'fixtures', kind);
  return existsSync(d) ? readdirSync(d).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join(d, f)) : [];
}

function expected(text: string): string[] | undefined {
  const m = /^#\s*expect:\s*(.+)$/m.exec(text);
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean).sort() : undefined;
}

function settingsOf(text: string): Record<string, unknown> {
  const m = /^#\s*settings:\s*(.+)$/m.exec(text);
  return m ? (JSON.parse(m[1]) as Record<string, unknown>) : {};
}

/** The check's findings on a fixture, suppressions applied (scan) or on the change it shows (change checks). */
function findingsOf(check: Check, text: string, file: string): Finding[] {
  const loaded = loadText(Buffer.from(text), file);
  assert.deepEqual(loaded.errors, [], 'fixture must be valid');
  const id = check.meta.id;
  if (check.scope === 'change') {
    assert.equal(loaded.objects.length, 2, 'a change fixture holds the object before and after the change');
    const [before, after] = loaded.objects;
    const run = prepareRun({ checks: ALL_CHECKS, only: [id], settings: settingsOf(text) });
    const r = evaluateChange(after, before, run, new ObjectIndex([after]));
    assert.deepEqual(r.errors, []);
    return r.findings;
  }
  const r = scanObjects(loaded.objects, { checks: ALL_CHECKS, only: [id], settings: settingsOf(text), now: new Date('2026-01-01') });
  return r.findings.filter((f) => f.check === id && !f.suppressed);
}

describe('check fixtures', () => {
  for (const check of ALL_CHECKS) {
    const id = check.meta.id;
    const dir = checkDir(id);
    it(`${id} has a folder with doc.md and fixtures`, () => {
      assert.ok(dir, `${id}: no folder with doc.md under src/checks`);
      assert.ok(fixtures(dir, 'fail').length > 0, `${id}: no fixtures/fail/*.yaml`);
      assert.ok(fixtures(dir, 'pass').length > 0, `${id}: no fixtures/pass/*.yaml`);
    });
    if (!dir) continue;
    for (const file of fixtures(dir, 'fail')) {
      it(`${id} fails ${file.slice(dir.length + 1)}`, () => {
        const text = readFileSync(file, 'utf8');
        const mine = findingsOf(check, text, file);
        assert.ok(mine.length > 0, `${id}: expected findings in ${file}`);
        const exp = expected(text);
        if (exp) assert.deepEqual(mine.map((f) => `${f.line}:${f.column}`).sort(), exp, `${id}: positions in ${file}`);
      });
    }
    for (const file of fixtures(dir, 'pass')) {
      it(`${id} passes ${file.slice(dir.length + 1)}`, () => {
        const text = readFileSync(file, 'utf8');
        const mine = findingsOf(check, text, file);
        assert.deepEqual(mine.map((f) => `${f.line}:${f.column} ${f.message}`), [], `${id}: unexpected findings in ${file}`);
      });
    }
  }
});
