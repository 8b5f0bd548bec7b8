/**
 * Headless Debian Chromium driven over the DevTools protocol (--remote-debugging-pipe: JSON
 * messages separated by NUL on fds 3 and 4, no WebSocket library needed). Test infrastructure
 * only: scripts/infra/10-chromium.sh installs /usr/bin/chromium. Each browser gets a fresh
 * profile directory, removed on close; only the pid started here is ever killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.KUBEHARDEN_CHROMIUM ?? '/usr/bin/chromium';

/** Chromium present? Under CI its absence is an error (the infra script installs it). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `NOT RUN: ${CHROMIUM} missing (bash scripts/infra/10-chromium.sh installs it)`;
  if (process.env.CI) throw new Error(msg);
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  return false;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  method: string;
}

export interface ConsoleEntry {
  type: string;
  text: string;
}

export class Browser {
  #proc: ChildProcess;
  #out: Writable;
  #profile: string;
  #next = 1;
  #pending = new Map<number, Pending>();
  #listeners: Array<(m: { method: string; params: Record<string, unknown>; sessionId?: string }) => void> = [];

  private constructor(proc: ChildProcess, profile: string) {
    this.#proc = proc;
    this.#profile = profile;
    this.#out = proc.stdio[3] as Writable;
    const input = proc.stdio[4] as Readable;
    let buf = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
        buf = buf.slice(i + 1);
        if (msg.id !== undefined) {
          const p = this.#pending.get(msg.id);
          this.#pending.delete(msg.id);
          if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
          else p?.resolve(msg.result ?? {});
        } else if (msg.method) for (const l of this.#listeners) l({ method: msg.method, params: msg.params ?? {}, sessionId: msg.sessionId });
      }
    });
  }

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'kubeharden-chromium-'));
    const proc = spawn(
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
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        '--window-size=1280,900',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const b = new Browser(proc, profile);
    await Promise.race([
      b.send('Browser.getVersion'),
      new Promise((_, rej) => proc.once('exit', (code) => rej(new Error(`chromium exited (${code}): ${stderr}`)))),
      new Promise((_, rej) => setTimeout(() => rej(new Error(`chromium did not answer in 30 s: ${stderr}`)), 30_000).unref()),
    ]);
    return b;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  on(listener: (m: { method: string; params: Record<string, unknown>; sessionId?: string }) => void): void {
    this.#listeners.push(listener);
  }

  /** A new tab with Runtime, Page and Log events on; console messages and exceptions are collected. */
  async newPage(): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    this.on((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Runtime.consoleAPICalled') {
        const args = (m.params.args as Array<{ value?: unknown; description?: string }>) ?? [];
        page.console.push({ type: String(m.params.type), text: args.map((a) => String(a.value ?? a.description ?? '')).join(' ') });
      } else if (m.method === 'Runtime.exceptionThrown') {
        const d = m.params.exceptionDetails as { text?: string; exception?: { description?: string } };
        page.console.push({ type: 'exception', text: `${d.text ?? ''} ${d.exception?.description ?? ''}` });
      } else if (m.method === 'Log.entryAdded') {
        const e = m.params.entry as { level: string; text: string; url?: string };
        page.console.push({ type: `log-${e.level}`, text: `${e.text}${e.url ? ` (${e.url})` : ''}` });
      } else if (m.method === 'Network.requestWillBeSent') {
        page.requests.push(String((m.params.request as { url: string }).url));
      }
    });
    await Promise.all(['Runtime.enable', 'Page.enable', 'Log.enable', 'Network.enable'].map((x) => this.send(x, {}, sessionId)));
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((r) => (this.#proc.exitCode !== null ? r() : this.#proc.once('exit', () => r())));
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 3000).unref())]);
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    if (this.#proc.exitCode === null && this.#proc.pid) this.#proc.kill('SIGKILL');
    rmSync(this.#profile, { recursive: true, force: true });
  }
}

export class Page {
  readonly console: ConsoleEntry[] = [];
  readonly requests: string[] = [];
  constructor(
    private browser: Browser,
    private sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Navigates and waits for the load event. */
  async goto(url: string, opts: { javaScript?: boolean } = {}): Promise<void> {
    await this.send('Emulation.setScriptExecutionDisabled', { value: opts.javaScript === false });
    const loaded = new Promise<void>((resolve) => {
      this.browser.on((m) => {
        if (m.sessionId === this.sessionId && m.method === 'Page.loadEventFired') resolve();
      });
    });
    await this.send('Page.navigate', { url });
    await Promise.race([loaded, new Promise((_, rej) => setTimeout(() => rej(new Error(`${url} did not load in 60 s`)), 60_000).unref())]);
  }

  /** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
  async eval<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as { result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  async waitFor(expression: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await this.eval<boolean>(`Boolean(${expression})`)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${expression}`);
  }

  /** A PNG of the page (the whole page when full). */
  async screenshot(opts: { full?: boolean; width?: number } = {}): Promise<Buffer> {
    if (opts.full) {
      const m = (await this.send('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
      const height = Math.min(Math.ceil(m.cssContentSize.height), 16_000);
      await this.send('Emulation.setDeviceMetricsOverride', { width: opts.width ?? 1280, height, deviceScaleFactor: 1, mobile: false });
    }
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: opts.full === true })) as { data: string };
    if (opts.full) await this.send('Emulation.clearDeviceMetricsOverride');
    return Buffer.from(data, 'base64');
  }
}
