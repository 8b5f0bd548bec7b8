/**
 * `kubeharden rbac suggest | unused | blast-radius`: RBAC from what actually happens (audit logs)
 * and what a compromised workload reaches. Registered on the `rbac` command by rbac.ts, which
 * passes its policy loader (offline -f / live) so the inputs behave as for the other rbac
 * commands. The implementations load only when a command runs (rbac-usage-run.ts).
 */
import { Command, Option } from 'commander';
import { SEVERITIES } from '../../engine/types.js';
import type { InputFlags, RbacHost } from './rbac-usage-host.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const run = () => import('./rbac-usage-run.js');

function auditOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--audit-log <file>', 'audit log: JSON lines or EventList, plain or .gz, a directory of rotated files, or - (repeatable)', collect, [] as string[])
    .option('--since <when>', 'only requests since then: a duration before now (30d, 12h) or an RFC 3339 time')
    .option('--until <when>', 'only requests before this RFC 3339 time');
}

export function registerRbacUsageCommands(rbac: Command, host: RbacHost): void {
  auditOptions(
    rbac
      .command('suggest')
      .description('least-privilege Roles/ClusterRoles and bindings allowing exactly the requests a subject made successfully (from audit logs); denied requests listed apart')
      .option('--user <name>', 'the user whose requests to cover')
      .option('--group <name>', 'every identity in this group')
      .option('--serviceaccount <ns:name>', 'the ServiceAccount NAMESPACE:NAME')
      .option('--namespace-scoped', 'only Roles and RoleBindings: cluster-wide requests (cluster resources, all-namespace lists, URLs) are listed, not granted')
      .option('--generalize-names', 'never restrict rules to resourceNames (default: when every request named the same object)')
      .option('--name <name>', 'name of the generated objects (default kubeharden-suggested:<subject>)')
      .option('--skip-unreadable', 'exit 0 even when some audit lines or files could not be read (they are still reported)')
      .addOption(new Option('--skip-invalid', 'old name of --skip-unreadable').hideHelp())
      .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml')),
  ).action(async (flags) => host.guard(async () => (await run()).runSuggest({ ...flags, skipInvalid: flags.skipInvalid || flags.skipUnreadable }, host)));

  auditOptions(
    host.addCommon(
      rbac
        .command('unused')
        .description('bindings, rules of bound roles and bound subjects no request in the audit window used, ranked by danger; missing and absent subjects; users bound where a group is')
        .option('--include-system', 'also report system and vendor RBAC (bootstrap policy, system:*, add-ons, kube-system)')
        .addOption(new Option('--min-severity <severity>', 'report only findings at or above').choices([...SEVERITIES]))
        .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above').choices([...SEVERITIES, 'none']).default('none')),
    ),
  ).action(async (flags) => host.guard(async () => (await run()).runUnused(flags, host)));

  host
    .addCommon(
      rbac
        .command('blast-radius')
        .description('what a compromise of a workload gives an attacker: its token, permissions, readable Secrets, identities it can become (transitively, with chain length), node access, cloud credentials')
        .argument('<workload>', 'NAMESPACE/NAME or NAMESPACE/KIND/NAME (live: a pod, its ReplicaSet or Deployment)'),
      BLAST_FORMATS,
    )
    .action(async (workload: string, flags) => host.guard(async () => (await run()).runBlastRadius(workload, flags, host)));
}

export const BLAST_FORMATS = ['text', 'json', 'yaml', 'dot', 'mermaid', 'html'] as const;

/** `rbac risks --workloads`: every workload ranked by blast radius. */
export async function runWorkloadRanking(flags: InputFlags, host: RbacHost): Promise<number> {
  return (await run()).runWorkloadRanking(flags, host);
}
