#!/usr/bin/env node
/**
 * kubeharden command line. Also installed as `kubectl-harden`, so `kubectl harden scan ...`
 * works as a kubectl plugin.
 */
import { Command, CommanderError } from 'commander';
import { registerChecksCommands } from './commands/checks.js';
import { registerScanCommand } from './commands/scan.js';
import { registerWebhookCommand } from './commands/webhook.js';
import { registerRbacCommand } from './commands/rbac.js';
import { registerFixCommands } from './commands/fix.js';
import { EXIT_USAGE, UsageError } from './exit.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name(process.argv[1]?.endsWith('kubectl-harden') ? 'kubectl harden' : 'kubeharden')
    .description('Zero-trust hardening for Kubernetes: find, explain, fix and block the misconfigurations that let one container take over a cluster.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerScanCommand(program);
  registerChecksCommands(program);
  registerWebhookCommand(program);
  registerRbacCommand(program);
  registerFixCommands(program);
  return program;
}

export async function main(argv = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; parse errors are usage errors (already printed).
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`kubeharden: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`kubeharden: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

const invokedDirectly = process.argv[1] && /(?:main\.[jt]s|kubeharden|kubectl-harden)$/.test(process.argv[1]);
if (invokedDirectly) {
  main().then((code) => {
    process.exitCode = code;
  });
}
