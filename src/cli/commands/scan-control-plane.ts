/**
 * The control-plane inputs of `kubeharden scan` (docs/control-plane-audit.md):
 *   --root DIR                 the node's / is DIR: follow the files command lines name
 *   --path-map NODE=LOCAL      a node directory copied to LOCAL (repeatable; wins over --root)
 *   --cmdline FILE             a process command line, e.g. /proc/<kubelet pid>/cmdline (repeatable)
 *   --control-plane            read the live control plane (mirror pods, /configz, anonymous probe)
 *   --kubeconfig F, --context C  which cluster, for --control-plane
 * Options are parsed and checked here, once; the work is in src/controlplane (the live client is
 * loaded only for --control-plane).
 */
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Command } from 'commander';
import type { InputError, LoadOptions, LoadedObject } from '../../load/types.js';
import type { PathMapping } from '../../controlplane/node-files.js';
import { UsageError } from '../exit.js';

export interface ControlPlaneScanFlags {
  root?: string;
  pathMap: string[];
  cmdline: string[];
  controlPlane?: boolean;
  kubeconfig?: string;
  context?: string;
}

export interface ControlPlaneInputs {
  objects: LoadedObject[];
  errors: InputError[];
  files: string[];
}

const repeat = (v: string, prev: string[]) => [...prev, v];

export function addControlPlaneOptions(cmd: Command): Command {
  return cmd
    .option('--root <dir>', 'a node\'s file system (or a copy) rooted at DIR: read the files its command lines name (--root / on the node)')
    .option('--path-map <node=local>', 'a node directory and where its copy is, e.g. /etc/kubernetes=./cp1 (repeatable)', repeat, [] as string[])
    .option('--cmdline <file>', 'a process command line to check, e.g. /proc/<kubelet pid>/cmdline (repeatable)', repeat, [] as string[])
    .option('--control-plane', 'check the live control plane: mirror pods, kubelets\' /configz, anonymous access')
    .option('--kubeconfig <file>', 'kubeconfig for --control-plane (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context for --control-plane');
}

/** Whether the scan has inputs besides paths (then no path means no path, not "."). */
export function hasControlPlaneInputs(flags: ControlPlaneScanFlags): boolean {
  return flags.controlPlane === true || flags.cmdline.length > 0;
}

function parsePathMap(specs: readonly string[]): PathMapping[] {
  return specs.map((s) => {
    const eq = s.indexOf('=');
    const node = eq > 0 ? s.slice(0, eq) : '';
    const local = eq > 0 ? s.slice(eq + 1) : '';
    if (!node.startsWith('/') || local === '') throw new UsageError(`--path-map expects /node/dir=local/dir, got "${s}"`);
    return { node: posix.normalize(node), local };
  });
}

function checkDir(flag: string, dir: string): void {
  let ok: boolean;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`${flag} ${dir}: not a directory`);
}

/**
 * Validates the options (usage errors exit 2 before anything is read), then adds to the scan:
 * the --cmdline processes, the files the command lines name under --root/--path-map, and the
 * live control plane.
 */
export async function controlPlaneInputs(flags: ControlPlaneScanFlags, inputs: readonly LoadedObject[], loadOpts: LoadOptions): Promise<ControlPlaneInputs> {
  if (!flags.controlPlane && (flags.kubeconfig || flags.context)) throw new UsageError('--kubeconfig and --context are for --control-plane (the live control plane)');
  const pathMap = parsePathMap(flags.pathMap);
  if (flags.root !== undefined) checkDir('--root', flags.root);
  for (const m of pathMap) checkDir('--path-map', m.local);

  const out: ControlPlaneInputs = { objects: [], errors: [], files: [] };
  if (flags.cmdline.length) {
    const { readCommandLine } = await import('../../controlplane/cmdline.js');
    for (const file of flags.cmdline) {
      const r = readCommandLine(file);
      if (r.object) out.objects.push(r.object);
      if (r.error) out.errors.push(r.error);
      else out.files.push(file);
    }
  }
  if (flags.controlPlane) {
    const { collectControlPlane } = await import('../../controlplane/live.js');
    try {
      const live = await collectControlPlane({ kubeconfig: flags.kubeconfig, context: flags.context });
      out.objects.push(...live.objects);
      out.errors.push(...live.errors);
      out.files.push(live.source);
    } catch (e) {
      out.errors.push({ file: flags.kubeconfig ?? 'kubeconfig', message: `cannot read the live control plane: ${(e as Error).message}` });
    }
  }
  // Without --root or --path-map nothing is read from disk: files match by their own paths.
  if (flags.root === undefined && pathMap.length === 0) return out;
  const { linkNodeFiles } = await import('../../controlplane/link.js');
  const linked = await linkNodeFiles([...inputs, ...out.objects], { root: flags.root, pathMap }, loadOpts);
  out.objects.push(...linked.objects);
  out.errors.push(...linked.errors);
  out.files.push(...linked.files);
  return out;
}
