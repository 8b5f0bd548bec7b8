/**
 * Everything the control-plane checks need, derived once per scan from the object index: the
 * component processes, the configuration files their flags name (and whether the scan holds
 * them), and the kubelets with the sources of their configuration in precedence order.
 */
import { posix } from 'node:path';
import type { LoadedObject, Path } from '../load/types.js';
import type { ObjectIndex } from '../engine/object-index.js';
import type { PodTarget } from '../k8s/pod-spec.js';
import { asList, asMap, asString } from '../k8s/json.js';
import { CONFIG_KINDS, isConfigKind, isKubehardenKind, type ConfigKind } from './config-kinds.js';
import type { FlagOccurrence } from './flags/parse.js';
import type { Component } from './flags/table.js';
import { normalizeNodePath, nodePathOf, nodeViewOf, type NodeView } from './node-files.js';
import { processesInPod, processOfCommandLine, type ComponentProcess } from './process.js';

/** Flags that name a configuration file, per component. */
export const FILE_FLAGS: Readonly<Record<Component, ReadonlyArray<{ flag: string; kind?: ConfigKind; directory?: true }>>> = {
  'kube-apiserver': [
    { flag: 'encryption-provider-config', kind: 'EncryptionConfiguration' },
    { flag: 'audit-policy-file', kind: 'Policy' },
    { flag: 'authentication-config', kind: 'AuthenticationConfiguration' },
    { flag: 'authorization-config', kind: 'AuthorizationConfiguration' },
    { flag: 'admission-control-config-file', kind: 'AdmissionConfiguration' },
  ],
  'kube-controller-manager': [],
  'kube-scheduler': [{ flag: 'config', kind: 'KubeSchedulerConfiguration' }],
  kubelet: [
    { flag: 'config', kind: 'KubeletConfiguration' },
    { flag: 'config-dir', kind: 'KubeletConfiguration', directory: true },
  ],
  // etcd's --config-file is etcd's own YAML, not a Kubernetes-style object.
  etcd: [{ flag: 'config-file' }],
};

export type ReferenceStatus =
  /** The scan holds an object of the expected kind from that file (a directory: it was listed, or drop-ins are in the scan). */
  | 'found'
  /** Nothing from that path is in the scan. */
  | 'missing'
  /** The file is in the scan but holds something else. */
  | 'wrong-kind'
  /** The path is not a file on the node (inside the container image, or in a ConfigMap/Secret volume). */
  | 'unreachable'
  /** A file kubeharden cannot read as a Kubernetes-style object (etcd's --config-file). */
  | 'not-kubernetes';

export interface ConfigReference {
  process: ComponentProcess;
  flag: FlagOccurrence;
  kind?: ConfigKind;
  directory: boolean;
  /** Where the file is on the node (after the pod's hostPath mounts), when it is on the node. */
  nodePath?: string;
  /** Why the path is not a node file (status 'unreachable'). */
  reason?: string;
  /** The objects of that file (a directory: its drop-ins, in the order the kubelet merges them). */
  objects: LoadedObject[];
  status: ReferenceStatus;
  view: NodeView;
}

export interface KubeletInstance {
  /** For messages: the node, the process or the file. */
  label: string;
  process?: ComponentProcess;
  /** The --config file (or a KubeletConfiguration scanned without a command line). */
  config?: LoadedObject;
  configRef?: ConfigReference;
  /** --config-dir drop-ins in merge order (later ones override earlier ones). */
  dropIns: LoadedObject[];
  dropInRef?: ConfigReference;
  /** The kubelet's own effective configuration (live /configz): complete, defaults applied. */
  effective: boolean;
  /** Where a finding about a value left at its default goes. */
  anchor: { object: LoadedObject; path: Path };
}

export interface ControlPlaneModel {
  processes: readonly ComponentProcess[];
  processesOf(o: LoadedObject): readonly ComponentProcess[];
  ofComponent(c: Component): readonly ComponentProcess[];
  references: readonly ConfigReference[];
  referencesOf(p: ComponentProcess): readonly ConfigReference[];
  /** The reference a process makes with one of its file flags. */
  reference(p: ComponentProcess, flag: string): ConfigReference | undefined;
  kubelets: readonly KubeletInstance[];
}

/**
 * The object is part of a control plane or node configuration: it runs a component, is one of
 * their configuration kinds, or a live probe. Control-plane checks judge nothing else, so a scan
 * of applications alone is out of their scope (not a pass).
 */
export function isControlPlaneObject(o: LoadedObject, index: ObjectIndex): boolean {
  if (o.kind in CONFIG_KINDS || isKubehardenKind(o, 'ProcessCommandLine') || isKubehardenKind(o, 'ControlPlaneProbe')) return true;
  return index.derived(controlPlaneModel).processesOf(o).length > 0;
}

/** Live /configz objects carry this annotation (value: the node name). */
export const CONFIGZ_ANNOTATION = 'kubeharden.io/configz-node';
/** …and this one: the node's status.nodeInfo.kubeletVersion. */
export const KUBELET_VERSION_ANNOTATION = 'kubeharden.io/kubelet-version';

const NONE: readonly never[] = [];

/** `index.derived(controlPlaneModel)`: built on first use, once per scan. */
export function controlPlaneModel(index: ObjectIndex): ControlPlaneModel {
  const processes: ComponentProcess[] = [];
  const byOwner = new Map<LoadedObject, ComponentProcess[]>();
  for (const o of index.objects) {
    const found: ComponentProcess[] = [];
    if (isKubehardenKind(o, 'ProcessCommandLine')) {
      const p = processOfCommandLine(o);
      if (p) found.push(p);
    } else {
      for (const pod of index.podsOf(o)) found.push(...processesInPod(pod));
    }
    if (found.length) {
      byOwner.set(o, found);
      processes.push(...found);
    }
  }

  const byNodePath = new Map<string, LoadedObject[]>();
  for (const o of index.objects) {
    const p = nodePathOf(o);
    if (p === undefined) continue;
    let list = byNodePath.get(p);
    if (!list) byNodePath.set(p, (list = []));
    list.push(o);
  }

  const references: ConfigReference[] = [];
  const refsByProcess = new Map<ComponentProcess, ConfigReference[]>();
  for (const p of processes) {
    const refs: ConfigReference[] = [];
    for (const spec of FILE_FLAGS[p.component]) {
      const flag = p.flags.nonEmpty(spec.flag);
      if (!flag) continue;
      refs.push(resolveReference(p, flag, spec.kind, spec.directory === true, byNodePath));
    }
    if (refs.length) {
      refsByProcess.set(p, refs);
      references.push(...refs);
    }
  }

  const kubelets = kubeletInstances(index, processes, refsByProcess);
  const byComponent = new Map<Component, ComponentProcess[]>();
  for (const p of processes) {
    let l = byComponent.get(p.component);
    if (!l) byComponent.set(p.component, (l = []));
    l.push(p);
  }
  return {
    processes,
    processesOf: (o) => byOwner.get(o) ?? NONE,
    ofComponent: (c) => byComponent.get(c) ?? NONE,
    references,
    referencesOf: (p) => refsByProcess.get(p) ?? NONE,
    reference: (p, flag) => refsByProcess.get(p)?.find((r) => r.flag.name === flag),
    kubelets,
  };
}

/**
 * Where a path inside a container is on the node: through the hostPath volume mounted at the
 * longest matching mountPath. Anything else is not a node file.
 */
export function hostPathOf(pod: PodTarget, containerIndex: number, containerPath: string): { path?: string; reason?: string } {
  const container = pod.containers[containerIndex];
  let best: { mountPath: string; volume: string; subPath?: string } | undefined;
  for (const m of asList(container?.spec.volumeMounts)) {
    const mm = asMap(m);
    const mountPath = asString(mm?.mountPath);
    const volume = asString(mm?.name);
    if (!mountPath || !volume) continue;
    const mp = normalizeNodePath(mountPath);
    if ((containerPath === mp || containerPath.startsWith(mp === '/' ? '/' : `${mp}/`)) && (!best || mp.length > best.mountPath.length)) {
      best = { mountPath: mp, volume, subPath: asString(mm?.subPath) };
    }
  }
  if (!best) return { reason: `${containerPath} is inside the container image (no volume is mounted there)` };
  const vol = asList(pod.spec.volumes).map(asMap).find((v) => asString(v?.name) === best?.volume);
  const hostPath = asString(asMap(vol?.hostPath)?.path);
  if (!hostPath) {
    const type = vol ? Object.keys(vol).find((k) => k !== 'name') ?? 'unknown' : 'undeclared';
    return { reason: `${containerPath} lies in the ${type} volume "${best.volume}", not in a host directory` };
  }
  const rest = containerPath.slice(best.mountPath.length);
  return { path: normalizeNodePath(posix.join(hostPath, best.subPath ?? '', rest)) };
}

function resolveReference(
  p: ComponentProcess,
  flag: FlagOccurrence,
  kind: ConfigKind | undefined,
  directory: boolean,
  byNodePath: Map<string, LoadedObject[]>,
): ConfigReference {
  const view = nodeViewOf(p.owner);
  const base = { process: p, flag, kind, directory, view };
  const inProcess = normalizeNodePath(posix.resolve(p.workingDir, flag.value));
  let nodePath = inProcess;
  if (p.pod && p.container) {
    const idx = p.pod.containers.indexOf(p.container);
    const host = hostPathOf(p.pod, idx, inProcess);
    if (!host.path) return { ...base, objects: [], status: 'unreachable', reason: host.reason };
    nodePath = host.path;
  }
  if (!kind) return { ...base, nodePath, objects: byNodePath.get(nodePath) ?? [], status: 'not-kubernetes' };
  if (directory) {
    const dropIns = dropInsUnder(nodePath, byNodePath);
    const listed = view.listedDirectories.has(nodePath);
    return { ...base, nodePath, objects: dropIns, status: listed || dropIns.length > 0 ? 'found' : 'missing' };
  }
  const objects = byNodePath.get(nodePath) ?? [];
  if (objects.length === 0) return { ...base, nodePath, objects, status: 'missing' };
  return { ...base, nodePath, objects, status: objects.some((o) => isConfigKind(o, kind)) ? 'found' : 'wrong-kind' };
}

/**
 * The kubelet's drop-ins: files ending in .conf anywhere under the directory, in the order
 * filepath.WalkDir visits them (names sorted within each directory, subdirectories where their
 * name sorts).
 */
function dropInsUnder(dir: string, byNodePath: Map<string, LoadedObject[]>): LoadedObject[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const entries: Array<{ rel: string[]; objects: LoadedObject[] }> = [];
  for (const [path, objects] of byNodePath) {
    if (!path.startsWith(prefix) || !path.endsWith('.conf')) continue;
    entries.push({ rel: path.slice(prefix.length).split('/'), objects });
  }
  entries.sort((a, b) => {
    for (let i = 0; i < Math.min(a.rel.length, b.rel.length); i++) {
      if (a.rel[i] !== b.rel[i]) return a.rel[i] < b.rel[i] ? -1 : 1;
    }
    return a.rel.length - b.rel.length;
  });
  // The kubelet decodes one KubeletConfiguration per drop-in file.
  return entries.map((e) => e.objects.find((o) => isConfigKind(o, 'KubeletConfiguration')) ?? e.objects[0]);
}

function kubeletInstances(index: ObjectIndex, processes: readonly ComponentProcess[], refs: Map<ComponentProcess, ConfigReference[]>): KubeletInstance[] {
  const out: KubeletInstance[] = [];
  const consumed = new Set<LoadedObject>();
  for (const p of processes) {
    if (p.component !== 'kubelet') continue;
    const configRef = refs.get(p)?.find((r) => r.flag.name === 'config');
    const dropInRef = refs.get(p)?.find((r) => r.flag.name === 'config-dir');
    const config = configRef?.objects.find((o) => isConfigKind(o, 'KubeletConfiguration'));
    const dropIns = dropInRef?.objects ?? [];
    if (config) consumed.add(config);
    for (const d of dropIns) consumed.add(d);
    out.push({
      label: p.label,
      process: p,
      config,
      configRef,
      dropIns,
      dropInRef,
      effective: false,
      anchor: config ? { object: config, path: [] } : { object: p.owner, path: p.anchor },
    });
  }
  for (const o of index.ofKind('KubeletConfiguration')) {
    if (consumed.has(o) || !isConfigKind(o, 'KubeletConfiguration')) continue;
    const node = o.annotations[CONFIGZ_ANNOTATION];
    out.push({
      label: node !== undefined ? `the kubelet of node ${node} (/configz)` : `the kubelet configured by ${o.source.file}`,
      config: o,
      dropIns: [],
      effective: node !== undefined,
      anchor: { object: o, path: [] },
    });
  }
  return out;
}
