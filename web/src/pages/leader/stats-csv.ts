import type { StatsReport, StatsTable } from '../../../../shared/contracts/stats';

/** What a suppressed cell shows, in the table and the CSV (Statistics Norway's mark for "not published"). */
export const SUPPRESSED = ':';

function field(value: string): string {
  return /[",\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One table of a report as CSV (RFC 4180, comma-separated): a row per unit and category, a column
 * per month and the total, then the month totals. Suppressed cells are `:`, never a number.
 */
export function statsCsv(report: StatsReport, table: StatsTable, label: { unit: (id: string) => string; category: (c: string) => string; headings: [string, string, string, string] }): string {
  const [unitH, categoryH, totalH, allH] = label.headings;
  const n = (v: number | null) => (v === null ? SUPPRESSED : String(v));
  const lines = [
    [unitH, categoryH, ...report.months, totalH],
    ...table.rows.map((r) => [r.unit === '-' ? '' : label.unit(r.unit), r.category === '-' ? '' : label.category(r.category), ...r.cells.map(n), n(r.total)]),
    [allH, '', ...table.columnTotals.map(n), n(table.grandTotal)],
  ];
  return lines.map((l) => l.map(field).join(',')).join('\r\n') + '\r\n';
}
