/**
 * The flags each control-plane component accepts and how each one parses, from the generated
 * tables (scripts/gen-flag-tables.sh, at the pinned Kubernetes release). Sets are built on first
 * use per component: a scan without control-plane objects never builds them.
 */
import { FLAG_TABLES, FLAG_TABLE_VERSION, ETCD_FLAG_TABLE_VERSION } from './tables.generated.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'etcd'] as const;
export type Component = (typeof COMPONENTS)[number];

/**
 * `bool`: takes no separate value (`--f` means true; `--f=false` to turn it off). `list`: comma lists
 * that accumulate when the flag is repeated. `map`: key=value lists that accumulate per key.
 * `value`: anything else; the last occurrence wins.
 */
export type FlagKind = 'bool' | 'list' | 'map' | 'value';

export interface FlagTable {
  component: Component;
  /** The release the table was generated from, e.g. v1.35.4 (etcd: v3.6.5). */
  version: string;
  /** Kubernetes components read `--a_b` as `--a-b` (component-base WordSepNormalizeFunc); etcd does not. */
  normalizes: boolean;
  /** Go's flag package (etcd) instead of pflag: `-flag` is a long flag, and parsing stops at the first non-flag. */
  goFlag: boolean;
  kind(name: string): FlagKind | undefined;
  /** The long name a one-letter shorthand stands for (`v` → `v` for klog verbosity). */
  shorthand(letter: string): string | undefined;
  names(): string[];
}

const tables = new Map<Component, FlagTable>();

export function flagTable(component: Component): FlagTable {
  let t = tables.get(component);
  if (!t) tables.set(component, (t = build(component)));
  return t;
}

function build(component: Component): FlagTable {
  const raw = FLAG_TABLES[component];
  const kinds = new Map<string, FlagKind>();
  for (const kind of ['value', 'map', 'list', 'bool'] as const) {
    for (const name of raw[kind].split(' ')) if (name) kinds.set(name, kind);
  }
  const shorts = new Map<string, string>();
  for (const pair of raw.short.split(' ')) {
    const eq = pair.indexOf('=');
    if (eq > 0) shorts.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const etcd = component === 'etcd';
  return {
    component,
    version: etcd ? ETCD_FLAG_TABLE_VERSION : FLAG_TABLE_VERSION,
    normalizes: !etcd,
    goFlag: etcd,
    kind: (name) => kinds.get(name),
    shorthand: (letter) => shorts.get(letter),
    names: () => [...kinds.keys()],
  };
}
