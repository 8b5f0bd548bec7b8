/**
 * Expands the user's paths into manifest files and Kustomize directories. Only regular files are
 * read (a FIFO named x.yaml would block the scan forever); each real file and folder is visited
 * once, so symbolic-link loops end and a file reached through two links is not scanned twice.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, existsSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { InputError } from './types.js';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules']);
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export type InputItem =
  | {
      type: 'file';
      path: string;
      /** found by walking a directory (not named by the user) */
      walked?: boolean;
    }
  | { type: 'stdin' }
  | { type: 'kustomize'; dir: string };

export interface ExpandOptions {
  /** Globs of paths to skip when walking directories. */
  exclude?: string[];
  /** Render directories containing a kustomization (default true). */
  kustomize?: boolean;
  /** File names skipped silently when walking directories (the caller's own configuration files). */
  skipNames?: readonly string[];
}

export interface Expanded {
  items: InputItem[];
  errors: InputError[];
  /** Links not followed and files read once although reached twice. */
  warnings: string[];
}

export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((p) => existsSync(p));
}

function excluded(path: string, patterns: string[]): boolean {
  if (patterns.length === 0) return false;
  const rel = relative(process.cwd(), path) || path;
  return patterns.some((p) => minimatch(rel, p, { dot: true, matchBase: !p.includes('/') }) || minimatch(path, p, { dot: true }));
}

/** Why a path could not be looked at, in words. */
export function statErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'ELOOP') return 'symbolic link loop (too many levels of links)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  return `cannot read: ${code ?? (e as Error).message}`;
}

function fileTypeName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Only regular files are read: others could block forever (FIFOs) or never end (devices). */
export function notRegularText(st: Stats): string {
  return `${fileTypeName(st)}, not a regular file: skipped (only regular files are read; to read a stream, pipe it to \`kubeharden scan -\`)`;
}

/**
 * The bytes of a listed file, or why they are not read (not a regular file, above `maxBytes`,
 * unreadable). Checked again as it is read: the path may have been replaced since it was listed.
 */
export function readListedFile(path: string, maxBytes: number): { ok: true; bytes: Buffer } | { ok: false; error: InputError } {
  try {
    const st = statSync(path);
    if (!st.isFile()) return { ok: false, error: { file: path, message: notRegularText(st) } };
    if (st.size > maxBytes) {
      return { ok: false, error: { file: path, message: `file is ${(st.size / 1048576).toFixed(1)} MiB, above the ${(maxBytes / 1048576).toFixed(0)} MiB limit (--max-file-size); skipped` } };
    }
    return { ok: true, bytes: readFileSync(path) };
  } catch (e) {
    return { ok: false, error: { file: path, message: statErrorText(e) } };
  }
}

function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** True when no symbolic link is on the way to `path`. */
function isOwnRealPath(path: string): boolean {
  try {
    return realpathSync(path) === resolve(path);
  } catch {
    return false;
  }
}

export function expandInputs(paths: string[], opts: ExpandOptions = {}): Expanded {
  const items: InputItem[] = [];
  const errors: InputError[] = [];
  const warnings: string[] = [];
  const exclude = opts.exclude ?? [];
  const useKustomize = opts.kustomize !== false;
  const skipNames = new Set(opts.skipNames ?? []);
  /** Real path → the path it was first reached by. */
  const seenDirs = new Map<string, string>();
  const seenFiles = new Map<string, string>();

  /** False (with a warning) when the real folder was already visited. */
  const enterDir = (dir: string, viaLink: boolean): boolean => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (e) {
      errors.push({ file: dir, message: statErrorText(e) });
      return false;
    }
    const first = seenDirs.get(real);
    if (first === undefined) {
      seenDirs.set(real, dir);
      return true;
    }
    if (viaLink) {
      let parentReal = '';
      try {
        parentReal = realpathSync(join(dir, '..'));
      } catch {
        // the loop test below is only for the wording
      }
      const loop = parentReal !== '' && isWithin(parentReal, real);
      warnings.push(`${dir}: symbolic link ${loop ? `loop (points back to ${first})` : `to a folder already scanned (${first})`}; not followed`);
    } else warnings.push(`${dir}: already scanned as ${first}; read once`);
    return false;
  };

  /**
   * Lists a file unless its real path was already listed. Inside a tree reached through no link, a
   * path is its own real path (no realpath call per file: most walks have no links at all).
   */
  const addFile = (path: string, walked: boolean, throughLink: boolean): void => {
    let real = path;
    if (throughLink || !walked) {
      try {
        real = realpathSync(path);
      } catch {
        // stat succeeded: keep the path itself as the key
      }
    } else real = resolve(path);
    const first = seenFiles.get(real);
    if (first !== undefined) {
      warnings.push(`${path}: same file as ${first}; read once`);
      return;
    }
    seenFiles.set(real, path);
    items.push({ type: 'file', path, ...(walked ? { walked: true } : {}) });
  };

  /** `throughLink`: the folder was reached through a symbolic link (its files' real paths differ). */
  const walk = (dir: string, top: boolean, viaLink: boolean, throughLink: boolean): void => {
    if (!enterDir(dir, viaLink)) return;
    if (useKustomize && kustomizationIn(dir)) {
      items.push({ type: 'kustomize', dir });
      return;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      errors.push({ file: dir, message: `cannot read directory: ${statErrorText(e)}` });
      return;
    }
    // A Helm chart's templates are not manifests until rendered.
    if (entries.some((e) => e.name === 'Chart.yaml') && entries.some((e) => e.name === 'templates')) {
      errors.push({ file: join(dir, 'Chart.yaml'), message: 'Helm chart: render it first (helm template ... | kubeharden scan -); templates skipped' });
      entries = entries.filter((e) => e.name !== 'templates');
    }
    for (const entry of entries) {
      const name = entry.name;
      const p = join(dir, name);
      if (excluded(p, exclude)) continue;
      const manifestName = MANIFEST_EXT.test(name) && !skipNames.has(name) && !(top === false && name === 'Chart.yaml');
      const link = entry.isSymbolicLink();
      // The entry's own type, or for a link the type of what it points to.
      let st: { isDirectory(): boolean; isFile(): boolean } = entry;
      if (link) {
        try {
          st = statSync(p);
        } catch (e) {
          // A broken link or a loop among links: worth a word only where a manifest was expected.
          if (manifestName) warnings.push(`${p}: broken symbolic link (${statErrorText(e)}); skipped`);
          continue;
        }
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p, false, link, throughLink || link);
      } else if (manifestName) {
        if (st.isFile()) addFile(p, true, throughLink || link);
        else errors.push({ file: p, message: notRegularText(link ? statSync(p) : lstatSync(p)) });
      }
    }
  };

  for (const p of paths) {
    if (p === '-') {
      items.push({ type: 'stdin' });
      continue;
    }
    let st: Stats;
    try {
      st = statSync(p);
    } catch (e) {
      errors.push({ file: p, message: statErrorText(e) });
      continue;
    }
    if (st.isDirectory()) walk(p, true, false, !isOwnRealPath(p));
    else if (st.isFile()) addFile(p, false, true); // an explicitly named file is read whatever its extension
    else errors.push({ file: p, message: notRegularText(st) });
  }
  return { items, errors, warnings };
}
