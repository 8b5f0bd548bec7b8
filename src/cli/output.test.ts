import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamOutput, writePieces } from './output.js';

/** A reader slower than the writer: each chunk is taken a timer tick later. */
function slowSink(highWaterMark: number): Writable & { received: string[]; maxQueued: number } {
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      sink.received.push(chunk);
      setTimeout(done, 1);
    },
  }) as Writable & { received: string[]; maxQueued: number };
  sink.received = [];
  sink.maxQueued = 0;
  return sink;
}

describe('writePieces', () => {
  it('holds at most one piece beyond the stream buffer while the reader lags (a piped report is not queued whole)', async () => {
    const sink = slowSink(16);
    let produced = 0;
    function* pieces(): Generator<string> {
      for (let i = 0; i < 200; i++) {
        sink.maxQueued = Math.max(sink.maxQueued, sink.writableLength);
        produced++;
        yield `piece ${i}\n`;
      }
    }
    await writePieces(sink, pieces());
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.equal(produced, 200);
    assert.equal(sink.received.join(''), Array.from({ length: 200 }, (_, i) => `piece ${i}\n`).join(''));
    assert.ok(sink.maxQueued <= 16 + 'piece 199\n'.length, `queued ${sink.maxQueued} characters`);
  });

  it('stops producing once the stream is closed (a reader that went away)', async () => {
    const sink = slowSink(16);
    let produced = 0;
    function* pieces(): Generator<string> {
      for (let i = 0; i < 100; i++) {
        produced++;
        if (i === 10) sink.destroy();
        yield 'x'.repeat(32);
      }
    }
    await writePieces(sink, pieces());
    assert.ok(produced <= 12, `produced ${produced} pieces after the close`);
  });

  it('a report piped through a slow reader arrives whole and in order', async () => {
    // The real stdout of a child process, read slowly: the writer waits instead of queueing.
    const code = `import('${new URL('./output.ts', import.meta.url).href}').then(async (m) => { function* p() { for (let i = 0; i < 2000; i++) yield String(i).padStart(64, '.') + '\\n'; } await m.writePieces(process.stdout, p()); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 200));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const status = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(status, 0);
    const lines = Buffer.concat(chunks).toString().split('\n').filter(Boolean);
    assert.equal(lines.length, 2000);
    assert.equal(lines[1999], '1999'.padStart(64, '.'));
  });

  it('to --output-file, an error producing a piece is not reported as a failed write of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-output-'));
    try {
      const file = join(dir, 'report.json');
      function* pieces(): Generator<string> {
        yield 'first\n';
        throw new Error('cannot read the findings\' temporary files');
      }
      await assert.rejects(streamOutput(pieces(), file), (e: Error) => e.message === 'cannot read the findings\' temporary files');
      assert.equal(readFileSync(file, 'utf8'), 'first\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
