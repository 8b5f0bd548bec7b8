/**
 * JSON report, schema version 1 (docs/json-report.md). Later features add fields, never remove
 * or rename them. Secret values never appear: checks describe fields, they do not copy values.
 */
import { jsonChunks } from './json-chunks.js';
import type { ChunkedReporter } from './model.js';

export const JSON_SCHEMA_VERSION = 1;

/**
 * Written member by member down to each finding's fields (split depth 3: the report object, its
 * arrays, their items), so that the references a check's findings share are stringified once.
 */
export const jsonReport: ChunkedReporter = (r) =>
  jsonChunks(
    {
      version: JSON_SCHEMA_VERSION,
      tool: { name: 'kubeharden', version: r.toolVersion },
      failOn: r.failOn,
      findings: r.findings,
      errors: r.errors,
      warnings: r.warnings,
      summary: r.summary,
    },
    3,
  );
