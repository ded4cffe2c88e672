// @ts-nocheck
import { journalApi } from '../../api/journal';
import { AuthorLine, entryTypeLabel, formatNationalId, StatusBadge } from '../../components/journal-bits';
import { Async, Empty, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { useI18n } from '../../i18n/i18n';

/** The citizen's own record in every municipality that has one: signed entries, newest first. */
export function MyRecordPage() {
  const { t, tOr, dateTime, date } = useI18n();
  const record = useApi('my-record', (signal) => journalApi.myRecord(signal));
  return (
    <>
      <PageTitle>{t('citizen.record.title')}</PageTitle>
      <p className="lead">{t('citizen.record.intro')}</p>
      <Async state={record}>
        {(data) => (
          <>
            {data.unavailableTenants.length > 0 && (
              <div className="alert alert-warn" role="status">
                <p>{t('citizen.record.unavailable', { tenants: data.unavailableTenants.join(', ') })}</p>
              </div>
            )}
            {data.records.length === 0 && <Empty>{t('citizen.record.none')}</Empty>}
            {data.records.map((r) => (
              <section key={r.tenant} className="card" aria-labelledby={`rec-${r.tenant}`} data-testid="my-record">
                <h2 id={`rec-${r.tenant}`}>
                  {r.tenantName} <span className="muted small">({r.tenant})</span>
                </h2>
                <p className="muted">
                  {r.patient.name} · {formatNationalId(r.patient.nationalId)} · {date(r.patient.birthDate)}
                </p>
                {r.entries.length === 0 && <Empty>{t('citizen.record.noEntries')}</Empty>}
                <ol className="plain-list">
                  {r.entries.map((e) => (
                    <li key={e.id} className="record-entry">
                      <details>
                        <summary>
                          <strong>{e.title}</strong> <StatusBadge status={e.status} /> <span className="badge badge-neutral">{entryTypeLabel(tOr, e.type)}</span>{' '}
                          <span className="muted">{dateTime(e.eventTime)}</span>
                        </summary>
                        <p className="timeline-meta">
                          <AuthorLine author={e.author} /> · {e.unitName ?? e.unit}
                          {e.reason && ` · ${t('entry.reason')}: ${e.reason}`}
                        </p>
                        <div className="entry-text">{e.text}</div>
                      </details>
                    </li>
                  ))}
                </ol>
                {r.truncated && <p className="muted">{t('citizen.record.truncated')}</p>}
              </section>
            ))}
          </>
        )}
      </Async>
    </>
  );
}
