/**
 * `netpol matrix -o html` in real headless Debian Chromium (test/browser/chromium.ts): the page
 * loads from a file with no other request and no error (nothing external, the CSP forbids it),
 * shows isolation at a glance (workloads coloured by isolation, open ones flagged, the heat map's
 * cells coloured by what they allow, no overlapping nodes), and matches the matrix it draws.
 * A full-page screenshot is written for people; its path is printed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadText } from '../../src/load/index.js';
import { ObjectIndex } from '../../src/engine/object-index.js';
import { buildWorld } from '../../src/netpol/world.js';
import { Reachability } from '../../src/netpol/engine.js';
import { computeMatrix, type Matrix } from '../../src/netpol/matrix.js';
import { matrixHtml } from '../../src/netpol/output/html.js';
import { graphOf, isolationOf } from '../../src/netpol/output/graph.js';
import { Browser, chromiumAvailable, type Page } from '../browser/chromium.js';
import { REPO_ROOT } from '../shared.js';

const TT = join(REPO_ROOT, 'src/netpol/fixtures/truth-tables');
const EXTRA = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec: {hostNetwork: true, containers: [{name: c, image: quay.io/prometheus/node-exporter:v1.8.0}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: monitoring}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec: {containers: [{name: c, image: quay.io/prometheus/prometheus:v2.53.0, ports: [{name: web, containerPort: 9090}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus-egress, namespace: monitoring}
spec:
  podSelector: {matchLabels: {app: prometheus}}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {}}], ports: [{port: 8080}, {port: 9100}]}]
`;

const available = chromiumAvailable(); // prints NOT RUN loudly when missing; throws under CI
let browser: Browser | undefined;
let matrix: Matrix;
let page: Page;
let outDir: string;

before(async () => {
  if (!available) return;
  const objects = [
    ...loadText(readFileSync(join(TT, 'teams.base.yaml')), 'teams.base.yaml').objects,
    ...loadText(readFileSync(join(TT, 'teams-isolated.yaml')), 'teams-isolated.yaml').objects,
    ...loadText(Buffer.from(EXTRA), 'monitoring.yaml').objects,
  ];
  const engine = new Reachability(buildWorld(new ObjectIndex(objects)));
  matrix = computeMatrix(engine);
  outDir = mkdtempSync(join(tmpdir(), 'netpol-html-'));
  const file = join(outDir, 'matrix.html');
  writeFileSync(file, matrixHtml(matrix, { generator: 'kubeharden test', source: 'truth-table fixtures' }));
  browser = await Browser.launch();
  page = await browser.newPage();
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 900, deviceScaleFactor: 1, mobile: false });
  await page.goto(`file://${file}`);
});

after(async () => {
  await browser?.close();
});

test('the page is self-contained: one request (itself), no error, nothing blocked', { skip: !available }, async () => {
  assert.deepEqual(
    page.requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:')),
    [],
    'no request leaves the file',
  );
  assert.equal(page.requests.filter((u) => u.startsWith('file://')).length, 1);
  assert.deepEqual(page.console.filter((c) => /error|warning|exception/.test(c.type)), [], 'no console error, exception or CSP violation');
  assert.equal(await page.eval<number>('document.scripts.length'), 0);
  assert.equal(await page.eval<number>("performance.getEntriesByType('resource').length"), 0);
});

test('isolation at a glance: nodes coloured by isolation, open ones flagged, cards and heat map agree', { skip: !available }, async () => {
  const nodes = await page.eval<Array<{ id: string; iso: string; fill: string; badge: string }>>(
    `[...document.querySelectorAll('g.node')].map((g) => ({ id: g.dataset.id, iso: g.dataset.isolation, fill: getComputedStyle(g.querySelector('rect')).fill, badge: g.querySelector('.badge')?.textContent ?? '' }))`,
  );
  assert.deepEqual(nodes.map((n) => n.id).sort(), matrix.nodes.map((n) => n.id).sort(), 'one node per workload and external endpoint');
  const colour: Record<string, string> = { both: 'rgb(200, 230, 201)', one: 'rgb(255, 224, 178)', none: 'rgb(255, 205, 210)', external: 'rgb(224, 224, 224)' };
  for (const n of nodes) assert.equal(n.fill, colour[n.iso], `${n.id} (${n.iso}) is drawn in its isolation colour`);
  const byId = new Map(matrix.nodes.map((n) => [n.id, n]));
  for (const n of nodes) assert.equal(n.iso, isolationOf(byId.get(n.id)!), `${n.id}: the page says what the matrix says`);
  assert.equal(nodes.find((n) => n.id === 'teambeta/client')?.iso, 'none');
  assert.equal(nodes.find((n) => n.id === 'monitoring/prometheus')?.iso, 'one');
  const g = graphOf(matrix);
  const flagged = nodes.filter((n) => n.badge).map((n) => n.id).sort();
  const open = matrix.nodes.filter((n) => n.kind === 'workload' && (!n.ingressIsolated || !n.egressIsolated)).map((n) => n.id);
  assert.deepEqual(flagged, [...new Set([...open, ...[...g.openTo, ...g.openFrom].map((i) => matrix.nodes[i].id)])].sort(), 'every open direction is labelled');
  assert.equal(nodes.find((n) => n.id === 'teambeta/client')?.badge, 'OPEN both ways');
  assert.equal(nodes.find((n) => n.id === 'monitoring/prometheus')?.badge, 'ingress open');
  assert.equal(await page.eval<number>('document.querySelectorAll("path.edge").length'), g.edges.length);

  const cards = await page.eval<string[]>(`[...document.querySelectorAll('.card .num')].map((e) => e.textContent)`);
  const workloads = matrix.nodes.filter((n) => n.kind === 'workload');
  assert.deepEqual(cards.slice(0, 4).map(Number), [workloads.length, ...(['both', 'one', 'none'] as const).map((i) => workloads.filter((n) => isolationOf(n) === i).length)]);

  const cells = await page.eval<Record<string, number>>(`(() => { const c = {}; for (const td of document.querySelectorAll('table.matrix td')) c[td.className] = (c[td.className] ?? 0) + 1; return c; })()`);
  let all = 0;
  let some = 0;
  matrix.cells.forEach((row) => row.forEach((c) => (c ? (c.ports.isAll && !c.partial ? all++ : some++) : 0)));
  assert.equal(cells.all ?? 0, all);
  assert.equal(cells.some ?? 0, some);
  const allColour = await page.eval<string>(`getComputedStyle(document.querySelector('table.matrix td.all')).backgroundColor`);
  const denyColour = await page.eval<string>(`getComputedStyle(document.querySelector('table.matrix td.deny')).backgroundColor`);
  assert.notEqual(allColour, denyColour);
  assert.match(await page.eval<string>('document.body.innerText'), /Outside NetworkPolicy[\s\S]*monitoring\/node-exporter/);
});

test('nodes do not overlap and stay inside the drawing; the screenshot is written', { skip: !available }, async () => {
  const boxes = await page.eval<Array<{ x: number; y: number; w: number; h: number }>>(
    `[...document.querySelectorAll('g.node rect')].map((r) => { const b = r.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; })`,
  );
  const svg = await page.eval<{ x: number; y: number; w: number; h: number }>(`(() => { const b = document.querySelector('svg').getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; })()`);
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    assert.ok(a.x >= svg.x && a.y >= svg.y && a.x + a.w <= svg.x + svg.w && a.y + a.h <= svg.y + svg.h, 'inside the svg');
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `nodes ${i} and ${j} overlap`);
    }
  }
  const png = join(outDir, 'matrix.png');
  writeFileSync(png, await page.screenshot({ full: true, width: 1400 }));
  assert.ok(statSync(png).size > 10_000);
  assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  console.log(`screenshot: ${png} (page: ${join(outDir, 'matrix.html')})`);
});
