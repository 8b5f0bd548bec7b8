/**
 * Kustomize directories are rendered with `kubectl kustomize`. To point findings back at the
 * files the user edits, the directory is wrapped in a temporary kustomization that turns on
 * origin annotations; each rendered object then locates paths in its source file when the
 * field exists there, and at the source object otherwise.
 */
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { parseManifestText } from './documents.js';
import type { InputError, LoadedObject, Path, Region } from './types.js';

const ORIGIN = 'config.kubernetes.io/origin';

export function renderKustomize(dir: string): { objects: LoadedObject[]; errors: InputError[] } {
  // Loaded here, not at start-up: most scans render no kustomization, and child_process pulls in
  // net and the stream modules (~5 ms of a small scan).
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const tmp = mkdtempSync(join(tmpdir(), 'kubeharden-kustomize-'));
  try {
    const abs = resolve(dir);
    // Kustomize refuses absolute resource paths; a relative one works with LoadRestrictionsNone.
    writeFileSync(join(tmp, 'kustomization.yaml'), `resources:\n- ${JSON.stringify(relative(tmp, abs))}\nbuildMetadata: [originAnnotations]\n`);
    const r = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', tmp], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (r.error) {
      const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
      return {
        objects: [],
        errors: [{ file: dir, message: missing ? 'kustomization found but kubectl is not installed: install kubectl (or render with `kustomize build` and pipe to `kubeharden scan -`)' : `kubectl kustomize failed: ${r.error.message}` }],
      };
    }
    if (r.status !== 0) {
      return { objects: [], errors: [{ file: dir, message: `kubectl kustomize failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` }] };
    }
    const rendered = parseManifestText(r.stdout, `${dir} (kustomize output)`);
    const sources = new Map<string, LoadedObject[]>();
    // Origin paths are relative to the top kustomization: our temporary wrapper.
    const objects = rendered.objects.map((o) => withOrigin(o, tmp, abs, dir, sources));
    return { objects, errors: rendered.errors };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function originPath(o: LoadedObject): string | undefined {
  const text = o.annotations[ORIGIN];
  const m = text && /(?:^|\n)path:\s*(.+)/.exec(text);
  return m ? m[1].trim().replace(/^['"]|['"]$/g, '') : undefined;
}

function sourceObjectsOf(file: string, cache: Map<string, LoadedObject[]>): LoadedObject[] {
  let objs = cache.get(file);
  if (!objs) {
    try {
      objs = parseManifestText(readFileSync(file, 'utf8'), file).objects;
    } catch {
      objs = [];
    }
    cache.set(file, objs);
  }
  return objs;
}

function withOrigin(o: LoadedObject, rootDir: string, absDir: string, userDir: string, cache: Map<string, LoadedObject[]>): LoadedObject {
  const rel = originPath(o);
  if (!rel) return o;
  const absFile = isAbsolute(rel) ? rel : resolve(rootDir, rel);
  const candidates = sourceObjectsOf(absFile, cache).filter((s) => s.kind === o.kind);
  const src = candidates.find((s) => s.name === o.name) ?? candidates.find((s) => o.name.endsWith(s.name)) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!src) return o;
  const shownFile = join(userDir, relative(absDir, absFile)) || absFile;
  const locate = (path: Path): Region => src.source.locate(path);
  // Hide the origin annotation we added: it is not part of the user's object.
  const annotations = { ...o.annotations };
  delete annotations[ORIGIN];
  return Object.freeze({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    labels: o.labels,
    annotations,
    get object() {
      const obj = o.object;
      const meta = obj.metadata as { annotations?: Record<string, string> } | undefined;
      if (meta?.annotations && ORIGIN in meta.annotations) {
        delete meta.annotations[ORIGIN];
        if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
      }
      return obj;
    },
    source: { file: shownFile.startsWith('..') ? absFile : shownFile, documentIndex: src.source.documentIndex, itemPath: src.source.itemPath, locate },
  }) as LoadedObject;
}
