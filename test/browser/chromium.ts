/**
 * Real headless Debian Chromium for tests of HTML output (installed by scripts/infra/10-chromium.sh),
 * driven through the DevTools protocol over --remote-debugging-pipe: JSON messages separated by
 * NUL on file descriptors 3 (to the browser) and 4 (from it). No WebSocket (Node 20 has no
 * client built in), no npm browser package, no port to race for; one fresh --user-data-dir per
 * launch, removed with the process.
 *
 *   const b = await Chromium.launch();
 *   const page = await b.open(`file://${path}`);        // waits for the load event
 *   await page.evaluate('document.title');
 *   await page.screenshot(pngPath);                     // the full page
 *   page.requests / page.problems                       // every URL fetched; console errors, exceptions, CSP violations
 *   await b.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.KUBEHARDEN_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): { ok: boolean; reason?: string } {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return { ok: true };
  } catch {
    return { ok: false, reason: `${CHROMIUM} missing: run bash scripts/infra/10-chromium.sh` };
  }
}

type Json = Record<string, unknown>;

interface Pending {
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
}

export class Page {
  readonly requests: string[] = [];
  readonly problems: string[] = [];
  constructor(
    private readonly browser: Chromium,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Json = {}): Promise<Json> {
    return this.browser.send(method, params, this.sessionId);
  }

  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`evaluate ${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return (r.result as { value: T }).value;
  }

  /** A PNG of the whole page (not only the viewport). */
  async screenshot(file: string): Promise<void> {
    const metrics = (await this.send('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
    const { width, height } = metrics.cssContentSize;
    const shot = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height), scale: 1 } })) as { data: string };
    writeFileSync(file, Buffer.from(shot.data, 'base64'));
  }
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(m: Json) => void> = [];
  private buffer = '';
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const fromBrowser = child.stdio[4] as Readable;
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as Json;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(msg);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => void (this.stderr = (this.stderr + s).slice(-4000)));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited: ${this.stderr}`));
      this.pending.clear();
    });
  }

  static async launch(): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'kh-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        '--window-size=1400,900',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const b = new Chromium(child, profile);
    await b.send('Target.setDiscoverTargets', { discover: true });
    return b;
  }

  private dispatch(msg: Json): void {
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
      else p.resolve((msg.result ?? {}) as Json);
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    const toBrowser = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** A new tab at `url`, once its load event fired, with its requests and problems recorded. */
  async open(url: string, viewport = { width: 1400, height: 900 }): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    this.listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = (m.params ?? {}) as Json;
      if (m.method === 'Network.requestWillBeSent') page.requests.push(String((p.request as Json).url));
      if (m.method === 'Runtime.exceptionThrown') page.problems.push(`exception: ${JSON.stringify(p.exceptionDetails)}`);
      if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning')) page.problems.push(`console.${String(p.type)}: ${JSON.stringify(p.args)}`);
      if (m.method === 'Log.entryAdded') {
        const e = p.entry as Json;
        if (e.level === 'error' || e.level === 'warning') page.problems.push(`${String(e.source)}: ${String(e.text)}`);
      }
    });
    for (const d of ['Page.enable', 'Runtime.enable', 'Network.enable', 'Log.enable']) await page.send(d);
    await page.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false });
    const loaded = new Promise<void>((resolve) => this.listeners.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && resolve()));
    await page.send('Page.navigate', { url });
    await loaded;
    return page;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
