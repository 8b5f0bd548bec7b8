import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { progressBar } from './progress.js';

function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return { stream: Object.assign(s, { isTTY }) as unknown as NodeJS.WriteStream, text: () => out };
}

test('a bar of namespaces done/total on a terminal, erased at the end; nothing when not a terminal or in CI', async () => {
  const tty = terminal(true);
  const bar = progressBar(tty.stream, {});
  assert.ok(bar);
  bar.update({ namespacesDone: 50, namespacesTotal: 200, objects: 12345, findings: 678 });
  bar.update({ namespacesDone: 200, namespacesTotal: 200, objects: 50000, findings: 2000 });
  bar.done();
  await new Promise((r) => setImmediate(r));
  assert.match(tty.text(), /\[######\.{18}\] 50\/200 namespaces · 12,345 objects · 678 findings/);
  assert.match(tty.text(), /\[#{24}\] 200\/200 namespaces · 50,000 objects/);
  assert.ok(tty.text().endsWith('\r\x1b[2K'));
  assert.equal(progressBar(terminal(false).stream, {}), undefined);
  assert.equal(progressBar(terminal(true).stream, { CI: 'true' }), undefined);
});
