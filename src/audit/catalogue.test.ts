import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AUDITED } from './catalogue.js';

test('docs/audit.md names every resource audit reads, and the kubectl command to record them', () => {
  const doc = readFileSync(new URL('../../docs/audit.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## What it reads'), doc.indexOf('**Secrets are never read.**'));
  for (const r of AUDITED) assert.match(table, new RegExp(`\\b${r.resource}\\b`), `${r.resource} in the table of docs/audit.md`);
  const kubectl = doc.slice(doc.indexOf('kubectl get namespaces,'), doc.indexOf('-A -o json > cluster.json')).replace(/\\\n/g, '');
  assert.deepEqual(kubectl.replace('kubectl get ', '').trim().split(',').sort(), AUDITED.map((r) => r.resource).sort());
});
