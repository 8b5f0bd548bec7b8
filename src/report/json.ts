/**
 * JSON report, schema version 1 (docs/json-report.md). Later features add fields, never remove
 * or rename them. Secret values never appear: checks describe fields, they do not copy values.
 */
import { jsonChunks } from './json-chunks.js';
import type { ReportInput, StreamInput } from './model.js';

export const JSON_SCHEMA_VERSION = 1;

/** Findings are written in batches (a huge scan's report does not fit one string), from an array or read back from disk. */
export const jsonReport = (r: ReportInput | StreamInput): Iterable<string> =>
  jsonChunks(
    {
      version: JSON_SCHEMA_VERSION,
      tool: { name: 'kubeharden', version: r.toolVersion },
      failOn: r.failOn,
      findings: r.findings,
      errors: r.errors,
      warnings: r.warnings,
      summary: r.summary,
      // Added when asked for (--baseline, --framework): later versions add fields, never remove them.
      ...(r.baseline ? { baseline: r.baseline } : {}),
      ...(r.compliance ? { compliance: r.compliance } : {}),
    },
    ['findings'],
  );
