/**
 * fix over the whole real-world corpus (../shared/corpus/realworld, or $KUBEHARDEN_SHARED):
 * no file is left unparseable or reformatted, every edit only adds or replaces the lines it
 * must, a second run changes nothing, and the fixed findings are gone. Prints the figures
 * (files, files changed, findings fixed, time). NOT RUN loudly when ../shared is absent
 * (failing when CI is set).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { diffLines } from 'diff';
import { parseAllDocuments } from 'yaml';
import { SHARED } from '../../test/shared.js';
import { decodeText, looksLikeHelmTemplate } from '../load/text.js';
import { fixTexts, type FixInput } from './index.js';
import { ALL_CHECKS } from '../checks/registry.js';

const CORPUS = join(SHARED, 'corpus', 'realworld');

function walk(d: string, out: string[] = []): string[] {
  for (const n of readdirSync(d).sort()) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(n) && n !== 'index.json') out.push(p);
  }
  return out;
}

if (!existsSync(CORPUS)) {
  const msg = 'NOT RUN: ../shared not present';
  console.error(`\n${'!'.repeat(70)}\n!!! ${msg} (looked for ${CORPUS}; set KUBEHARDEN_SHARED)\n${'!'.repeat(70)}\n`);
  test('fix on the real-world corpus', { skip: process.env.CI ? false : msg }, () => assert.fail(`${msg} (required when CI is set)`));
} else {
  test('fix on the whole real-world corpus: minimal, parseable, idempotent', { timeout: 300_000 }, () => {
    const figures: string[] = [];
    let files = 0;
    let changed = 0;
    let fixed = 0;
    let ms = 0;
    const cpu0 = process.cpuUsage();
    for (const app of readdirSync(CORPUS).filter((n) => statSync(join(CORPUS, n)).isDirectory())) {
      const inputs: FixInput[] = [];
      for (const f of walk(join(CORPUS, app))) {
        const d = decodeText(readFileSync(f));
        if (d.ok && !looksLikeHelmTemplate(d.text)) inputs.push({ file: f, text: d.text });
      }
      const t0 = performance.now();
      const r = fixTexts(inputs, { scan: { checks: ALL_CHECKS } });
      const dt = performance.now() - t0;
      ms += dt;
      files += inputs.length;
      const ch = r.files.filter((f) => f.changed);
      changed += ch.length;
      fixed += r.fixed.length;
      figures.push(`${app}: ${inputs.length} files, ${ch.length} changed, ${r.fixed.length} findings fixed, ${r.remaining.length} left, ${dt.toFixed(0)} ms`);

      assert.ok(!r.errors.some((e) => /internal error|not fixed/.test(e.message)), JSON.stringify(r.errors.filter((e) => /internal error|not fixed/.test(e.message))));
      for (const f of ch) {
        const name = relative(CORPUS, f.file);
        // Same number of documents, each still parseable wherever the input was.
        const before = parseAllDocuments(f.before);
        const after = parseAllDocuments(f.after);
        assert.equal(after.length, before.length, name);
        after.forEach((d, i) => assert.ok(d.errors.length === 0 || before[i].errors.length > 0, `${name}: document ${i + 1} broken`));
        // Safe fixes only add lines. The only replacements are of empty {} / [] / null
        // placeholders, and of a capability written in the wrong case (`- all` → `- ALL`: the API
        // server compares capability names exactly, so `all` never dropped anything).
        const eol = (t: string): string => (t.endsWith('\n') ? t : `${t}\n`); // a kept missing final newline is no change
        for (const part of diffLines(eol(f.before), eol(f.after))) {
          if (!part.removed) continue;
          for (const line of part.value.split('\n').filter(Boolean)) {
            if (/^\s*-\s*["']?all["']?\s*$|drop:\s*\[.*\ball\b.*\]/.test(line)) continue;
            assert.match(line, /:\s*(\{\}|\[\]|null|~)?\s*(#.*)?$/, `${name}: line changed, not only added: ${line}`);
          }
        }
      }
      // Idempotence: a second run over the fixed files changes nothing.
      if (ch.length) {
        const again = fixTexts(ch.map((f) => ({ file: f.file, text: f.after })), { scan: { checks: ALL_CHECKS } });
        assert.deepEqual(again.files.filter((f) => f.changed).map((f) => relative(CORPUS, f.file)), [], `${app}: second run`);
      }
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(`# fix on the corpus: ${files} files, ${changed} changed, ${fixed} findings fixed, ${(ms / 1000).toFixed(1)} s wall for fixing (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU including the checks of this test)\n# ${figures.join('\n# ')}`);
    assert.ok(changed > 100, `changed ${changed}`);
  });
}
