/** Locations as people follow them: repository-relative paths and links to a line. */
import { isAbsolute, relative } from 'node:path';

/** The path relative to the working directory, with forward slashes (as a repository names it). */
export function repoPath(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return rel.split('\\').join('/').replace(/^\.\//, '');
}

/** A link to the line in the repository's web view, or undefined without a base (or for stdin). */
export function lineUrl(repoUrl: string | undefined, file: string, line: number): string | undefined {
  if (!repoUrl || file === '<stdin>') return undefined;
  const path = repoPath(file).split('/').map(encodeURIComponent).join('/');
  return `${repoUrl.replace(/\/+$/, '')}/${path}#L${line}`;
}
