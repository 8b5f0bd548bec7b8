import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from './registry.js';
import { renderCheckPage, renderIndex } from '../report/check-docs.js';

const DOCS = fileURLToPath(new URL('../../docs/checks/', import.meta.url));

it('docs/checks has an up-to-date page per check (run `npm run docs` after changing a check)', () => {
  const stale: string[] = [];
  for (const c of ALL_CHECKS) {
    const file = `${DOCS}${c.meta.id}.md`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== renderCheckPage(c)) stale.push(c.meta.id);
  }
  if (!existsSync(`${DOCS}README.md`) || readFileSync(`${DOCS}README.md`, 'utf8') !== renderIndex(ALL_CHECKS)) stale.push('README.md');
  assert.deepEqual(stale, []);
});

it('every check has complete metadata', () => {
  const ids = new Set<string>();
  for (const c of ALL_CHECKS) {
    const m = c.meta;
    assert.ok(!ids.has(m.id), `duplicate id ${m.id}`);
    ids.add(m.id);
    assert.match(m.id, /^[A-Z0-9]+(-[A-Za-z0-9_]+)+$/, m.id);
    assert.ok(m.title.length > 5 && m.attack.length > 30 && m.remediation.length > 20, `${m.id}: title/attack/remediation`);
    assert.ok(m.references.length > 0, `${m.id}: references`);
  }
});
