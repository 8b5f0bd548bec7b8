/** `kubeharden checks` (list) and `kubeharden explain ID` (the check's doc; a former id or another tool's id works too). */
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ALL_CHECKS } from '../../checks/registry.js';
import { CheckCatalog } from '../../engine/catalog.js';
import { closest } from '../../engine/did-you-mean.js';
import type { Check, PeerIds } from '../../engine/types.js';
import { UsageError } from '../exit.js';
import { writeStdout } from '../output.js';
import { stringify } from 'yaml';
import { checkDocPath } from '../../checks/docs.js';
import { nsaControlTitle } from '../../report/check-docs.js';

const PEER_NAMES: Readonly<Record<keyof PeerIds, string>> = { checkov: 'Checkov', kubescape: 'Kubescape', trivy: 'Trivy', kubeLinter: 'kube-linter', kubeScore: 'kube-score', polaris: 'Polaris', kubesec: 'kubesec' };

function describe(c: Check) {
  const m = c.meta;
  return { id: m.id, ...(m.aliases?.length ? { aliases: m.aliases } : {}), title: m.title, severity: m.severity, category: m.category, scope: c.scope, pss: m.pss, optIn: m.optIn ?? false, attack: m.attack, remediation: m.remediation, references: m.references, peers: m.peers, ...(m.controls ? { controls: m.controls } : {}) };
}

export function explainText(c: Check): string {
  const docFile = checkDocPath(c.meta.id);
  const doc = docFile && existsSync(docFile) ? readFileSync(docFile, 'utf8').trim() : '';
  const m = c.meta;
  const peers = Object.entries(m.peers)
    .filter(([, v]) => v && v.length)
    .map(([k, v]) => `  ${k}: ${(v as string[]).join(', ')}`);
  return [
    `${m.id}: ${m.title}`,
    `severity: ${m.severity}   category: ${m.category}${m.pss ? `   Pod Security Standards: ${m.pss}` : ''}${m.optIn ? '   (opt-in)' : ''}`,
    ...(m.controls?.cis?.length ? [`CIS Kubernetes Benchmark: ${m.controls.cis.join(', ')}`] : []),
    ...(m.controls?.nsa?.length ? [`NSA/CISA: ${m.controls.nsa.map(nsaControlTitle).join('; ')}`] : []),
    '',
    `Why: ${m.attack}`,
    '',
    `Fix: ${m.remediation}`,
    ...(doc ? ['', doc] : []),
    ...(c.settings && Object.keys(c.settings).length ? ['', 'Settings (--set NAME=VALUE, or settings: in .kubeharden.yaml):', ...Object.entries(c.settings).map(([name, spec]) => `  ${name}: ${spec.description}`)] : []),
    '',
    'References:',
    ...m.references.map((r) => `  - ${r.title}: ${r.url}`),
    ...(peers.length ? ['', 'Equivalent checks in other tools:', ...peers] : []),
  ].join('\n') + '\n';
}

/** The checks that list `id` among their equivalents in another tool (Trivy KSV001, Checkov CKV_K8S_20…), with the tools' names. */
function peerMatches(id: string): { tools: string[]; checks: Check[] } {
  const tools = new Set<string>();
  const checks = ALL_CHECKS.filter((c) =>
    Object.entries(c.meta.peers).some(([tool, ids]) => {
      const hit = (ids ?? []).some((x: string) => x.toUpperCase() === id.toUpperCase());
      if (hit) tools.add(PEER_NAMES[tool as keyof PeerIds] ?? tool);
      return hit;
    }),
  );
  return { tools: [...tools], checks };
}

/** Every peer id the catalogue maps, for suggestions. */
function peerIds(): string[] {
  return [...new Set(ALL_CHECKS.flatMap((c) => Object.values(c.meta.peers).flatMap((ids) => ids ?? [])))];
}

/** The explanation of `id`: a check id (or a former one), else another tool's id mapped to ours. */
export function explain(id: string): { text: string; warning?: string } {
  const catalog = new CheckCatalog(ALL_CHECKS);
  const r = catalog.resolve(id);
  if (r) {
    const c = ALL_CHECKS.find((x) => x.meta.id === r.id) as Check;
    return { text: explainText(c), ...(r.deprecated ? { warning: `${r.deprecated} is a former id, use ${r.id}` } : {}) };
  }
  const peer = peerMatches(id.trim());
  if (peer.checks.length === 1) return { text: `${id} (${peer.tools.join(', ')}) corresponds to ${peer.checks[0].meta.id}.\n\n${explainText(peer.checks[0])}` };
  if (peer.checks.length > 1) {
    const w = Math.max(...peer.checks.map((c) => c.meta.id.length));
    const rows = peer.checks.map((c) => `  ${c.meta.id.padEnd(w)}  ${c.meta.severity.padEnd(8)}  ${c.meta.title}`);
    return { text: [`${id} (${peer.tools.join(', ')}) corresponds to ${peer.checks.length} kubeharden checks:`, ...rows, '', `kubeharden explain ${peer.checks[0].meta.id} explains one.`].join('\n') + '\n' };
  }
  const near = closest(id, [...catalog.ids, ...peerIds()]);
  throw new UsageError(`unknown check "${id}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : ''}: see kubeharden checks (other tools' ids such as KSV001 or CKV_K8S_20 work too)`);
}

export function registerChecksCommands(program: Command): void {
  program
    .command('checks')
    .description('list every check')
    .addOption(new Option('-o, --output <format>', 'text, json or yaml').choices(['text', 'json', 'yaml']).default('text'))
    .action((flags: { output: string }) => {
      if (flags.output === 'json') {
        writeStdout(JSON.stringify(ALL_CHECKS.map(describe), null, 2) + '\n');
        return;
      }
      if (flags.output === 'yaml') {
        writeStdout(stringify(ALL_CHECKS.map(describe), { lineWidth: 0 }));
        return;
      }
      const w = Math.max(...ALL_CHECKS.map((c) => c.meta.id.length));
      writeStdout(ALL_CHECKS.map((c) => `${c.meta.id.padEnd(w)}  ${c.meta.severity.padEnd(8)}  ${c.meta.title}${c.meta.optIn ? ' (opt-in)' : ''}\n`).join('') + `${ALL_CHECKS.length} checks\n`);
    });
  program
    .command('explain')
    .description('explain a check: why it matters, how to fix it, references (a check id, a former id, or another tool\'s id such as KSV001)')
    .argument('<id>', 'check id, e.g. CTR-PRIVILEGED, or another tool\'s id, e.g. KSV017')
    .action((id: string) => {
      const r = explain(id);
      if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
      writeStdout(r.text);
    });
}
