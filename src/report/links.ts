/** Locations as people follow them: repository-relative paths and links to a line. */
import { isAbsolute, relative } from 'node:path';

/** The path relative to the working directory, with forward slashes (as a repository names it). */
export function repoPath(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return rel.split('\\').join('/').replace(/^\.\//, '');
}

/**
 * Where a finding is, as people read it: `file:line:column`, or for an object read from a cluster
 * (audit, scan --control-plane: no file position, line 0) its source and field path,
 * `cluster:prod · spec.template.spec.containers[0].securityContext`. The object itself is named
 * beside it in every report.
 */
export function findingLocation(f: { file?: string; line?: number; column?: number; path?: string }): string {
  if (!f.file) return '';
  if (f.line) return `${f.file}:${f.line}:${f.column ?? 1}`;
  return f.path ? `${f.file} · ${f.path}` : f.file;
}

/** A link to the line in the repository's web view, or undefined without a base (or for stdin, or without a line). */
export function lineUrl(repoUrl: string | undefined, file: string, line: number): string | undefined {
  if (!repoUrl || file === '<stdin>' || !line) return undefined;
  const path = repoPath(file).split('/').map(encodeURIComponent).join('/');
  return `${repoUrl.replace(/\/+$/, '')}/${path}#L${line}`;
}
