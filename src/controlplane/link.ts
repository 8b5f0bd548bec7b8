/**
 * Follows the files a scan's command lines name, on a copy of a node's file system (or the node
 * itself, `--root /`): the configuration files of the API server, the scheduler and the kubelet,
 * the kubelet's --config-dir drop-ins, and the static pod manifests its staticPodPath names
 * (kube-bench hard-codes /etc/kubernetes/manifests, #803; the kubelet says where they are). Files
 * are read only under --root or a --path-map, which the user gives explicitly: a manifest naming
 * /etc/shadow makes kubeharden read nothing it was not pointed at.
 *
 * A file that is not there is not an error here: the check that needed it reports the verdict as
 * not assessable. A file that is there but cannot be read or parsed is an input error.
 */
import { readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { InputError, LoadOptions, LoadedObject } from '../load/types.js';
import { loadInputs } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { KUBELET_FIELDS, effective } from './kubelet.js';
import { controlPlaneModel } from './model.js';
import { makeNodeView, normalizeNodePath, placeObject, type NodeView, type PathMapping } from './node-files.js';

export interface LinkOptions {
  root?: string;
  pathMap?: readonly PathMapping[];
}

export interface LinkResult {
  /** Objects read from the files the command lines name (not including the input objects). */
  objects: LoadedObject[];
  errors: InputError[];
  files: string[];
  view: NodeView;
}

/** Rounds of following references: a kubelet → its config → static pods → their config files. */
const MAX_ROUNDS = 4;

function isDir(p: string): boolean | undefined {
  try {
    return statSync(p).isDirectory();
  } catch {
    return undefined;
  }
}

/** Every file under `local` whose name ends in .conf, recursively (the kubelet's drop-ins). */
function dropInFiles(local: string, errors: InputError[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      errors.push({ file: dir, message: `cannot read the kubelet's drop-in directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    for (const n of names) {
      const p = `${dir}/${n}`;
      const d = isDir(p);
      if (d) walk(p);
      else if (d === false && n.endsWith('.conf')) out.push(p);
    }
  };
  walk(local);
  return out;
}

/** The files the kubelet reads as static pods: every file in the directory not starting with a dot (not recursive). */
function staticPodFiles(local: string, errors: InputError[]): string[] {
  const d = isDir(local);
  if (d === undefined) return [];
  if (!d) return [local];
  try {
    return readdirSync(local).sort().filter((n) => !n.startsWith('.') && isDir(`${local}/${n}`) === false).map((n) => `${local}/${n}`);
  } catch (e) {
    errors.push({ file: local, message: `cannot read the static pod directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return [];
  }
}

export async function linkNodeFiles(inputs: readonly LoadedObject[], opts: LinkOptions, loadOpts: LoadOptions = {}): Promise<LinkResult> {
  const listed = new Map<string, string[]>();
  const view = makeNodeView(opts, listed);
  for (const o of inputs) placeObject(o, view);
  const result: LinkResult = { objects: [], errors: [], files: [], view };
  if (opts.root === undefined && !opts.pathMap?.length) return result;

  const seen = new Set<string>(inputs.map((o) => o.source.file));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const model = controlPlaneModel(new ObjectIndex([...inputs, ...result.objects]));
    const wanted: string[] = [];
    const want = (local: string) => {
      if (!seen.has(local)) {
        seen.add(local);
        wanted.push(local);
      }
    };
    for (const r of model.references) {
      if (r.status !== 'missing' || !r.nodePath) continue;
      const local = view.toLocal(r.nodePath);
      if (!local) continue;
      if (r.directory) {
        if (isDir(local) !== true || listed.has(r.nodePath)) continue;
        const files = dropInFiles(local, result.errors);
        listed.set(r.nodePath, files.map((f) => view.toNode(f) ?? f));
        files.forEach(want);
      } else if (isDir(local) === false) {
        want(local);
      }
    }
    // The static pods a kubelet runs: where its staticPodPath (or --pod-manifest-path) points.
    for (const k of model.kubelets) {
      const e = effective(k, KUBELET_FIELDS.staticPodPath);
      if (typeof e.value !== 'string' || e.value === '') continue;
      const nodeDir = normalizeNodePath(posix.resolve(k.process?.workingDir ?? '/', e.value));
      const local = view.toLocal(nodeDir);
      if (local) staticPodFiles(local, result.errors).forEach(want);
    }
    if (wanted.length === 0) break;
    const loaded = await loadInputs(wanted, { ...loadOpts, kustomize: false });
    for (const o of loaded.objects) placeObject(o, view);
    result.objects.push(...loaded.objects);
    result.errors.push(...loaded.errors);
    result.files.push(...loaded.files);
  }
  return result;
}
