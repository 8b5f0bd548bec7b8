/** Expands the user's paths into manifest files and Kustomize directories. */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { minimatch } from 'minimatch';
import { CONFIG_NAMES } from '../engine/config-file.js';
import type { InputError } from './types.js';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules']);
/** kubeharden's own configuration files sit beside manifests: not input, so no warning either. */
const SKIP_FILES = new Set(CONFIG_NAMES);
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export type InputItem =
  | { type: 'file'; path: string; /** found by walking a directory (not named by the user) */ walked?: boolean }
  | { type: 'stdin' }
  | { type: 'kustomize'; dir: string };

export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((p) => existsSync(p));
}

function excluded(path: string, patterns: string[]): boolean {
  if (patterns.length === 0) return false;
  const rel = relative(process.cwd(), path) || path;
  return patterns.some((p) => minimatch(rel, p, { dot: true, matchBase: !p.includes('/') }) || minimatch(path, p, { dot: true }));
}

export function expandInputs(paths: string[], opts: { exclude?: string[]; kustomize?: boolean }): { items: InputItem[]; errors: InputError[] } {
  const items: InputItem[] = [];
  const errors: InputError[] = [];
  const exclude = opts.exclude ?? [];
  const useKustomize = opts.kustomize !== false;

  const walk = (dir: string, top: boolean): void => {
    if (useKustomize && kustomizationIn(dir)) {
      items.push({ type: 'kustomize', dir });
      return;
    }
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      errors.push({ file: dir, message: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
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
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // dangling symlink
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p, false);
      } else if (MANIFEST_EXT.test(name) && !SKIP_FILES.has(name) && !(top === false && name === 'Chart.yaml')) {
        items.push({ type: 'file', path: p, walked: true });
      }
    }
  };

  for (const p of paths) {
    if (p === '-') {
      items.push({ type: 'stdin' });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      errors.push({ file: p, message: 'no such file or directory' });
      continue;
    }
    if (st.isDirectory()) walk(p, true);
    else items.push({ type: 'file', path: p }); // an explicitly named file is read whatever its extension
  }
  return { items, errors };
}
