// @ts-nocheck
import { useEffect, useRef, useState } from 'react';
import { emergencyAccessRequestSchema, type EmergencyAccess, type SharedDocument } from '../../../../shared/contracts/sharing';
import { ApiError } from '../../api/client';
import { sharingApi } from '../../api/sharing';
import { describeError, ErrorMessage } from '../../components/error-message';
import { ReasonForm } from '../../components/action-form';
import { useSchemaForm } from '../../components/forms';
import { entryTypeLabel } from '../../components/journal-bits';
import { Badge, Empty, Loading } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';

/** The access rule a 403 problem names (the API adds it as an extension), if any. */
export function refusalRule(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 403) return undefined;
  const rule = (error.problem as { rule?: unknown } | undefined)?.rule;
  return typeof rule === 'string' ? rule : undefined;
}

/** Whether a refusal is the patient's block (sperring) rather than a missing care relationship. */
export function isBlocked(error: unknown): boolean {
  return refusalRule(error)?.startsWith('blocked-') ?? false;
}

/** Re-renders every `ms` so countdowns stay true. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The caller's own emergency access to the patient that is in force, reloaded when `refresh` changes. */
export function useEmergencyAccess(patientId: string, refresh = 0) {
  return useApi(`emergency:${patientId}:${refresh}`, (signal) => sharingApi.emergencyAccess(patientId, signal));
}

/**
 * The banner that stays on every screen of the patient while emergency access lasts: nobody should
 * read under akuttilgang without seeing it, nor miss when it ends.
 */
export function EmergencyBanner({ access, endedAt }: { access: EmergencyAccess | null | undefined; endedAt?: string }) {
  const { t, dateTime } = useI18n();
  const now = useNow(15_000);
  const ended = access && Date.parse(access.expiresAt) <= now ? access.expiresAt : access ? undefined : endedAt;
  if (ended) {
    return (
      <div className="banner banner-warn emergency-banner" role="status" data-testid="emergency-expired">
        {t('emergency.expired', { time: dateTime(ended) })}
      </div>
    );
  }
  if (!access) return null;
  const left = Date.parse(access.expiresAt) - now;
  const minutes = Math.ceil(left / 60_000);
  const remaining = minutes >= 60 ? t('emergency.hoursLeft', { h: Math.floor(minutes / 60), m: minutes % 60 }) : t('emergency.minutesLeft', { m: minutes });
  return (
    <div className="banner banner-danger emergency-banner" role="status" data-testid="emergency-banner">
      <strong>{t('emergency.active')}</strong> {t('emergency.until', { time: dateTime(access.expiresAt), remaining })}
      <span className="emergency-note"> {t('emergency.logged')}</span>
    </div>
  );
}

/** A banner that loads the access itself (screens below the patient page). */
export function PatientEmergencyBanner({ patientId }: { patientId: string }) {
  const access = useEmergencyAccess(patientId);
  return <EmergencyBanner access={access.data?.active} />;
}

const REASON_MAX = 250;

/**
 * Emergency access (akuttilgang): behind a button, so it is a deliberate act; the reason is checked
 * with the API's own schema, and the user is told who will read it: the log reviewers, not the
 * patient, who sees in their access log that emergency access was used (Tillitsrammeverket).
 */
export function EmergencyAccessForm({ patientId, onGranted }: { patientId: string; onGranted: (access: EmergencyAccess) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const form = useSchemaForm(emergencyAccessRequestSchema);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Keyboard users land in the reason when the form opens (ReasonForm), and back on the button when it closes.
  useEffect(() => {
    if (!open && wasOpen.current) openerRef.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const onSubmit = () =>
    form.send({ reason }, async (body) => {
      const { data } = await sharingApi.requestEmergencyAccess(patientId, body);
      setOpen(false);
      setReason('');
      onGranted(data);
    });
  if (!open) {
    return (
      <p>
        <button ref={openerRef} type="button" className="btn btn-danger-outline" aria-expanded="false" onClick={() => setOpen(true)} data-testid="emergency-open">
          {t('emergency.open')}
        </button>{' '}
        <span className="muted">{t('emergency.openHint')}</span>
      </p>
    );
  }
  return (
    <ReasonForm
      id="em"
      title={t('emergency.title')}
      level={3}
      intro={
        <>
          <p>{t('emergency.intro')}</p>
          <p className="alert alert-warn" data-testid="emergency-reason-readers">
            {t('emergency.whoReadsReason')}
          </p>
        </>
      }
      testId="emergency-form"
      className="emergency-form"
      busy={form.busy}
      error={form.error}
      submitLabel={t('emergency.submit')}
      tone="danger"
      onSubmit={onSubmit}
      onCancel={() => setOpen(false)}
      reason={{ label: t('emergency.reason'), value: reason, onChange: setReason, max: REASON_MAX }}
      errors={form.errors}
    />
  );
}

/** Who wrote a shared document, where. */
export function DocumentOrigin({ doc }: { doc: SharedDocument }) {
  const { t, dateTime } = useI18n();
  const person = (p: SharedDocument['author']) => [p.name ?? p.id, p.profession, p.hpr ? t('journal.hpr', { hpr: p.hpr }) : undefined].filter(Boolean).join(', ');
  const author = person(doc.author);
  return (
    <span>
      {doc.organisation.name} ({doc.organisation.tenantId}) · {doc.organisation.unit.name ?? doc.organisation.unit.id} · {author}
      {doc.correctedBy && (
        <span data-testid="document-corrected-by">
          {' · '}
          {t('entry.correctedBy')} {person(doc.correctedBy)}
          {doc.correctedAt ? `, ${dateTime(doc.correctedAt)}` : ''}
        </span>
      )}
    </span>
  );
}

/** The patient's documents in other municipalities, each opened on its own page. */
export function SharedDocuments({ patientId, refresh }: { patientId: string; refresh: number }) {
  const { t, tOr, date, lang } = useI18n();
  const list = useApi(`shared:${patientId}:${refresh}`, (signal) => sharingApi.documents(patientId, signal));
  // Without a care relationship (or emergency access) the list is refused: say what would open it.
  const refused = list.error instanceof ApiError && list.error.status === 403 && !isBlocked(list.error);
  return (
    <section className="card" aria-labelledby="shared-h" data-testid="shared-documents">
      <h2 id="shared-h">
        {t('shared.title')} {list.data?.access.emergency && <Badge tone="danger">{t('shared.viaEmergency')}</Badge>}
      </h2>
      {refused ? (
        <p className="muted">{t('shared.needAccess')}</p>
      ) : isBlocked(list.error) ? (
        <p data-testid="shared-blocked">
          <Badge tone="danger">{t('shared.blocked.badge')}</Badge> {describeError(list.error, t, lang).detail ?? t('shared.blocked.text')}
        </p>
      ) : list.error !== undefined ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : list.data === undefined ? (
        <Loading label={t('shared.loading')} />
      ) : list.data.documents.length === 0 ? (
        <Empty>{t('shared.none')}</Empty>
      ) : (
        <ul className="plain-list shared-list">
          {list.data.documents.map((d) => (
            <li key={d.id} className="shared-item" data-testid="shared-document">
              <span className="timeline-head">
                {d.status === 'entered-in-error' || !d.title ? (
                  <span className="muted">{t('shared.withdrawn')}</span>
                ) : (
                  <Link to={`/patients/${patientId}/shared/${d.id}`}>
                    <strong>{d.title}</strong>
                  </Link>
                )}{' '}
                <span className="badge badge-neutral">{entryTypeLabel(tOr, d.type)}</span> {d.corrected && <Badge tone="info">{t('status.corrected')}</Badge>}
              </span>
              <span className="timeline-meta">
                {date(d.date)} · <DocumentOrigin doc={d} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
