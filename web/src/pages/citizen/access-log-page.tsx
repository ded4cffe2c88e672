import type { CitizenAccessEntry } from '../../../../shared/contracts/audit';
import { auditApi } from '../../api/audit';
import { OutcomeBadge } from '../../components/audit-bits';
import { Badge, DataTable, PageTitle } from '../../components/ui';
import { usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';

/** "Who has looked at my record": person, organisation, time and coded reason (pjl § 18). */
export function AccessLogPage() {
  const { t, tOr, dateTime } = useI18n();
  const list = usePaged<CitizenAccessEntry>('access-log', async (cursor, signal) => auditApi.accessLog(cursor, signal));
  return (
    <>
      <PageTitle>{t('citizen.log.title')}</PageTitle>
      <p className="lead">{t('citizen.log.intro')}</p>
      <PagedList list={list} empty={t('citizen.log.empty')}>
        {(items) => (
          <DataTable testId="access-log" columns={[t('audit.time'), t('citizen.log.who'), t('citizen.log.where'), t('citizen.log.what'), t('citizen.log.why')]}>
            {items.map((e) => (
              <tr key={e.id} className={e.emergencyAccess ? 'row-emergency' : undefined}>
                <td className="nowrap">{dateTime(e.time)}</td>
                <td>
                  {e.who.name}
                  <div className="muted small">{e.who.role}</div>
                </td>
                <td>
                  {e.organisation.name}
                  {e.organisation.unit && <div className="muted small">{e.organisation.unit}</div>}
                </td>
                <td>
                  {t(`citizen.log.kind.${e.kind}` as MessageKey)} {e.outcome !== 'success' && <OutcomeBadge outcome={e.outcome} />}
                </td>
                <td>
                  {e.emergencyAccess && (
                    <>
                      <Badge tone="danger">{t('citizen.log.emergency')}</Badge>{' '}
                    </>
                  )}
                  {e.purposeOfUse ? t(`purpose.${e.purposeOfUse}` as MessageKey) : '–'}
                  {e.reasonCode && <div className="muted small">{tOr(`reasonCode.${e.reasonCode}`, e.reasonCode)}</div>}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </>
  );
}
