import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import type { Reporter } from './model.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';

export type { ReportInput, Reporter } from './model.js';

export const REPORTERS: Record<string, Reporter> = { text: textReport, json: jsonReport, sarif: sarifReport, junit: junitReport };
