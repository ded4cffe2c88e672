import { useMemo, useState } from 'react';
import { METRIC_DIMENSIONS, STATS_METRICS, type StatsMetric, type StatsReport, type StatsTable } from '../../../../shared/contracts/stats';
import { statsApi } from '../../api/stats';
import { StatsChart } from '../../components/stats-chart';
import { Field, fieldAria, SelectField } from '../../components/forms';
import { Async, Empty, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { statsCsv, SUPPRESSED } from './stats-csv';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` of a date, `back` months earlier. */
function monthOf(date: Date, back = 0): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function StatsView({ report, metric }: { report: StatsReport; metric: StatsMetric }) {
  const { t, tOr } = useI18n();
  const table = report.tables.find((x) => x.metric === metric) as StatsTable;
  const units = useMemo(() => new Map((report.units ?? []).map((u) => [u.id, u.name])), [report.units]);
  const dims = METRIC_DIMENSIONS[metric];
  const categoryKey = dims.category === 'entryType' ? 'entryType' : dims.category === 'reasonCode' ? 'relationship.code' : 'review.conclusion';
  const unitLabel = (id: string) => (id === '-' ? t('stats.noUnit') : (units.get(id) ?? id));
  const categoryLabel = (c: string) => (c === '-' ? '' : tOr(`${categoryKey}.${c}`, c));
  // The national figures have no units (every row's unit is '-').
  const byUnit = dims.byUnit && report.scope === 'municipality';
  const rowLabel = (r: StatsTable['rows'][number]) => [byUnit ? unitLabel(r.unit) : '', dims.category ? categoryLabel(r.category) : ''].filter(Boolean).join(' · ') || t(`stats.metric.${metric}` as MessageKey);
  const show = (v: number | null) => (v === null ? <abbr title={t('stats.suppressed')}>{SUPPRESSED}</abbr> : v);
  const series = useMemo(() => table.rows.filter((r) => r.cells.some((v) => v !== null)).map((r) => ({ label: rowLabel(r), values: r.cells })), [table]);
  const metricName = t(`stats.metric.${metric}` as MessageKey);

  const onCsv = () =>
    download(
      `statistikk-${report.tenant ?? 'nasjonal'}-${metric}-${report.months[0]}-${report.months.at(-1)}.csv`,
      statsCsv(report, table, { unit: unitLabel, category: categoryLabel, headings: [t('stats.unit'), t('stats.category'), t('stats.total'), t('stats.allUnits')] }),
    );

  return (
    <section className="card" aria-labelledby="stats-table-title">
      <h2 id="stats-table-title">{metricName}</h2>
      {table.rows.length === 0 ? (
        <Empty>{t('stats.nothing')}</Empty>
      ) : (
        <>
          {series.length > 0 ? (
            <StatsChart months={report.months} series={series} description={t('stats.chartDescription', { metric: metricName, from: report.months[0] ?? '', to: report.months.at(-1) ?? '' })} />
          ) : (
            <p className="muted">{t('stats.allSuppressed')}</p>
          )}
          {/* A year of months is wider than a phone: the region scrolls, and takes the keyboard focus to do so. */}
          <div className="table-wrap" tabIndex={0} role="region" aria-label={metricName}>
            <table className="data" data-testid="stats-table">
              <caption className="sr-only">{metricName}</caption>
              <thead>
                <tr>
                  {[t('stats.row'), ...report.months, t('stats.total')].map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
            {table.rows.map((r) => (
              <tr key={`${r.unit}/${r.category}`}>
                <th scope="row">{rowLabel(r)}</th>
                {r.cells.map((v, i) => (
                  <td key={report.months[i]}>{show(v)}</td>
                ))}
                <td>{show(r.total)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('stats.allUnits')}</th>
              {table.columnTotals.map((v, i) => (
                <td key={report.months[i]}>{show(v)}</td>
              ))}
              <td>{show(table.grandTotal)}</td>
            </tr>
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="muted">{t('stats.suppressionNote', { threshold: report.threshold, mark: SUPPRESSED })}</p>
      <button type="button" className="btn" onClick={onCsv} data-testid="stats-csv">
        {t('stats.csv')}
      </button>
    </section>
  );
}

/**
 * The leader's view: the municipality's statistics per unit and month, charted, as a table and as
 * CSV. With scope `national`, the operator's view of the same statistics summed over every
 * municipality (no units), with the same chart, table and CSV.
 */
export function StatsPage({ scope = 'municipality' }: { scope?: StatsReport['scope'] }) {
  const { t } = useI18n();
  const now = new Date();
  const [from, setFrom] = useState(monthOf(now, 11));
  const [to, setTo] = useState(monthOf(now));
  const [metric, setMetric] = useState<StatsMetric>('patients.served');
  const valid = MONTH.test(from) && MONTH.test(to) && from <= to;
  const state = useData(valid ? `stats:${scope}:${from}:${to}` : null, (signal) => (scope === 'national' ? statsApi.national(from, to, signal) : statsApi.municipality(from, to, signal)));
  return (
    <>
      <PageTitle>{t(scope === 'national' ? 'stats.national.title' : 'stats.title')}</PageTitle>
      <p className="lead">{t(scope === 'national' ? 'stats.national.intro' : 'stats.intro')}</p>
      <form className="card form-row" onSubmit={(e) => e.preventDefault()} noValidate>
        <Field id="stats-from" label={t('stats.from')} error={valid ? undefined : t('stats.badPeriod')}>
          <input {...fieldAria('stats-from', valid ? undefined : t('stats.badPeriod'))} type="month" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field id="stats-to" label={t('stats.to')}>
          <input {...fieldAria('stats-to')} type="month" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <SelectField id="stats-metric" label={t('stats.metric')} value={metric} values={STATS_METRICS} labelOf={(m) => t(`stats.metric.${m}` as MessageKey)} onChange={setMetric} />
      </form>
      <Async state={state}>{(report) => <StatsView report={report} metric={metric} />}</Async>
    </>
  );
}
