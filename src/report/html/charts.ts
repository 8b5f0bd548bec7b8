/**
 * Inline SVG charts (no script, no network): drawn on the server, so they show without
 * JavaScript. Each chart has a <title> for screen readers and a table nearby with the numbers.
 */
import { SEVERITIES, type Severity } from '../../engine/types.js';
import type { NamespaceOverview, Overview } from '../overview.js';
import { esc } from './escape.js';

/** Severity fills; the same as the badges (docs/reports.md lists their contrast). */
export const SEVERITY_FILL: Record<Severity, string> = { critical: '#7a1f6b', high: '#b3261e', medium: '#b35c00', low: '#1f5f99', info: '#5f6b7a' };

const LABEL_W = 190;
const BAR_W = 420;
const ROW_H = 22;

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Stacked bars: findings by severity for the namespaces with most weight. */
export function severityByNamespaceChart(namespaces: readonly NamespaceOverview[], max = 12): string {
  const rows = [...namespaces]
    .map((n) => ({ n, total: SEVERITIES.reduce((a, s) => a + n.bySeverity[s], 0) }))
    .filter((r) => r.total > 0)
    .sort((a, b) => b.total - a.total || a.n.namespace.localeCompare(b.n.namespace))
    .slice(0, max);
  if (!rows.length) return '<p>No findings to chart.</p>';
  const peak = Math.max(...rows.map((r) => r.total));
  const h = rows.length * ROW_H + 34;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = i * ROW_H;
    parts.push(`<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end">${esc(truncate(r.n.namespace, 28))}</text>`);
    let x = LABEL_W;
    for (const s of [...SEVERITIES].reverse()) {
      const v = r.n.bySeverity[s];
      if (!v) continue;
      const w = Math.max(1, (v / peak) * BAR_W);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${SEVERITY_FILL[s]}"><title>${esc(`${r.n.namespace}: ${v} ${s}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 15}">${r.total}</text>`);
  });
  let lx = LABEL_W;
  const legendY = rows.length * ROW_H + 20;
  for (const s of [...SEVERITIES].reverse()) {
    parts.push(`<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${SEVERITY_FILL[s]}"/><text x="${lx + 16}" y="${legendY}">${s}</text>`);
    lx += 80;
  }
  return svg(`Findings by severity for the ${rows.length} namespaces with most findings`, LABEL_W + BAR_W + 60, h, parts);
}

/** Horizontal bars: the checks with most findings. */
export function topChecksChart(top: Overview['topChecks'], max = 10): string {
  const rows = top.slice(0, max);
  if (!rows.length) return '<p>No findings to chart.</p>';
  const peak = Math.max(...rows.map((r) => r.count));
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = i * ROW_H;
    const w = Math.max(1, (r.count / peak) * BAR_W);
    parts.push(`<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end">${esc(r.check)}</text>`);
    parts.push(`<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${SEVERITY_FILL[r.severity]}"><title>${esc(`${r.check} (${r.severity}): ${r.count} — ${r.title}`)}</title></rect>`);
    parts.push(`<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + 15}">${r.count}</text>`);
  });
  return svg(`The ${rows.length} checks with most findings`, LABEL_W + BAR_W + 60, rows.length * ROW_H + 6, parts);
}

function svg(title: string, w: number, h: number, parts: string[]): string {
  return `<svg class="chart" role="img" aria-labelledby="t-${hash(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg"><title id="t-${hash(title)}">${esc(title)}</title><g font-size="12" fill="#1b1f24">${parts.join('')}</g></svg>`;
}

function hash(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
