// @ts-nocheck
import { describeError, ErrorMessage } from '../../components/error-message';
import { entryTypeLabel } from '../../components/journal-bits';
import { Badge, Loading, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { sharingApi } from '../../api/sharing';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { DocumentOrigin, EmergencyBanner, isBlocked, useEmergencyAccess } from './sharing-parts';

/** What a refusal because of the patient's block looks like: that it is blocked, and nothing of it. */
function BlockedDocument({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  const detail = describeError(error, t, lang).detail;
  return (
    <>
      <PageTitle>{t('shared.blocked.title')}</PageTitle>
      <div className="card blocked-document" role="alert" data-testid="document-blocked">
        <p>
          <Badge tone="danger">{t('shared.blocked.badge')}</Badge> {detail ?? t('shared.blocked.text')}
        </p>
        <p className="muted">{t('shared.blocked.help')}</p>
      </div>
    </>
  );
}

/** One document from another municipality, read in place (the origin decrypts and logs it). */
export function SharedDocumentPage({ patientId, documentId }: { patientId: string; documentId: string }) {
  const { t, tOr, date, dateTime } = useI18n();
  const doc = useApi(`shared-doc:${documentId}`, (signal) => sharingApi.document(documentId, signal));
  const emergency = useEmergencyAccess(patientId);
  return (
    <>
      <EmergencyBanner access={emergency.data?.active} />
      <p className="crumbs">
        <Link to={`/patients/${patientId}`}>{t('entry.backToPatient')}</Link>
      </p>
      {isBlocked(doc.error) ? (
        <BlockedDocument error={doc.error} />
      ) : doc.error !== undefined ? (
        <>
          <PageTitle>{t('shared.document')}</PageTitle>
          <ErrorMessage error={doc.error} onRetry={doc.reload} />
        </>
      ) : doc.data === undefined ? (
        <Loading />
      ) : (
        <article data-testid="shared-document-view">
          <PageTitle>{doc.data.title}</PageTitle>
          <p>
            <span className="badge badge-neutral">{entryTypeLabel(tOr, doc.data.type)}</span> <Badge tone="info">{t('shared.from', { org: doc.data.organisation.name })}</Badge>{' '}
            {doc.data.corrected && <Badge tone="info">{t('status.corrected')}</Badge>} {doc.data.access.emergency && <Badge tone="danger">{t('shared.viaEmergency')}</Badge>}
          </p>
          <dl className="facts patient-facts">
            <dt>{t('shared.origin')}</dt>
            <dd>
              <DocumentOrigin doc={doc.data} />
            </dd>
            <dt>{t('shared.date')}</dt>
            <dd>{date(doc.data.date)}</dd>
            <dt>{t('shared.recorded')}</dt>
            <dd>
              {dateTime(doc.data.recordedAt)} · {t('journal.versionN', { n: doc.data.version })}
            </dd>
            {doc.data.reason && (
              <>
                <dt>{t('entry.reason')}</dt>
                <dd>{doc.data.reason}</dd>
              </>
            )}
          </dl>
          <div className="entry-text card" data-testid="shared-document-text">
            {doc.data.text}
          </div>
        </article>
      )}
    </>
  );
}
