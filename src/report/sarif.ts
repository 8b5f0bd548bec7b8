/**
 * SARIF 2.1.0 for code-scanning UIs: rules carry help text, results carry exact regions and
 * relative URIs, suppressed findings carry SARIF suppressions.
 */
import { relative, isAbsolute } from 'node:path';
import type { Severity } from '../engine/types.js';
import { jsonChunks } from './json-chunks.js';
import type { ChunkedReporter } from './model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function uri(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return rel.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}

export const sarifReport: ChunkedReporter = (r) => {
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
  const results = r.findings.map((f) => {
    const ruleIndex = ruleIds.get(f.check);
    return {
      ruleId: f.check,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.message} (${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name})` },
      locations: [
        {
          // Findings about live objects (audit) have no file: the object and field locate them.
          ...(f.line
            ? { physicalLocation: { artifactLocation: { uri: uri(f.file) }, region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn } } }
            : {}),
          logicalLocations: [{ fullyQualifiedName: `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}/${f.path}`, kind: 'object' }],
        },
      ],
      partialFingerprints: { 'kubeharden/v1': `${f.check}:${f.object.kind}:${f.object.namespace ?? ''}:${f.object.name}:${f.path}` },
      properties: { severity: f.severity, object: f.object, path: f.path, ...(f.container ? { container: f.container } : {}) },
      ...(f.suppressed ? { suppressions: [{ kind: f.suppressed.by === 'config' ? 'external' : 'inSource', justification: f.suppressed.reason, status: 'accepted' }] } : {}),
    };
  });
  const notifications = r.errors.map((e) => ({
    level: 'error',
    message: { text: e.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.file) }, ...(e.line ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}) } }],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubeharden', version: r.toolVersion, semanticVersion: r.toolVersion, informationUri: 'https://github.com/kubeharden/kubeharden', rules } },
        invocations: [{ executionSuccessful: r.errors.length === 0, toolExecutionNotifications: notifications }],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return jsonChunks(log, ['runs', 0, 'results']);
};
