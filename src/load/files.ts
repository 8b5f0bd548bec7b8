/**
 * Expands the user's paths into manifest files and Kustomize directories. Only regular files are
 * read (a FIFO named x.yaml would block the scan forever); each real file and folder is visited
 * once, so symbolic-link loops end and a file reached through two links is not scanned twice.
 */
import { lstatSync, readdirSync, realpathSync, statSync, existsSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
      /** size in bytes when the path was expanded */
      size?: number;
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

function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
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

  /** False (with a warning) when the real file was already listed. */
  const addFile = (path: string, st: Stats, walked: boolean): void => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // stat succeeded: keep the path itself as the key
    }
    const first = seenFiles.get(real);
    if (first !== undefined) {
      warnings.push(`${path}: same file as ${first}; read once`);
      return;
    }
    seenFiles.set(real, path);
    items.push({ type: 'file', path, size: st.size, ...(walked ? { walked: true } : {}) });
  };

  const walk = (dir: string, top: boolean, viaLink: boolean): void => {
    if (!enterDir(dir, viaLink)) return;
    if (useKustomize && kustomizationIn(dir)) {
      items.push({ type: 'kustomize', dir });
      return;
    }
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      errors.push({ file: dir, message: `cannot read directory: ${statErrorText(e)}` });
      return;
    }
    // A Helm chart's templates are not manifests until rendered.
    if (names.includes('Chart.yaml') && names.includes('templates')) {
      errors.push({ file: join(dir, 'Chart.yaml'), message: 'Helm chart: render it first (helm template ... | kubeharden scan -); templates skipped' });
      names = names.filter((n) => n !== 'templates');
    }
    for (const name of names) {
      const p = join(dir, name);
      if (excluded(p, exclude)) continue;
      const manifestName = MANIFEST_EXT.test(name) && !skipNames.has(name) && !(top === false && name === 'Chart.yaml');
      let link = false;
      let st: Stats;
      try {
        link = lstatSync(p).isSymbolicLink();
        st = statSync(p);
      } catch (e) {
        // A broken link or a loop among links: worth a word only where a manifest was expected.
        if (manifestName) warnings.push(`${p}: ${link ? `broken symbolic link (${statErrorText(e)})` : statErrorText(e)}; skipped`);
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p, false, link);
      } else if (manifestName) {
        if (st.isFile()) addFile(p, st, true);
        else errors.push({ file: p, message: notRegularText(st) });
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
    if (st.isDirectory()) walk(p, true, false);
    else if (st.isFile()) addFile(p, st, false); // an explicitly named file is read whatever its extension
    else errors.push({ file: p, message: notRegularText(st) });
  }
  return { items, errors, warnings };
}
