/**
 * Finds control-plane processes and the command lines they run with: containers of pods (static
 * pods, their mirror pods, or any workload) whose command runs kube-apiserver,
 * kube-controller-manager, kube-scheduler, the kubelet or etcd, and ProcessCommandLine objects
 * (a process seen on a node, e.g. the kubelet started by systemd).
 *
 * The binary is recognized by name: `command[0]` (any directory), `hyperkube <component>`, the
 * component started by a `sh -c` script, or — with no command at all — an upstream image of the
 * component, whose entrypoint is the binary.
 */
import { posix } from 'node:path';
import type { LoadedObject, Path } from '../load/types.js';
import type { ContainerRef, PodTarget } from '../k8s/pod-spec.js';
import { asList, asMap, asString, isMap } from '../k8s/json.js';
import { parseImage } from '../k8s/image.js';
import { isKubehardenKind, PROCESS_KIND } from './config-kinds.js';
import { parseFlags, type Arg, type ParsedFlags } from './flags/parse.js';
import type { Component } from './flags/table.js';
import { shellCommands } from './flags/shell.js';

export interface EnvVar {
  name: string;
  value: string;
  path: Path;
}

export interface ComponentProcess {
  component: Component;
  /** The object that carries the command line: a pod or workload, or a ProcessCommandLine. */
  owner: LoadedObject;
  pod?: PodTarget;
  container?: ContainerRef;
  flags: ParsedFlags;
  /** Environment variables with literal values (etcd reads ETCD_* for flags the command line leaves unset). */
  env: EnvVar[];
  /** Where findings about a missing flag go: the list that holds the flags. */
  anchor: Path;
  /** The argument that names the binary. */
  binary: Arg;
  /** The Kubernetes minor release from the image tag (v1.30.2 → 30), when the image says. */
  minor?: number;
  /** Relative paths in flags start here (the container's workingDir or the process's cwd; default /). */
  workingDir: string;
  /** The command runs through `sh -c`: every flag points at the script. */
  viaShell: boolean;
  /** For messages: `kube-apiserver in Pod kube-system/kube-apiserver-cp1`. */
  label: string;
}

const BINARIES: Readonly<Record<string, Component>> = {
  'kube-apiserver': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  kubelet: 'kubelet',
  etcd: 'etcd',
};

/** `hyperkube <sub>` (kube-bench #283): the subcommand names it has accepted. */
const HYPERKUBE: Readonly<Record<string, Component>> = {
  ...BINARIES,
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};

/** Upstream images whose entrypoint is the component itself. */
const IMAGES: Readonly<Record<string, Component>> = {
  'kube-apiserver': 'kube-apiserver',
  'kube-apiserver-amd64': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-controller-manager-amd64': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  'kube-scheduler-amd64': 'kube-scheduler',
};

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

function binaryName(s: string): string {
  const base = posix.basename(s.trim());
  return base.toLowerCase().endsWith('.exe') ? base.slice(0, -4) : base;
}

function componentOf(word: string): Component | undefined {
  const name = binaryName(word);
  return Object.prototype.hasOwnProperty.call(BINARIES, name) ? BINARIES[name] : undefined;
}

interface Found {
  component: Component;
  binary: Arg;
  args: Arg[];
  viaShell: boolean;
}

/** The component an argv runs, and its arguments. */
export function findComponent(argv: readonly Arg[]): Found | undefined {
  if (argv.length === 0 || argv[0].text.startsWith('-')) return undefined;
  const first = componentOf(argv[0].text);
  if (first) return { component: first, binary: argv[0], args: argv.slice(1), viaShell: false };
  const head = binaryName(argv[0].text);
  if (head === 'hyperkube' && argv.length > 1) {
    const sub = HYPERKUBE[argv[1].text];
    if (sub) return { component: sub, binary: argv[1], args: argv.slice(2), viaShell: false };
  }
  if (SHELLS.has(head)) {
    // sh -c 'script' (or -ec, -xc …): the script is the argument after the option cluster.
    let i = 1;
    if (head === 'busybox' && argv[i]?.text === 'sh') i++;
    while (i < argv.length && /^-[a-z]*$/.test(argv[i].text) && !argv[i].text.includes('c')) i++;
    if (i < argv.length && /^-[a-z]*c[a-z]*$/.test(argv[i].text) && i + 1 < argv.length) {
      const script = argv[i + 1];
      for (const words of shellCommands(script.text)) {
        let k = 0;
        while (k < words.length && (words[k].text === 'exec' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k].text))) k++;
        const c = k < words.length ? componentOf(words[k].text) : undefined;
        if (c) {
          return { component: c, binary: script, args: words.slice(k + 1).map((w) => ({ text: w.text, path: script.path })), viaShell: true };
        }
      }
    }
  }
  return undefined;
}

function argsOf(list: unknown, base: Path): Arg[] {
  const out: Arg[] = [];
  const items = asList(list);
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    // Numbers and booleans in YAML lists are strings to the container runtime only after kubectl
    // rejects them; keep what is a string.
    if (typeof v === 'string') out.push({ text: v, path: [...base, i] });
  }
  return out;
}

function envOf(list: unknown, base: Path): EnvVar[] {
  const out: EnvVar[] = [];
  const items = asList(list);
  for (let i = 0; i < items.length; i++) {
    const e = asMap(items[i]);
    const name = asString(e?.name);
    const value = asString(e?.value);
    if (name !== undefined && value !== undefined) out.push({ name, value, path: [...base, i, 'value'] });
  }
  return out;
}

function minorFromTag(tag: string | undefined): number | undefined {
  const m = tag ? /^v?1\.(\d+)(?:\.|$|-|\+)/.exec(tag) : null;
  return m ? Number(m[1]) : undefined;
}

function describeOwner(o: LoadedObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name || '(unnamed)'}`;
}

/** Control-plane processes among a pod's containers. */
export function processesInPod(pod: PodTarget): ComponentProcess[] {
  const out: ComponentProcess[] = [];
  for (const c of pod.containers) {
    if (c.kind === 'ephemeralContainers') continue; // debugging containers run what the debugger chose
    const command = argsOf(c.spec.command, [...c.path, 'command']);
    const args = argsOf(c.spec.args, [...c.path, 'args']);
    const image = asString(c.spec.image) ?? '';
    const ref = parseImage(image);
    // Without a command the image's entrypoint runs and `args` are only its arguments.
    let found = command.length ? findComponent([...command, ...args]) : undefined;
    if (!found && command.length === 0) {
      const repo = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
      const byImage = IMAGES[repo];
      if (byImage) found = { component: byImage, binary: { text: image, path: [...c.path, 'image'] }, args, viaShell: false };
    }
    if (!found) continue;
    out.push({
      component: found.component,
      owner: pod.owner,
      pod,
      container: c,
      flags: parseFlags(found.component, found.args),
      env: envOf(c.spec.env, [...c.path, 'env']),
      anchor: isMap(c.spec) && c.spec.command !== undefined ? [...c.path, 'command'] : [...c.path, 'args'],
      binary: found.binary,
      minor: found.component === 'etcd' ? undefined : minorFromTag(ref.tag),
      workingDir: asString(c.spec.workingDir) || '/',
      viaShell: found.viaShell,
      label: `${found.component} in ${describeOwner(pod.owner)}${pod.containers.length > 1 ? ` (container "${c.name}")` : ''}`,
    });
  }
  return out;
}

/**
 * A ProcessCommandLine object: a process's argv as seen on a node.
 *
 *   apiVersion: kubeharden.io/v1alpha1
 *   kind: ProcessCommandLine
 *   metadata: {name: kubelet}
 *   spec:
 *     command: [/usr/bin/kubelet, --config=/var/lib/kubelet/config.yaml, ...]
 *     workingDir: /            # optional; relative paths in flags start here
 *     env: [{name: ETCD_CLIENT_CERT_AUTH, value: "true"}]   # optional
 */
export function processOfCommandLine(o: LoadedObject): ComponentProcess | undefined {
  if (!isKubehardenKind(o, PROCESS_KIND)) return undefined;
  const spec = asMap(o.object.spec);
  if (!spec) return undefined;
  const argv = argsOf(spec.command, ['spec', 'command']);
  const found = findComponent(argv);
  if (!found) return undefined;
  return {
    component: found.component,
    owner: o,
    flags: parseFlags(found.component, found.args),
    env: envOf(spec.env, ['spec', 'env']),
    anchor: ['spec', 'command'],
    binary: found.binary,
    workingDir: asString(spec.workingDir) || '/',
    viaShell: found.viaShell,
    label: `${found.component} process ${o.name ? `"${o.name}" ` : ''}in ${o.source.file}`,
  };
}
