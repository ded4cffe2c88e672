// @ts-nocheck
import { useRef, useState } from 'react';
import {
  correctEntrySchema,
  createEntrySchema,
  editDraftSchema,
  enteredInErrorSchema,
  ENTRY_TYPES,
  type Entry,
  type EntryAction,
  type EntryStatus,
  type EntryType,
  type EntryVersion,
} from '../../../../shared/contracts/journal';
import { ApiError, type ApiResponse } from '../../api/client';
import { journalApi } from '../../api/journal';
import type { Session } from '../../auth/session';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm, ReasonForm } from '../../components/action-form';
import { Field, fieldAria, isoFromLocal, localInput, SelectField, submitOnCtrlEnter, useSchemaForm, useSubmit } from '../../components/forms';
import { AuthorLine, entryTypeLabel, ReceivedFromLine, StatusBadge } from '../../components/journal-bits';
import { Async, Fact, PageTitle } from '../../components/ui';
import { UnitName } from '../../components/unit-name';
import { useApi, usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { PatientEmergencyBanner } from './sharing-parts';

/** The status each change leaves a note in; the history names it only where it is another. */
const STATUS_AFTER: Record<EntryAction, EntryStatus> = {
  created: 'draft',
  edited: 'draft',
  signed: 'signed',
  corrected: 'corrected',
  'entered-in-error': 'entered-in-error',
  received: 'signed',
};

/** The contract's limit on a correction's or a withdrawal's reason. */
const REASON_MAX = 500;

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
  const [eventTime, setEventTime] = useState(() => localInput(new Date()));
  const form = useSchemaForm(createEntrySchema);
  const key = useRef(crypto.randomUUID());
  const signAfter = useRef(false);
  const errors = form.errors;

  const onSubmit = () => {
    const sign = signAfter.current;
    signAfter.current = false;
    form.send({ type, title, text, eventTime: isoFromLocal(eventTime) }, async (body) => {
      const created = await journalApi.createEntry(patientId, body, key.current);
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
      <ActionForm
        id="ne"
        testId="entry-form"
        busy={form.busy}
        error={form.error}
        submitLabel={t('entry.saveDraft')}
        onSubmit={onSubmit}
        extraActions={
          <>
            <button className="btn" type="submit" disabled={form.busy} onClick={() => (signAfter.current = true)}>
              {t('entry.saveAndSign')}
            </button>
            <Link className="btn btn-quiet" to={`/patients/${patientId}`}>
              {t('app.cancel')}
            </Link>
          </>
        }
      >
        <div className="form-row">
          <SelectField
            id="ne-type"
            label={t('entry.type')}
            error={errors.type}
            value={type}
            values={Object.keys(ENTRY_TYPES) as EntryType[]}
            labelOf={(k) => `${entryTypeLabel(tOr, k)}${ENTRY_TYPES[k].sharable ? ` (${t('entry.sharable')})` : ''}`}
            onChange={setType}
          />
          <Field id="ne-time" label={t('entry.eventTime')} error={errors.eventTime}>
            <input {...fieldAria('ne-time', errors.eventTime)} type="datetime-local" value={eventTime} onChange={(e) => setEventTime(e.target.value)} />
          </Field>
        </div>
        <TextFields prefix="ne" title={title} text={text} setTitle={setTitle} setText={setText} errors={errors} />
      </ActionForm>
    </>
  );
}

type Mode = 'view' | 'edit' | 'correct' | 'error';

function EditDraftForm({ entry, etag, onDone, onCancel, onReload }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void; onReload: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(entry.title);
  const [text, setText] = useState(entry.text);
  const form = useSchemaForm(editDraftSchema);
  const onSubmit = () => form.send({ title, text }, async (body) => onDone(await journalApi.editDraft(entry.patientId, entry.id, etag, body)));
  return (
    <ActionForm id="edit" title={t('entry.edit')} busy={form.busy} error={form.error} onReload={onReload} submitLabel={t('app.save')} onSubmit={onSubmit} onCancel={onCancel}>
      <TextFields prefix="ed" title={title} text={text} setTitle={setTitle} setText={setText} errors={form.errors} />
    </ActionForm>
  );
}

function CorrectForm({ entry, etag, onDone, onCancel, onReload }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void; onReload: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(entry.title);
  const [text, setText] = useState(entry.text);
  const [reason, setReason] = useState('');
  const form = useSchemaForm(correctEntrySchema);
  const key = useRef(crypto.randomUUID());
  const onSubmit = () => form.send({ title, text, reason }, async (body) => onDone(await journalApi.correct(entry.patientId, entry.id, etag, body, key.current)));
  return (
    <ReasonForm
      id="co"
      title={t('entry.correct')}
      intro={<p className="muted">{t('entry.correctIntro')}</p>}
      testId="correct-form"
      busy={form.busy}
      error={form.error}
      onReload={onReload}
      submitLabel={t('entry.correctSubmit')}
      onSubmit={onSubmit}
      onCancel={onCancel}
      reason={{ label: t('entry.correctReason'), value: reason, onChange: setReason, max: REASON_MAX }}
      errors={form.errors}
    >
      <TextFields prefix="co" title={title} text={text} setTitle={setTitle} setText={setText} errors={form.errors} />
    </ReasonForm>
  );
}

function EnteredInErrorForm({ entry, etag, onDone, onCancel }: { entry: Entry; etag: string; onDone: (res: ApiResponse<Entry>) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const form = useSchemaForm(enteredInErrorSchema);
  const key = useRef(crypto.randomUUID());
  const onSubmit = () => form.send({ reason }, async (body) => onDone(await journalApi.enteredInError(entry.patientId, entry.id, etag, body, key.current)));
  return (
    <ReasonForm
      id="eie"
      title={t('entry.enteredInError')}
      intro={<p className="muted">{t('entry.enteredInErrorIntro')}</p>}
      busy={form.busy}
      error={form.error}
      submitLabel={t('entry.enteredInErrorSubmit')}
      tone="danger"
      onSubmit={onSubmit}
      onCancel={onCancel}
      reason={{ label: t('entry.enteredInErrorReason'), value: reason, onChange: setReason, max: REASON_MAX }}
      errors={form.errors}
    />
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
                  <strong>{t('journal.versionN', { n: v.version })}</strong> · {t(`action.${v.action}` as MessageKey)}
                  {v.status !== STATUS_AFTER[v.action] && (
                    <>
                      {' '}
                      <StatusBadge status={v.status} />
                    </>
                  )}
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
          // A signed entry is corrected only by its author or a journal-responsible (journalforskriften).
          const mayCorrect = isAuthor || session.me.roles.includes('journal-responsible');
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
                          {mayCorrect && (
                            <button className="btn btn-primary" type="button" onClick={() => setMode('correct')}>
                              {t('entry.correct')}
                            </button>
                          )}
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
                  <Fact label={t('entry.receivedFrom')}>{e.receivedFrom && <ReceivedFromLine from={e.receivedFrom} />}</Fact>
                  <Fact label={t('entry.correctedBy')}>
                    {e.correctedBy && (
                      <span data-testid="entry-corrected-by">
                        <AuthorLine author={e.correctedBy} /> · {dateTime(e.correctedAt)}
                      </span>
                    )}
                  </Fact>
                  <dt>{t('entry.unit')}</dt>
                  <dd>
                    <UnitName id={e.unit} />
                  </dd>
                  <Fact label={t('entry.signedBy')}>
                    {e.signedBy && (
                      <>
                        <AuthorLine author={e.signedBy} /> · {dateTime(e.signedAt)}
                      </>
                    )}
                  </Fact>
                  <Fact label={t('entry.changedBy')}>
                    {e.version > 1 && (
                      <>
                        <AuthorLine author={e.changedBy} /> · {dateTime(e.recordedAt)}
                      </>
                    )}
                  </Fact>
                  <Fact label={t('entry.reason')}>{e.reason}</Fact>
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
