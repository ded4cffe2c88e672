import { METRIC_DIMENSIONS, STATS_METRICS, type StatsMetric, type StatsTable } from '../../shared/contracts/stats';
import { groupBy } from '../../shared/group-by';
import type { CellItem } from './stats-store';
import { SUPPRESSION_THRESHOLD, suppressTable } from './suppression';

/**
 * Stored counts into published tables: one table per metric, a row per unit and category that
 * has any count in the period, a column per month, every table suppressed on its own (pure).
 */
export function publishTables(cells: readonly CellItem[], months: readonly string[], options: { byUnit: boolean }): StatsTable[] {
  const column = new Map(months.map((m, i) => [m, i]));
  const byMetric = groupBy(cells, (c) => c.metric);
  return STATS_METRICS.map((metric: StatsMetric) => {
    const rows = new Map<string, { unit: string; category: string; counts: number[] }>();
    for (const c of byMetric.get(metric) ?? []) {
      const i = column.get(c.month);
      if (i === undefined) continue;
      // The national figures have no units; a municipality's are per unit where the metric is.
      const unit = options.byUnit && METRIC_DIMENSIONS[metric].byUnit ? c.unit : '-';
      const key = `${unit}\u0000${c.category}`;
      const row = rows.get(key) ?? { unit, category: c.category, counts: new Array<number>(months.length).fill(0) };
      row.counts[i] = (row.counts[i] ?? 0) + Math.max(0, Math.trunc(Number(c.count) || 0));
      rows.set(key, row);
    }
    const ordered = [...rows.values()].sort((a, b) => a.unit.localeCompare(b.unit) || a.category.localeCompare(b.category));
    const published = suppressTable(ordered.map((r) => r.counts), SUPPRESSION_THRESHOLD);
    return {
      metric,
      rows: ordered.map((r, i) => ({ unit: r.unit, category: r.category, cells: published.cells[i]!, total: published.rowTotals[i]! })),
      columnTotals: ordered.length === 0 ? months.map(() => null) : published.columnTotals,
      grandTotal: published.grandTotal,
    };
  });
}
