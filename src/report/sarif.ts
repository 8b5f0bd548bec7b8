/**
 * SARIF 2.1.0 for code-scanning UIs: rules carry help text, results carry exact regions and
 * relative URIs, suppressed findings carry SARIF suppressions.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../engine/types.js';
import { jsonChunks } from './json-chunks.js';
import type { ReportInput, StreamInput } from './model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** The base that result URIs are relative to (SARIF originalUriBaseIds; GitHub maps it to the checkout). */
export const SRCROOT = '%SRCROOT%';

/** Names that are not paths: stdin, a Kustomize directory's rendered output, a cluster (`cluster:ctx`, a URL). */
function isPath(file: string): boolean {
  return !/^<.*>$/.test(file) && !file.endsWith(' (kustomize output)') && !/^[a-z][a-z0-9+.-]+:/i.test(file);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * The scan root: the working directory when every file is under it (CI runs from the checkout),
 * else the deepest folder holding them all. URIs relative to it never start with `../`, which code
 * scanning cannot map to a file of the repository.
 */
export function scanRoot(files: Iterable<string>): string {
  const cwd = process.cwd();
  let root: string | undefined;
  let outside = false;
  for (const f of files) {
    if (!isPath(f)) continue;
    const abs = resolve(f);
    if (!within(abs, cwd)) outside = true;
    if (root === undefined) root = dirname(abs);
    while (!within(abs, root)) {
      const up = dirname(root);
      if (up === root) break;
      root = up;
    }
  }
  return outside && root !== undefined ? root : cwd;
}

function encodePath(p: string): string {
  return p.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}

function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  if (!isPath(file)) return { uri: encodePath(file) };
  return { uri: encodePath(relative(root, resolve(file))), uriBaseId: SRCROOT };
}

/** The files that findings and errors point into (a walk of findings read back from disk reads them again). */
function* filesOf(r: ReportInput | StreamInput): Generator<string> {
  for (const f of r.findings) if (f.line) yield f.file;
  for (const e of r.errors) yield e.file;
}

export const sarifReport = (r: ReportInput | StreamInput): Iterable<string> => {
  const root = scanRoot(filesOf(r));
  const rootUri = pathToFileURL(root.endsWith(sep) ? root : root + sep).href;
  const ruleIds = new Map<string, number>();
  const rules = r.checks.map((c, i) => {
    ruleIds.set(c.meta.id, i);
    const refs = c.meta.references.map((x) => `- [${x.title}](${x.url})`).join('\n');
    return {
      id: c.meta.id,
      name: c.meta.id.replace(/(^|-)([A-Za-z])([A-Za-z0-9]*)/g, (_m, _d, a: string, b: string) => a.toUpperCase() + b.toLowerCase()),
      shortDescription: { text: c.meta.title },
      fullDescription: { text: c.meta.attack },
      help: { text: `${c.meta.attack}\n\nFix: ${c.meta.remediation}`, markdown: `${c.meta.attack}\n\n**Fix:** ${c.meta.remediation}\n\n${refs}` },
      ...(c.meta.references[0] ? { helpUri: c.meta.references[0].url } : {}),
      defaultConfiguration: { level: LEVEL[c.meta.severity] },
      properties: { tags: ['security', 'kubernetes', c.meta.category], 'security-severity': SECURITY_SEVERITY[c.meta.severity], precision: 'very-high' },
    };
  });
  const result = (f: Finding) => {
    const ruleIndex = ruleIds.get(f.check);
    return {
      ruleId: f.check,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.message} (${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name})` },
      locations: [
        {
          // Findings about live objects (audit) have no file: the object and field locate them.
          ...(f.line ? { physicalLocation: { artifactLocation: artifactLocation(f.file, root), region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn } } } : {}),
          logicalLocations: [{ fullyQualifiedName: `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}/${f.path}`, kind: 'object' }],
        },
      ],
      partialFingerprints: { 'kubeharden/v1': `${f.check}:${f.object.kind}:${f.object.namespace ?? ''}:${f.object.name}:${f.path}` },
      properties: { severity: f.severity, object: f.object, path: f.path, ...(f.container ? { container: f.container } : {}) },
      ...(f.suppressed ? { suppressions: [{ kind: f.suppressed.by === 'config' ? 'external' : 'inSource', justification: f.suppressed.reason, status: 'accepted' }] } : {}),
    };
  };
  // Made as jsonChunks writes them: a result lives only as long as its batch of text.
  const results: Iterable<ReturnType<typeof result>> = {
    *[Symbol.iterator]() {
      for (const f of r.findings) yield result(f);
    },
  };
  const notifications = r.errors.map((e) => ({
    level: 'error',
    message: { text: e.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(e.file, root), ...(e.line ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}) } }],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubeharden', version: r.toolVersion, semanticVersion: r.toolVersion, informationUri: 'https://github.com/kubeharden/kubeharden', rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri, description: { text: 'The scan root: result paths are relative to it.' } } },
        invocations: [{ executionSuccessful: r.errors.length === 0, toolExecutionNotifications: notifications }],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return jsonChunks(log, ['runs', 0, 'results']);
};
