/**
 * JSON report, schema version 1 (docs/json-report.md). Later features add fields, never remove
 * or rename them. Secret values never appear: checks describe fields, they do not copy values.
 */
import type { Reporter } from './model.js';

export const JSON_SCHEMA_VERSION = 1;

export const jsonReport: Reporter = (r) =>
  JSON.stringify(
    {
      version: JSON_SCHEMA_VERSION,
      tool: { name: 'kubeharden', version: r.toolVersion },
      failOn: r.failOn,
      findings: r.findings,
      errors: r.errors,
      warnings: r.warnings,
      summary: r.summary,
    },
    null,
    2,
  ) + '\n';
