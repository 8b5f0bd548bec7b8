/**
 * `kubectl harden --help` in kubectl's layout (description, Examples, Available Commands,
 * Options, Usage, and the closing `Use "kubectl harden <command> --help"` line), for the krew
 * plugin: a kubectl user reads it like any kubectl command's help.
 */
import type { Command, Help } from 'commander';

const EXAMPLES = [
  ['Scan the manifests of a directory (files, Kustomize, - for stdin)', 'kubectl harden scan ./manifests'],
  ['An HTML report, and a compliance view by CIS control', 'kubectl harden scan ./manifests -o html --output-file report.html\n  kubectl harden scan ./manifests --framework cis'],
  ['Who can read Secrets in namespace shop, from manifests', 'kubectl harden rbac who-can get secrets -n shop -f ./rbac --with-defaults'],
  ['Install the admission webhook', 'kubectl harden webhook install | kubectl apply -f -'],
];

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');
}

function formatHelp(cmd: Command, helper: Help): string {
  const width = helper.padWidth(cmd, helper);
  const row = (term: string, desc: string) => `  ${term.padEnd(width + 2)}${desc}`;
  const out: string[] = [];
  const description = helper.commandDescription(cmd);
  if (description) out.push(description, '');
  const isRoot = !cmd.parent;
  if (isRoot) {
    out.push('Examples:');
    for (const [what, how] of EXAMPLES) out.push(`  # ${what}`, `  ${how}`, '');
  }
  const commands = helper.visibleCommands(cmd);
  if (commands.length) {
    out.push('Available Commands:');
    for (const c of commands) out.push(row(helper.subcommandTerm(c).split(' ')[0], helper.subcommandDescription(c)));
    out.push('');
  }
  const args = helper.visibleArguments(cmd);
  if (args.length) {
    out.push('Arguments:');
    for (const a of args) out.push(row(helper.argumentTerm(a), helper.argumentDescription(a)));
    out.push('');
  }
  const options = helper.visibleOptions(cmd);
  if (options.length) {
    out.push('Options:');
    for (const o of options) out.push(row(helper.optionTerm(o), helper.optionDescription(o)));
    out.push('');
  }
  const path: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) path.unshift(c.name());
  const usage = commands.length ? `${path.join(' ')} [command] [flags]` : helper.commandUsage(cmd).replace('[options]', '[flags]');
  out.push('Usage:', indent(usage, 2), '');
  if (commands.length) out.push(`Use "${path.join(' ')} <command> --help" for more information about a command.`);
  return `${out.join('\n').trimEnd()}\n`;
}

/** Applies the kubectl layout to a program and every command added to it afterwards. */
export function useKubectlHelp(program: Command): void {
  program.configureHelp({ formatHelp });
}
