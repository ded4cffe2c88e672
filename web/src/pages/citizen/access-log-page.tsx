import type { CitizenAccessEntry } from '../../../../shared/contracts/audit';
import { auditApi } from '../../api/audit';
import { OutcomeBadge } from '../../components/audit-bits';
import { EventTable, type EventLine } from '../../components/event-row';
import { PageTitle } from '../../components/ui';
import { usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey, type Translate } from '../../i18n/i18n';

/** An entry of the citizen's log as an event line: who in which role, where, what in plain words. */
function accessLine(e: CitizenAccessEntry, t: Translate): EventLine {
  return {
    id: e.id,
    time: e.time,
    emergency: e.emergencyAccess,
    what: (
      <>
        {t(`citizen.log.kind.${e.kind}` as MessageKey)} {e.outcome !== 'success' && <OutcomeBadge outcome={e.outcome} />}
      </>
    ),
    who: (
      <>
        {e.who.name}
        <div className="muted small">{e.who.role}</div>
      </>
    ),
    where: (
      <>
        {e.organisation.name}
        {e.organisation.unit && <div className="muted small">{e.organisation.unit}</div>}
      </>
    ),
    purposeOfUse: e.purposeOfUse,
    reasonCode: e.reasonCode,
  };
}

/** "Who has looked at my record": person, organisation, time and coded reason (pjl § 18). */
export function AccessLogPage() {
  const { t } = useI18n();
  const list = usePaged<CitizenAccessEntry>('access-log', async (cursor, signal) => auditApi.accessLog(cursor, signal));
  const columns = [
    { key: 'time', label: t('audit.time') },
    { key: 'who', label: t('citizen.log.who') },
    { key: 'where', label: t('citizen.log.where') },
    { key: 'what', label: t('citizen.log.what') },
    { key: 'why', label: t('citizen.log.why') },
  ] as const;
  return (
    <>
      <PageTitle>{t('citizen.log.title')}</PageTitle>
      <p className="lead">{t('citizen.log.intro')}</p>
      <PagedList list={list} empty={t('citizen.log.empty')}>
        {(items) => <EventTable testId="access-log" columns={[...columns]} lines={items.map((e) => accessLine(e, t))} />}
      </PagedList>
    </>
  );
}
