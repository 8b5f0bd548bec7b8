import { jsonReport } from './json.js';
import { junitReport, junitReportStream } from './junit.js';
import type { ChunkedReporter, ReportInput, Reporter, StreamReporter } from './model.js';
import { sarifReport } from './sarif.js';
import { textReport, textReportStream } from './text.js';
import { htmlReport, htmlReportStream } from './html/index.js';
import { markdownReporter } from './markdown.js';

export type { ChunkedReporter, ReportInput, Reporter, StreamInput, StreamReporter } from './model.js';
export { FindingSpool, SpoolError, type FindingStream } from './finding-spool.js';
export { batched } from './json-chunks.js';

/** Every format as pieces to write in order (the machine formats stream; text and JUnit are one piece). */
export const REPORT_CHUNKS: Record<string, ChunkedReporter> = {
  text: (r: ReportInput) => [textReport(r)],
  json: jsonReport,
  sarif: sarifReport,
  junit: (r: ReportInput) => [junitReport(r)],
  html: htmlReport,
  markdown: markdownReporter,
};

/**
 * The formats that can write findings read back from disk (FindingSpool) without holding them,
 * byte-identical to REPORT_CHUNKS (finding-spool.test.ts). HTML lists the worst first: it
 * puts them in that order in a second temporary file; Markdown keeps only the worst that fit.
 */
export const STREAM_REPORTERS: Readonly<Partial<Record<string, StreamReporter>>> = {
  text: textReportStream,
  json: jsonReport,
  sarif: sarifReport,
  junit: junitReportStream,
  html: htmlReportStream,
  markdown: markdownReporter,
};

/** The formats `scan -o` accepts, from the table above (one list, not repeated elsewhere). */
export const OUTPUT_FORMATS: readonly string[] = Object.keys(REPORT_CHUNKS);

/** Every format as one string (tests, small reports). */
export const REPORTERS: Record<string, Reporter> = Object.fromEntries(
  Object.entries(REPORT_CHUNKS).map(([name, chunks]) => [name, (r: ReportInput) => [...chunks(r)].join('')]),
);
