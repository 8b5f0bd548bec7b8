// Regenerates docs/img/html-report.png, the README's picture of the HTML report: the examples'
// report rendered by headless Debian chromium (scripts/infra/10-chromium.sh). Needs npm run build.
//   node --import tsx scripts/docs-screenshot.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Browser } from '../test/browser/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubeharden-shot-'));
const html = join(dir, 'report.html');
const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'scan', 'examples/', '-o', 'html', '--output-file', html, '--fail-on', 'none'], { cwd: root, encoding: 'utf8' });
if (r.status !== 0) throw new Error(r.stderr);
const browser = await Browser.launch();
try {
  const page = await browser.newPage();
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1200, height: 760, deviceScaleFactor: 1, mobile: false });
  await page.goto(pathToFileURL(html).href);
  await page.waitFor("document.documentElement.dataset.ready === 'true'");
  mkdirSync(join(root, 'docs/img'), { recursive: true });
  writeFileSync(join(root, 'docs/img/html-report.png'), await page.screenshot());
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log('wrote docs/img/html-report.png');
