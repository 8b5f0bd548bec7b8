/**
 * Reads the hand-written truth tables of src/netpol/fixtures/truth-tables (see
 * src/netpol/truth-table.test.ts for the format); the differential e2e suite also asks the
 * Cyclonus oracle about every cell.
 */
export interface TruthTable {
  protocol: string;
  port: number;
  columns: string[];
  rows: Array<{ src: string; marks: string[] }>;
}

export function parseTables(text: string): TruthTable[] {
  const lines = text.split('\n').filter((l) => l.startsWith('#')).map((l) => l.slice(1).trim());
  const tables: TruthTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^table (TCP|UDP|SCTP) (\d+)$/.exec(lines[i]);
    if (!m) continue;
    const columns = lines[++i].split(/\s+/);
    const rows: TruthTable['rows'] = [];
    while (i + 1 < lines.length && /^\S+\s+[Y.-](\s+[Y.-])*$/.test(lines[i + 1])) {
      const [src, ...marks] = lines[++i].split(/\s+/);
      if (marks.length !== columns.length) throw new Error(`truth table row ${src}: ${marks.length} marks for ${columns.length} columns`);
      rows.push({ src, marks });
    }
    tables.push({ protocol: m[1], port: Number(m[2]), columns, rows });
  }
  return tables;
}
