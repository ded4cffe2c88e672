import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  correctEntrySchema,
  createEntrySchema,
  editDraftSchema,
  enteredInErrorSchema,
  ENTRY_TYPES,
  type Entry,
  type EntryType,
  type EntryVersion,
} from '../../../../shared/contracts/journal';
import { ApiError, type ApiResponse } from '../../api/client';
import { journalApi } from '../../api/journal';
import type { Session } from '../../auth/session';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldErrors, Field, fieldAria, issuesByField, useInPlaceForm, useSubmit } from '../../components/forms';
import { AuthorLine, entryTypeLabel, StatusBadge } from '../../components/journal-bits';
import { Async, Loading, PageTitle } from '../../components/ui';
import { useApi, usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { PatientEmergencyBanner } from './sharing-parts';

/** `YYYY-MM-DDTHH:mm` in local time, for a datetime-local input. */
function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Ctrl/Cmd+Enter submits the form the text area belongs to. */
function submitOnCtrlEnter(e: KeyboardEvent<HTMLTextAreaElement>): void {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}

/** Title and text inputs shared by new, edit and correct. */
function TextFields({ prefix, title, text, setTitle, setText, errors }: { prefix: string; title: string; text: string; setTitle: (v: string) => void; setText: (v: string) => void; errors: Record<string, string> }) {
  const { t } = useI18n();
  return (
    <>
      <Field id={`${prefix}-title`} label={t('entry.titleField')} error={errors.title}>
        <input {...fieldAria(`${prefix}-title`, errors.title)} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} autoComplete="off" />
      </Field>
      <Field id={`${prefix}-text`} label={t('entry.textField')} hint={t('entry.ctrlEnter')} error={errors.text}>
        <textarea {...fieldAria(`${prefix}-text`, errors.text, true)} value={text} rows={10} onChange={(e) => setText(e.target.value)} onKeyDown={submitOnCtrlEnter} />
      </Field>
    </>
  );
}

/** Write a new note (draft), optionally signing it at once. */
export function NewEntryPage({ patientId }: { patientId: string }) {
  const { t, tOr } = useI18n();
  const [type, setType] = useState<EntryType>('sykepleienotat');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [eventTime, setEventTime] = useState(() => toLocalInput(new Date()));
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const key = useRef(crypto.randomUUID());
  const signAfter = useRef(false);
  const errors = { ...apiFieldErrors(submit.error), ...local };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const when = eventTime ? new Date(eventTime) : undefined;
    const parsed = createEntrySchema.safeParse({ type, title, text, eventTime: when && !Number.isNaN(when.getTime()) ? when.toISOString() : undefined });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    const sign = signAfter.current;
    signAfter.current = false;
    void submit.run(async () => {
      const created = await journalApi.createEntry(patientId, parsed.data, key.current);
      if (sign) await journalApi.sign(patientId, created.data.id, created.etag ?? `"v${created.data.version}"`);
      navigate(`/patients/${patientId}/entries/${created.data.id}`, { replace: true });
    });
  };

  return (
    <>
      <p className="crumbs">
        <Link to={`/patients/${patientId}`}>{t('entry.backToPatient')}</Link>
      </p>
      <PageTitle>{t('entry.new')}</PageTitle>
      <form className="card" onSubmit={onSubmit} noValidate data-testid="entry-form">
        {submit.error !== undefined && <ErrorMessage error={submit.error} />}
        <div className="form-row">
          <Field id="ne-type" label={t('entry.type')} error={errors.type}>
            <select {...fieldAria('ne-type', errors.type)} value={type} onChange={(e) => setType(e.target.value as EntryType)}>
              {(Object.keys(ENTRY_TYPES) as EntryType[]).map((k) => (
                <option key={k} value={k}>
                  {entryTypeLabel(tOr, k)}
                  {ENTRY_TYPES[k].sharable ? ` (${t('entry.sharable')})` : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field id="ne-time" label={t('entry.eventTime')} error={errors.eventTime}>
            <input {...fieldAria('ne-time', errors.eventTime)} type="datetime-local" value={eventTime} onChange={(e) => setEventTime(e.target.value)} />
          </Field>
        </div>
        <TextFields prefix="ne" title={title} text={text} setTitle={setTitle} setText={setText} errors={errors} />
        <div className="form-actions">
          <button className="btn btn-primary" type="submit" disabled={submit.busy}>
            {t('entry.saveDraft')}
          </button>
          <button className="btn" type="submit" disabled={submit.busy} onClick={() => (signAfter.current = true)}>
            {t('entry.saveAndSign')}
          </button>
          <Link className="btn btn-quiet" to={`/patients/${patientId}`}>
            {t('app.cancel')}
          </Link>
        </div>
        {submit.busy && <Loading label={t('app.saving')} />}
      </form>
    </>
  );
}

type Mode = 'view' | 'edit' | 'correct' | 'error';

function EditDraftForm({ entry, etag, onDone, onCancel, onReload }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void; onReload: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(entry.title);
  const [text, setText] = useState(entry.text);
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const inPlace = useInPlaceForm(onCancel, submit.busy);
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = editDraftSchema.safeParse({ title, text });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      onDone(await journalApi.editDraft(entry.patientId, entry.id, etag, parsed.data));
    });
  };
  return (
    <form ref={inPlace.ref} onKeyDown={inPlace.onKeyDown} className="card" onSubmit={onSubmit} noValidate aria-labelledby="edit-h">
      <h2 id="edit-h">{t('entry.edit')}</h2>
      {submit.error !== undefined && <ErrorMessage error={submit.error} onRetry={submit.error instanceof ApiError && submit.error.status === 412 ? onReload : undefined} />}
      <TextFields prefix="ed" title={title} text={text} setTitle={setTitle} setText={setText} errors={errors} />
      <div className="form-actions">
        <button className="btn btn-primary" type="submit" disabled={submit.busy}>
          {t('app.save')}
        </button>
        <button className="btn" type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function CorrectForm({ entry, etag, onDone, onCancel, onReload }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void; onReload: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(entry.title);
  const [text, setText] = useState(entry.text);
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const inPlace = useInPlaceForm(onCancel, submit.busy);
  const key = useRef(crypto.randomUUID());
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = correctEntrySchema.safeParse({ title, text, reason });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      onDone(await journalApi.correct(entry.patientId, entry.id, etag, parsed.data, key.current));
    });
  };
  return (
    <form ref={inPlace.ref} onKeyDown={inPlace.onKeyDown} className="card" onSubmit={onSubmit} noValidate aria-labelledby="correct-h" data-testid="correct-form">
      <h2 id="correct-h">{t('entry.correct')}</h2>
      <p className="muted">{t('entry.correctIntro')}</p>
      {submit.error !== undefined && <ErrorMessage error={submit.error} onRetry={submit.error instanceof ApiError && submit.error.status === 412 ? onReload : undefined} />}
      <TextFields prefix="co" title={title} text={text} setTitle={setTitle} setText={setText} errors={errors} />
      <Field id="co-reason" label={t('entry.correctReason')} error={errors.reason}>
        <input {...fieldAria('co-reason', errors.reason)} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
      </Field>
      <div className="form-actions">
        <button className="btn btn-primary" type="submit" disabled={submit.busy}>
          {t('entry.correctSubmit')}
        </button>
        <button className="btn" type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function EnteredInErrorForm({ entry, etag, onDone, onCancel }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const inPlace = useInPlaceForm(onCancel, submit.busy);
  const key = useRef(crypto.randomUUID());
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = enteredInErrorSchema.safeParse({ reason });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      onDone(await journalApi.enteredInError(entry.patientId, entry.id, etag, parsed.data, key.current));
    });
  };
  return (
    <form ref={inPlace.ref} onKeyDown={inPlace.onKeyDown} className="card" onSubmit={onSubmit} noValidate aria-labelledby="eie-h">
      <h2 id="eie-h">{t('entry.enteredInError')}</h2>
      <p className="muted">{t('entry.enteredInErrorIntro')}</p>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      <Field id="eie-reason" label={t('entry.enteredInErrorReason')} error={errors.reason}>
        <input {...fieldAria('eie-reason', errors.reason)} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
      </Field>
      <div className="form-actions">
        <button className="btn btn-danger" type="submit" disabled={submit.busy}>
          {t('entry.enteredInErrorSubmit')}
        </button>
        <button className="btn" type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function VersionHistory({ patientId, entryId, version }: { patientId: string; entryId: string; version: number }) {
  const { t, dateTime } = useI18n();
  const list = usePaged<EntryVersion>(`v:${entryId}:${version}`, async (cursor, signal) => {
    const { data } = await journalApi.versions(patientId, entryId, cursor, signal);
    return { items: data.versions, nextCursor: data.nextCursor };
  });
  return (
    <section aria-labelledby="hist-h" className="card">
      <h2 id="hist-h">{t('entry.history')}</h2>
      <PagedList list={list}>
        {(loaded) => (
          <ol className="version-list" data-testid="versions">
            {[...loaded].sort((a, b) => b.version - a.version).map((v) => (
              <li key={v.version}>
                <p>
                  <strong>{t('journal.versionN', { n: v.version })}</strong> · {t(`action.${v.action}` as MessageKey)} · <StatusBadge status={v.status} />
                </p>
                <p className="timeline-meta">
                  {dateTime(v.recordedAt)} · <AuthorLine author={v.changedBy} />
                </p>
                {v.reason && (
                  <p>
                    <span className="muted">{t('entry.reason')}:</span> {v.reason}
                  </p>
                )}
                <details>
                  <summary>{t('entry.showVersionText', { title: v.title })}</summary>
                  <div className="entry-text">{v.text}</div>
                </details>
              </li>
            ))}
          </ol>
        )}
      </PagedList>
    </section>
  );
}

/** One entry: its text, who wrote and signed it, actions by status, and every earlier version. */
export function EntryPage({ patientId, entryId, session }: { patientId: string; entryId: string; session: Session }) {
  const { t, tOr, dateTime } = useI18n();
  const [mode, setMode] = useState<Mode>('view');
  const [notice, setNotice] = useState<MessageKey>();
  const entry = useApi(`entry:${entryId}`, (signal) => journalApi.getEntry(patientId, entryId, signal));
  const sign = useSubmit();

  // A change answers with the new version (and its ETag): show that at once; otherwise reload.
  const done = (message?: MessageKey, res?: ApiResponse<Entry>) => {
    setMode('view');
    setNotice(message);
    if (res) entry.replace(res);
    else entry.reload();
  };

  return (
    <>
      <PatientEmergencyBanner patientId={patientId} />
      <p className="crumbs">
        <Link to={`/patients/${patientId}`}>{t('entry.backToPatient')}</Link>
      </p>
      <Async state={entry}>
        {(e) => {
          // The API names versions in its ETags ("v3"); the header is the source, the fallback its documented shape.
          const etag = entry.etag ?? `"v${e.version}"`;
          const isAuthor = e.author.sub === session.me.sub;
          return (
            <>
              <PageTitle
                actions={
                  mode === 'view' && (
                    <>
                      {e.status === 'draft' && isAuthor && (
                        <>
                          <button className="btn btn-primary" type="button" disabled={sign.busy} onClick={() => void sign.run(async () => done('entry.signedNotice', await journalApi.sign(patientId, entryId, etag)))}>
                            {t('entry.sign')}
                          </button>
                          <button className="btn" type="button" onClick={() => setMode('edit')}>
                            {t('entry.edit')}
                          </button>
                        </>
                      )}
                      {(e.status === 'signed' || e.status === 'corrected') && (
                        <>
                          <button className="btn btn-primary" type="button" onClick={() => setMode('correct')}>
                            {t('entry.correct')}
                          </button>
                          <button className="btn" type="button" onClick={() => setMode('error')}>
                            {t('entry.enteredInError')}
                          </button>
                        </>
                      )}
                    </>
                  )
                }
              >
                {e.title}
              </PageTitle>
              {notice && (
                <div className="alert alert-ok" role="status" data-testid="entry-notice">
                  <p>{t(notice)}</p>
                </div>
              )}
              {sign.error !== undefined && <ErrorMessage error={sign.error} onRetry={sign.error instanceof ApiError && sign.error.status === 412 ? () => done() : undefined} />}
              <div className="card" data-testid="entry">
                <p>
                  <StatusBadge status={e.status} /> <span className="badge badge-neutral">{entryTypeLabel(tOr, e.type)}</span> <span className="muted">{t('journal.versionN', { n: e.version })}</span>
                  {e.sharable && (
                    <>
                      {' '}
                      <span className="badge badge-info">{t('entry.sharable')}</span>
                    </>
                  )}
                </p>
                <dl className="facts">
                  <dt>{t('entry.eventTime')}</dt>
                  <dd>{dateTime(e.eventTime)}</dd>
                  <dt>{t('entry.author')}</dt>
                  <dd>
                    <AuthorLine author={e.author} /> · {dateTime(e.createdAt)}
                  </dd>
                  <dt>{t('entry.unit')}</dt>
                  <dd>{e.unit}</dd>
                  {e.signedBy && (
                    <>
                      <dt>{t('entry.signedBy')}</dt>
                      <dd>
                        <AuthorLine author={e.signedBy} /> · {dateTime(e.signedAt)}
                      </dd>
                    </>
                  )}
                  {e.version > 1 && (
                    <>
                      <dt>{t('entry.changedBy')}</dt>
                      <dd>
                        <AuthorLine author={e.changedBy} /> · {dateTime(e.recordedAt)}
                      </dd>
                    </>
                  )}
                  {e.reason && (
                    <>
                      <dt>{t('entry.reason')}</dt>
                      <dd>{e.reason}</dd>
                    </>
                  )}
                </dl>
              </div>
              {mode === 'view' && <div className="entry-text" data-testid="entry-text">{e.text}</div>}
              {mode === 'edit' && <EditDraftForm entry={e} etag={etag} onDone={(res) => done('entry.savedNotice', res)} onCancel={() => setMode('view')} onReload={() => done()} />}
              {mode === 'correct' && <CorrectForm entry={e} etag={etag} onDone={(res) => done('entry.correctedNotice', res)} onCancel={() => setMode('view')} onReload={() => done()} />}
              {mode === 'error' && <EnteredInErrorForm entry={e} etag={etag} onDone={(res) => done('entry.enteredInErrorNotice', res)} onCancel={() => setMode('view')} />}
              <VersionHistory patientId={patientId} entryId={entryId} version={e.version} />
            </>
          );
        }}
      </Async>
    </>
  );
}
