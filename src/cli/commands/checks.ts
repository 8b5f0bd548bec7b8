/** `kubeharden checks` (list) and `kubeharden explain ID` (the check's doc). */
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ALL_CHECKS, findCheck } from '../../checks/registry.js';
import type { Check } from '../../engine/types.js';
import { UsageError } from '../exit.js';
import { writeStdout } from '../output.js';
import { stringify } from 'yaml';
import { checkDocPath } from '../../checks/docs.js';
import { nsaControlTitle } from '../../checks/docs-page.js';

function describe(c: Check) {
  const m = c.meta;
  return { id: m.id, title: m.title, severity: m.severity, category: m.category, scope: c.scope, pss: m.pss, optIn: m.optIn ?? false, attack: m.attack, remediation: m.remediation, references: m.references, peers: m.peers, ...(m.controls ? { controls: m.controls } : {}) };
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
    '',
    'References:',
    ...m.references.map((r) => `  - ${r.title}: ${r.url}`),
    ...(peers.length ? ['', 'Equivalent checks in other tools:', ...peers] : []),
  ].join('\n') + '\n';
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
    .description('explain a check: why it matters, how to fix it, references')
    .argument('<id>', 'check id, e.g. CTR-PRIVILEGED')
    .action((id: string) => {
      const c = findCheck(id);
      if (!c) throw new UsageError(`unknown check "${id}" (see kubeharden checks)`);
      writeStdout(explainText(c));
    });
}
