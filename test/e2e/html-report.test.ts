/**
 * The HTML report in a real browser (headless Debian Chromium over the DevTools protocol):
 * it renders, loads nothing from the network, logs no errors, filters and searches, pages
 * through the ×10 corpus within the documented size, reads without JavaScript, and passes
 * accessibility basics (one h1, ordered headings, labelled controls, WCAG AA text contrast).
 * Screenshots are written next to the reports and their paths printed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kubeharden } from '../cli/helpers.js';
import { sharedPath } from '../shared.js';
import { Browser, chromiumAvailable, type Page } from '../browser/chromium.js';

const run = chromiumAvailable();
const out = mkdtempSync(join(tmpdir(), 'kubeharden-html-'));
const shots = join(tmpdir(), 'kubeharden-screenshots');
mkdirSync(shots, { recursive: true });

/** Bytes per finding the ×10 corpus report may take, plus a fixed part (docs/reports.md). */
const BYTES_PER_FINDING = 260;
const FIXED_BYTES = 600 * 1024;

let browser: Browser;

function report(name: string, args: string[]): { file: string; json: { findings: Array<{ severity: string; check: string; suppressed?: unknown; object: { namespace?: string } }> } } {
  const file = join(out, `${name}.html`);
  const r = kubeharden(['scan', ...args, '-o', 'html', '--output-file', file, '--write-baseline', join(out, `${name}.json`), '--fail-on', 'none']);
  assert.ok(r.code === 0 || r.code === 2, r.stderr);
  return { file, json: JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) };
}

async function open(file: string, javaScript = true): Promise<Page> {
  const page = await browser.newPage();
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
  await page.goto(pathToFileURL(file).href, { javaScript });
  if (javaScript) await page.waitFor("document.documentElement.dataset.ready === 'true'");
  return page;
}

async function shot(page: Page, name: string, full = false): Promise<void> {
  const p = join(shots, `${name}.png`);
  writeFileSync(p, await page.screenshot({ full }));
  console.log(`screenshot: ${p}`);
}

const count = (page: Page) => page.eval<string>("document.querySelector('#list-main .count').textContent");
const rows = (page: Page) => page.eval<number>("document.querySelectorAll('#list-main tbody tr.finding').length");
async function setValue(page: Page, id: string, value: string): Promise<void> {
  await page.eval(`(() => { const e = document.getElementById(${JSON.stringify(id)}); e.value = ${JSON.stringify(value)}; e.dispatchEvent(new Event('input', { bubbles: true })); })()`);
}

describe('HTML report in headless Chromium', { skip: !run }, () => {
  before(async () => {
    browser = await Browser.launch();
  });
  after(async () => {
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('renders the examples with no console errors and no network fetch; filters and search work', async () => {
    const { file, json } = report('examples', ['examples/']);
    const page = await open(file);
    await shot(page, 'html-report-examples');
    assert.deepEqual(page.console.filter((c) => c.type === 'error' || c.type === 'exception' || c.type.startsWith('log-error') || c.type.startsWith('log-warning')), []);
    assert.deepEqual(page.requests.filter((u) => !u.startsWith('file:')), [], 'the report fetches nothing');
    const open_ = json.findings.filter((f) => !f.suppressed);
    assert.equal(await count(page), `${open_.length} of ${open_.length} findings match`);
    // Severity: only critical.
    for (const s of ['high', 'medium', 'low', 'info']) await page.eval(`document.getElementById('f-sev-${s}').click()`);
    const critical = open_.filter((f) => f.severity === 'critical').length;
    assert.ok(critical > 0);
    assert.equal(await count(page), `${critical} of ${open_.length} findings match`);
    assert.equal(await rows(page), critical);
    assert.ok((await page.eval<string[]>("[...document.querySelectorAll('#list-main tbody .badge')].map((b) => b.textContent)")).every((t) => t === 'critical'));
    await page.eval("document.getElementById('f-reset').click()");
    assert.equal(await count(page), `${open_.length} of ${open_.length} findings match`);
    // Check filter.
    await page.eval("(() => { const s = document.getElementById('f-check'); s.value = 'CTR-PRIV-ESC'; s.dispatchEvent(new Event('change', { bubbles: true })); })()");
    assert.equal(await count(page), `${open_.filter((f) => f.check === 'CTR-PRIV-ESC').length} of ${open_.length} findings match`);
    await page.eval("document.getElementById('f-reset').click()");
    // Namespace filter.
    await page.eval("(() => { const s = document.getElementById('f-ns'); s.value = 'prod'; s.dispatchEvent(new Event('change', { bubbles: true })); })()");
    assert.equal(await count(page), `${open_.filter((f) => f.object.namespace === 'prod').length} of ${open_.length} findings match`);
    await page.eval("document.getElementById('f-reset').click()");
    // File filter and search.
    await setValue(page, 'f-file', 'rbac.yaml');
    const inRbac = await rows(page);
    assert.ok(inRbac > 0 && inRbac < open_.length);
    assert.ok((await page.eval<string[]>("[...document.querySelectorAll('#list-main tbody td.loc')].map((c) => c.textContent)")).every((t) => t.includes('rbac.yaml')));
    await setValue(page, 'f-file', '');
    await setValue(page, 'f-q', 'vol-runtime-SOCKET');
    assert.equal(await rows(page), open_.filter((f) => f.check === 'VOL-RUNTIME-SOCKET').length);
    assert.deepEqual(new Set(await page.eval<string[]>("[...document.querySelectorAll('#list-main tbody tr.finding td:nth-child(3)')].map((c) => c.textContent)")), new Set(['VOL-RUNTIME-SOCKET']));
    // Details: location, why, fix and references of the finding.
    await page.eval("document.querySelector('#list-main tbody button.toggle').click()");
    const detail = await page.eval<string>("document.querySelector('#list-main tr.detail').textContent");
    for (const k of ['Location', 'Why', 'Fix', 'References', 'web.yaml:']) assert.ok(detail.includes(k), `${k} in ${detail}`);
    await page.eval("document.getElementById('h-findings').scrollIntoView()");
    await shot(page, 'html-report-search');
    await setValue(page, 'f-q', 'no-such-thing-anywhere');
    assert.equal(await count(page), `0 of ${open_.length} findings match`);
    // Suppressed findings: their own section, collapsed.
    assert.equal(await page.eval<boolean>("document.getElementById('suppressed').open"), false);
  });

  it('has accessibility basics: one h1, no skipped heading level, labelled controls, AA contrast', async () => {
    const page = await open(join(out, 'examples.html'));
    const headings = await page.eval<number[]>("[...document.querySelectorAll('h1,h2,h3,h4')].map((h) => Number(h.tagName[1]))");
    assert.equal(headings.filter((h) => h === 1).length, 1);
    for (let i = 1; i < headings.length; i++) assert.ok(headings[i] <= headings[i - 1] + 1, `heading level jumps from h${headings[i - 1]} to h${headings[i]}`);
    const unlabelled = await page.eval<string[]>(
      "[...document.querySelectorAll('input,select,button')].filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map((e) => e.outerHTML)",
    );
    assert.deepEqual(unlabelled, []);
    assert.ok(await page.eval<boolean>("[...document.querySelectorAll('svg.chart')].every((s) => s.getAttribute('role') === 'img' && s.querySelector('title'))"));
    // WCAG contrast of every visible text node against its effective background.
    const worst = await page.eval<Array<{ text: string; ratio: number }>>(`(() => {
      const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null; const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
      const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
      const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const el = n.parentElement; if (!el || el.closest('svg,script,style,[hidden]')) continue;
        const r = el.getBoundingClientRect(); if (!r.width || !r.height) continue;
        const fg = parse(getComputedStyle(el).color); const b = bg(el);
        const l1 = lum(fg), l2 = lum(b);
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        out.push({ text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100 });
      }
      return out.sort((a, b) => a.ratio - b.ratio).slice(0, 5);
    })()`);
    assert.ok(worst.length > 0);
    assert.ok(worst[0].ratio >= 4.5, `lowest text contrast ${JSON.stringify(worst[0])} (WCAG AA needs 4.5:1)`);
  });

  it('reads without JavaScript: summary, charts, the worst findings and the check explanations', async () => {
    const page = await open(join(out, 'examples.html'), false);
    await shot(page, 'html-report-no-js');
    assert.ok(await page.eval<boolean>("document.getElementById('filters').hidden"));
    assert.ok((await page.eval<number>("document.querySelectorAll('#list-main tbody tr.finding').length")) > 10);
    assert.ok(await page.eval<boolean>("document.querySelectorAll('svg.chart').length === 2"));
    assert.ok(await page.eval<boolean>("!!document.getElementById('check-CTR-PRIVILEGED')"));
  });

  it('rbac risks -o html: subjects as objects, grants in the details', async () => {
    const file = join(out, 'risks.html');
    const r = kubeharden(['rbac', 'risks', '-f', 'examples/', '--with-defaults', '-o', 'html']);
    assert.equal(r.code, 1, r.stderr); // examples/insecure grants cluster-admin: risks at high and above
    writeFileSync(file, r.stdout);
    const page = await open(file);
    assert.deepEqual(page.console.filter((c) => c.type === 'error' || c.type === 'exception'), []);
    assert.ok((await rows(page)) > 0);
    await page.eval("document.querySelector('#list-main tbody button.toggle').click()");
    assert.match(await page.eval<string>("document.querySelector('#list-main tr.detail').textContent"), /via (Cluster)?RoleBinding/);
    await shot(page, 'html-report-rbac-risks');
  });

  it('the ×10 corpus stays within the documented size and pages through every finding', async (t) => {
    const corpus = sharedPath('corpus/realworld', 'HTML report ×10');
    if (!corpus) return t.skip('corpus absent');
    const big = mkdtempSync(join(tmpdir(), 'kubeharden-x10-'));
    try {
      for (let i = 0; i < 10; i++) cpSync(corpus, join(big, `copy${i}`), { recursive: true });
      const { file, json } = report('corpus-x10', [big]);
      const n = json.findings.length;
      const size = statSync(file).size;
      console.log(`×10 corpus: ${n} findings, ${size} bytes (${Math.round(size / n)} B/finding)`);
      assert.ok(n > 30_000, `${n} findings`);
      assert.ok(size <= FIXED_BYTES + BYTES_PER_FINDING * n, `${size} bytes > ${FIXED_BYTES} + ${BYTES_PER_FINDING}×${n}`);
      const page = await open(file);
      assert.deepEqual(page.console.filter((c) => c.type === 'error' || c.type === 'exception'), []);
      const open_ = json.findings.filter((f) => !f.suppressed).length;
      assert.equal(await count(page), `${open_} of ${open_} findings match`);
      assert.equal(await rows(page), 50);
      assert.match(await page.eval<string>("document.querySelector('#list-main .page').textContent"), new RegExp(`page 1 of ${Math.ceil(open_ / 50)}`));
      await page.eval("document.querySelector('#list-main .next').click()");
      assert.match(await page.eval<string>("document.querySelector('#list-main .page').textContent"), /^page 2 of/);
      await setValue(page, 'f-q', 'docker.sock');
      const hits = await count(page);
      assert.match(hits, /^[1-9]\d* of/);
      await shot(page, 'html-report-corpus-x10');
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
