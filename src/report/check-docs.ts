/** The reference page of a check (docs/checks/<ID>.md), generated from its metadata and doc.md. */
import { existsSync, readFileSync } from 'node:fs';
import type { Check, CheckMeta } from '../engine/types.js';
import { checkDocPath } from '../checks/docs.js';
import { FRAMEWORKS } from './compliance/frameworks.js';

const PEER_NAMES: Record<string, string> = { checkov: 'Checkov', kubescape: 'Kubescape', trivy: 'Trivy', kubeLinter: 'kube-linter', kubeScore: 'kube-score', polaris: 'Polaris', kubesec: 'kubesec' };

/** "N4 Control plane hardening" for an NSA/CISA id of the compliance framework table. */
export function nsaControlTitle(id: string): string {
  const c = FRAMEWORKS['nsa-cisa'].controls.find((x) => x.id === id);
  return c ? `${id} ${c.title}` : id;
}

/** "**Controls.** CIS Kubernetes Benchmark: 1.2.1 · NSA/CISA: A1 …" (only for checks that declare controls). */
function controlLines(controls: CheckMeta['controls']): string[] {
  const parts = [
    ...(controls?.cis?.length ? [`CIS Kubernetes Benchmark: ${controls.cis.join(', ')}`] : []),
    ...(controls?.nsa?.length ? [`NSA/CISA Kubernetes Hardening Guide: ${controls.nsa.map(nsaControlTitle).join('; ')}`] : []),
  ];
  return parts.length ? [`**Controls.** ${parts.join(' · ')}`, ''] : [];
}

export function renderCheckPage(c: Check): string {
  const m = c.meta;
  const docFile = checkDocPath(m.id);
  const doc = docFile && existsSync(docFile) ? readFileSync(docFile, 'utf8').trim().replace(/^# .*\n+/, '') : '';
  const peers = Object.entries(m.peers).filter(([, v]) => v && v.length);
  return [
    `# ${m.id}: ${m.title}`,
    '',
    `| severity | category | scope | Pod Security Standards | default |`,
    `|---|---|---|---|---|`,
    `| ${m.severity} | ${m.category} | ${c.scope} | ${m.pss ?? '—'} | ${m.optIn ? 'opt-in' : 'on'} |`,
    '',
    ...(m.aliases?.length ? [`Former id${m.aliases.length > 1 ? 's' : ''}: ${m.aliases.map((a) => `\`${a}\``).join(', ')} (still accepted, with a deprecation warning).`, ''] : []),
    ...controlLines(m.controls),
    `**Why it matters.** ${m.attack}`,
    '',
    `**How to fix.** ${m.remediation}`,
    ...(doc ? ['', doc] : []),
    '',
    ...settingsSection(c),
    '## References',
    ...m.references.map((r) => `- [${r.title}](${r.url})`),
    ...(peers.length ? ['', '## Equivalent checks', ...peers.map(([k, v]) => `- ${PEER_NAMES[k] ?? k}: ${(v as string[]).join(', ')}`)] : []),
    '',
    `_Generated from \`src/checks\` by \`npm run docs\`; \`kubeharden explain ${m.id}\` prints the same._`,
    '',
  ].join('\n');
}

/** The settings a check reads (--set, config settings:), with what each changes. */
function settingsSection(c: Check): string[] {
  const entries = Object.entries(c.settings ?? {});
  if (entries.length === 0) return [];
  return ['## Settings', ...entries.map(([name, spec]) => `- \`${name}\`: ${spec.description}`), ''];
}

export function renderIndex(checks: readonly Check[]): string {
  const rows = [...checks]
    .sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))
    .map((c) => `| [${c.meta.id}](${c.meta.id}.md) | ${c.meta.severity} | ${c.meta.category} | ${c.meta.title}${c.meta.optIn ? ' (opt-in)' : ''} |`);
  return ['# Checks', '', `${checks.length} checks. \`kubeharden checks\` lists them; \`kubeharden explain ID\` prints a page.`, '', '| id | severity | category | title |', '|---|---|---|---|', ...rows, ''].join('\n');
}
