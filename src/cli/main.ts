#!/usr/bin/env node
/**
 * kubeharden command line. Also installed as `kubectl-harden`, so `kubectl harden scan ...`
 * works as a kubectl plugin.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, InputFailure, UsageError } from './exit.js';
import { guardStdout } from './output.js';
import { VERSION } from './version.js';
import { useKubectlHelp } from './kubectl-help.js';

type Register = (program: Command) => void;

/**
 * Commands are loaded on demand: a scan must not pay for the Kubernetes client, the webhook
 * server or the fixer (start-up time is most of a small scan). Keys are the top-level command
 * names each module registers.
 */
const COMMAND_MODULES: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['scan'], load: async () => (await import('./commands/scan.js')).registerScanCommand },
  { names: ['checks', 'explain'], load: async () => (await import('./commands/checks.js')).registerChecksCommands },
  { names: ['rbac'], load: async () => (await import('./commands/rbac.js')).registerRbacCommand },
  { names: ['netpol'], load: async () => (await import('./commands/netpol.js')).registerNetpolCommand },
  { names: ['webhook'], load: async () => (await import('./commands/webhook.js')).registerWebhookCommand },
  { names: ['fix', 'generate', 'harden'], load: async () => (await import('./commands/fix.js')).registerFixCommands },
  { names: ['export'], load: async () => (await import('./commands/export.js')).registerExportCommand },
  { names: ['audit'], load: async () => (await import('./commands/audit.js')).registerAuditCommand },
  { names: ['images'], load: async () => (await import('./commands/images.js')).registerImagesCommand },
];

/** The first argument that is not an option: the command the user asked for. */
function requestedCommand(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name(process.argv[1]?.endsWith('kubectl-harden') ? 'kubectl harden' : 'kubeharden')
    .description('Zero-trust hardening for Kubernetes: find, explain, fix and block the misconfigurations that let one container take over a cluster.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  // As a kubectl plugin (krew installs it as kubectl-harden), help reads like kubectl's.
  if (program.name() === 'kubectl harden') useKubectlHelp(program);
  const wanted = requestedCommand(argv);
  const known = COMMAND_MODULES.find((m) => wanted !== undefined && m.names.includes(wanted));
  // `--version` alone needs no command (it would load them all, the webhook and Kubernetes client too).
  if (!wanted && argv.slice(2).some((a) => a === '-V' || a === '--version')) return program;
  // A known command loads its module only; help, typos and no command load them all.
  for (const m of known ? [known] : COMMAND_MODULES) (await m.load())(program);
  return program;
}

const ISSUES = 'https://github.com/kubeharden/kubeharden/issues';

/**
 * A bug, not a user error: the only case that prints a stack trace, with how to report it.
 * Errors a user can cause are UsageError or InputFailure (a plain message, no trace).
 */
export function internalError(e: unknown): string {
  const trace = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return (
    `error: internal error in kubeharden ${VERSION}: ${e instanceof Error ? e.message : String(e)}\n` +
    `This is a bug. Please report it at ${ISSUES} with the command line, what you scanned (or a\n` +
    `small file that shows the problem, without secrets) and this trace:\n${trace}\n`
  );
}

export async function main(argv = process.argv): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; parse errors are usage errors (already printed).
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError || e instanceof InputFailure) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(internalError(e));
    return EXIT_USAGE;
  }
}

const invokedDirectly = process.argv[1] && /(?:main\.[jt]s|kubeharden|kubectl-harden)$/.test(process.argv[1]);
if (invokedDirectly) {
  guardStdout();
  main().then((code) => {
    process.exitCode = code;
  });
}
