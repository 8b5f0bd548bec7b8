/**
 * Where scanned files live on the node. Command lines name files by their path on the node
 * (`--encryption-provider-config=/etc/kubernetes/enc.yaml`); the scan may read a copy of the node's
 * files elsewhere (`--root ./node1`, `--path-map /etc/kubernetes=./copy`). A NodeView maps both
 * ways, and remembers which node directories were listed, so a `--config-dir` that was read and
 * found empty is told apart from one that was never read.
 *
 * The view is attached to the objects it describes (set by the linker, read by checks): checks
 * stay pure functions of the objects, and objects nobody attached a view to are where their file
 * says (an absolute path resolved as-is).
 */
import { posix, resolve, sep } from 'node:path';
import type { LoadedObject } from '../load/types.js';

export interface PathMapping {
  /** Absolute path prefix on the node, e.g. /etc/kubernetes. */
  node: string;
  /** Where that prefix is in the scanned copy (a local path). */
  local: string;
}

export interface NodeView {
  /** Local file → its path on the node, or undefined when outside every mapping. */
  toNode(localFile: string): string | undefined;
  /** Node path → the local path to read, or undefined when no mapping covers it. */
  toLocal(nodePath: string): string | undefined;
  /** Node directories the linker listed, with the files found in them (node paths). */
  readonly listedDirectories: ReadonlyMap<string, readonly string[]>;
  /** How paths are mapped, for messages: "--root ./node1", or "" for none. */
  readonly description: string;
}

/** Absolute, normalized, forward slashes, no trailing slash (except "/"). */
export function normalizeNodePath(p: string): string {
  const n = posix.normalize(p.startsWith('/') ? p : `/${p}`);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function toPosix(localAbs: string): string {
  return sep === '/' ? localAbs : localAbs.split(sep).join('/');
}

function under(p: string, prefix: string): string | undefined {
  if (prefix === '/') return p;
  if (p === prefix) return '';
  return p.startsWith(`${prefix}/`) ? p.slice(prefix.length) : undefined;
}

/**
 * A view from `--root` (the node's `/` is this local directory) and `--path-map` entries (longest
 * node prefix wins; they take precedence over the root). With neither, a file's node path is its
 * own absolute path, and nothing is read from disk.
 */
export function makeNodeView(opts: { root?: string; pathMap?: readonly PathMapping[] } = {}, listed = new Map<string, string[]>()): NodeView {
  const maps = (opts.pathMap ?? []).map((m) => ({ node: normalizeNodePath(m.node), local: toPosix(resolve(m.local)) }));
  if (opts.root !== undefined) maps.push({ node: '/', local: toPosix(resolve(opts.root)) });
  maps.sort((a, b) => b.node.length - a.node.length);
  const identity = maps.length === 0;
  return {
    listedDirectories: listed,
    description: [
      ...(opts.root !== undefined ? [`--root ${opts.root}`] : []),
      ...(opts.pathMap ?? []).map((m) => `--path-map ${m.node}=${m.local}`),
    ].join(' '),
    toNode(localFile) {
      const abs = toPosix(resolve(localFile));
      if (identity) return abs;
      // The mapping whose local side holds the file most specifically.
      let best: { node: string; rest: string; len: number } | undefined;
      for (const m of maps) {
        const rest = under(abs, m.local);
        if (rest !== undefined && (!best || m.local.length > best.len)) best = { node: m.node, rest, len: m.local.length };
      }
      return best ? normalizeNodePath(best.node === '/' ? best.rest || '/' : `${best.node}${best.rest}`) : undefined;
    },
    toLocal(nodePath) {
      if (identity) return undefined;
      const n = normalizeNodePath(nodePath);
      for (const m of maps) {
        const rest = under(n, m.node);
        if (rest !== undefined) return `${m.local}${rest}` || '/';
      }
      return undefined;
    },
  };
}

const IDENTITY = makeNodeView();

interface Placement {
  nodePath: string | undefined;
  view: NodeView;
}

const placements = new WeakMap<LoadedObject, Placement>();

/** Records where an object's file is on the node (called by the linker for every object it places). */
export function placeObject(o: LoadedObject, view: NodeView): void {
  placements.set(o, { nodePath: fileIsLocal(o.source.file) ? view.toNode(o.source.file) : undefined, view });
}

/** Live objects and stdin have no file on any node. */
function fileIsLocal(file: string): boolean {
  return file !== '<stdin>' && file !== '<object>' && !file.startsWith('cluster:');
}

/** The object's file as a path on the node; undefined for stdin and live objects. */
export function nodePathOf(o: LoadedObject): string | undefined {
  const p = placements.get(o);
  if (p) return p.nodePath;
  return fileIsLocal(o.source.file) ? IDENTITY.toNode(o.source.file) : undefined;
}

/** The view an object was placed with (the identity view when none was attached). */
export function nodeViewOf(o: LoadedObject): NodeView {
  return placements.get(o)?.view ?? IDENTITY;
}
