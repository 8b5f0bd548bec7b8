/** The compliance view as text: one line per control, grouped by section, failing findings below. */
import type { Finding } from '../../engine/types.js';
import type { ComplianceReport, ControlStatus } from './evaluate.js';

const LABEL: Record<ControlStatus, string> = { pass: 'PASS', fail: 'FAIL', 'no-scope': 'N/A', 'not-assessed': 'NOT RUN', manual: 'MANUAL' };
const COLOR: Record<ControlStatus, string> = { pass: '\x1b[32m', fail: '\x1b[31m', 'no-scope': '\x1b[2m', 'not-assessed': '\x1b[33m', manual: '\x1b[36m' };

/** Findings listed under a failing control; the rest are counted. */
const SHOWN = 5;

/** The view, with the first findings of each failing control from `findings` in report order (walked once, a few kept per check). */
export function complianceText(c: ComplianceReport, findings: Iterable<Finding>, color: boolean): string {
  const paint = (s: ControlStatus, t: string) => (color ? `${COLOR[s]}${t}\x1b[0m` : t);
  const out: string[] = [`${c.title} ${c.version} — ${c.reference.url}`, ''];
  const byCheck = new Map<string, { first: Finding[]; count: number }>();
  for (const f of findings) {
    if (f.suppressed) continue;
    let l = byCheck.get(f.check);
    if (!l) byCheck.set(f.check, (l = { first: [], count: 0 }));
    if (l.first.length < SHOWN) l.first.push(f);
    l.count++;
  }
  const idWidth = Math.max(...c.controls.map((x) => x.id.length));
  let section = '';
  for (const ctl of c.controls) {
    if (ctl.section !== section) {
      section = ctl.section;
      out.push(section);
    }
    const pct = ctl.passPercent === null ? '' : ` ${ctl.passPercent}% of ${ctl.objectsInScope} object${ctl.objectsInScope === 1 ? '' : 's'} pass`;
    const detail = ctl.status === 'fail' ? ` (${ctl.findings} finding${ctl.findings === 1 ? '' : 's'} on ${ctl.objectsFailing} object${ctl.objectsFailing === 1 ? '' : 's'})` : '';
    out.push(`  ${paint(ctl.status, LABEL[ctl.status].padEnd(7))} ${ctl.id.padEnd(idWidth)}  ${ctl.title}${pct ? ` —${pct}` : ''}${detail}`);
    if (ctl.reason) out.push(`          ${' '.repeat(idWidth)}  ${ctl.reason}`);
    if (ctl.status === 'fail') {
      // The control's checks in order, each check's findings in report order: the first SHOWN of those are among each check's first SHOWN.
      const fs = ctl.checks.flatMap((id) => byCheck.get(id)?.first ?? []);
      const count = ctl.checks.reduce((n, id) => n + (byCheck.get(id)?.count ?? 0), 0);
      for (const f of fs.slice(0, SHOWN)) out.push(`          ${' '.repeat(idWidth)}  ${f.line ? `${f.file}:${f.line}:${f.column}` : `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name} ${f.path}`} ${f.check} ${f.message}`);
      if (count > SHOWN) out.push(`          ${' '.repeat(idWidth)}  … ${count - SHOWN} more (-o json or -o html for all)`);
    }
  }
  const s = c.summary;
  out.push('');
  out.push(
    `${s.controls} controls: ${s.pass} pass, ${s.fail} fail, ${s.noScope} with nothing in scope, ${s.notAssessed} not assessed (checks not run), ${s.manual} not assessable by kubeharden (manual)` +
      ` — score ${s.score === null ? 'n/a' : `${s.score}%`} (passed of assessed)`,
  );
  return out.join('\n') + '\n';
}
