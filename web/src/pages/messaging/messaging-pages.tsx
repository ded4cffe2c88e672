import { useState, type FormEvent } from 'react';
import { citizenReplySchema, MESSAGE_KINDS, type DeliveryState, type Message, type MessageHead, type MessageKind, type PartyRef } from '../../../../shared/contracts/messaging';
import type { Patient } from '../../../../shared/contracts/journal';
import { journalApi } from '../../api/journal';
import { messagingApi } from '../../api/messaging';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm } from '../../components/action-form';
import { apiFieldErrors, Field, fieldAria, submitOnCtrlEnter, useSchemaForm, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate, useLocation } from '../../router';

/**
 * Messages: a unit's inbox and sent box, the messages about one person, composing with recipient
 * lookup, a thread with its delivery states (receipts) and answers; and for the citizen
 * "Meldinger", their conversations with units. Lists show heads only; opening a thread is the
 * read that is audited (and shows in the citizen's access log).
 */

const KINDS = Object.keys(MESSAGE_KINDS) as MessageKind[];
const STATUS_TONE: Record<DeliveryState, 'neutral' | 'ok' | 'warn' | 'danger' | 'info'> = { sent: 'neutral', delivered: 'info', read: 'ok', answered: 'ok', failed: 'danger' };

function StatusBadge({ status }: { status: DeliveryState }) {
  const { t } = useI18n();
  return <Badge tone={STATUS_TONE[status]}>{t(`msg.status.${status}` as MessageKey)}</Badge>;
}

function kindLabel(t: (k: MessageKey) => string, kind: MessageKind): string {
  return t(`msg.kind.${kind}` as MessageKey);
}

function partyName(t: (k: MessageKey) => string, p: PartyRef): string {
  return p.kind === 'citizen' ? t('msg.citizen') : p.name;
}

function HeadTable({ items, testId }: { items: MessageHead[]; testId: string }) {
  const { t, dateTime } = useI18n();
  return (
    <DataTable testId={testId} caption={t('msg.inbox.title')} columns={[t('msg.col.kind'), t('msg.col.party'), t('msg.col.patient'), t('msg.col.sent'), t('msg.col.status')]} actions={t('msg.col.open')}>
      {items.map((m) => (
        <tr key={`${m.id}-${m.direction}`} data-testid="message-row">
          <td>{kindLabel(t, m.kind)}</td>
          <td>
            <span className="muted small">{t(m.direction === 'in' ? 'msg.from' : 'msg.to')} </span>
            {partyName(t, m.direction === 'in' ? m.from : m.to)}
          </td>
          <td>
            <Link to={`/messages/patient/${m.patientId}`}>{t('msg.patientMessages')}</Link>
          </td>
          <td>{dateTime(m.sentAt)}</td>
          <td>
            <StatusBadge status={m.status} />
          </td>
          <td>
            <Link to={`/messages/threads/${m.threadId}`} className="btn">
              {t('msg.open')}
              <span className="sr-only"> {kindLabel(t, m.kind)}</span>
            </Link>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The caller's unit's inbox and sent box. */
export function UnitInboxPage() {
  const { t } = useI18n();
  const [box, setBox] = useState<'in' | 'out'>('in');
  const list = useApi(`msg-inbox:${box}`, (signal) => messagingApi.inbox(box, signal));
  return (
    <>
      <PageTitle
        actions={
          <Link to="/messages/new" className="btn btn-primary">
            {t('msg.compose')}
          </Link>
        }
      >
        {t('msg.inbox.title')}
      </PageTitle>
      <p className="lead">{t('msg.inbox.intro')}</p>
      <div className="segmented" role="group" aria-label={t('msg.box')}>
        <button type="button" className="btn" aria-pressed={box === 'in'} onClick={() => setBox('in')}>
          {t('msg.box.in')}
        </button>
        <button type="button" className="btn" aria-pressed={box === 'out'} onClick={() => setBox('out')}>
          {t('msg.box.out')}
        </button>
      </div>
      <Async state={list}>{(data) => (data.items.length === 0 ? <Empty>{t('msg.none')}</Empty> : <HeadTable items={data.items} testId="message-list" />)}</Async>
    </>
  );
}

/** The messages about one person that the caller's unit holds. */
export function PatientMessagesPage({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const list = useApi(`msg-patient:${patientId}`, (signal) => messagingApi.patientMessages(patientId, signal));
  return (
    <>
      <PageTitle
        actions={
          <Link to={`/messages/new?patient=${patientId}`} className="btn btn-primary">
            {t('msg.compose')}
          </Link>
        }
      >
        {t('msg.patient.title')}
      </PageTitle>
      <p>
        <Link to={`/patients/${patientId}`}>{t('msg.toPatient')}</Link>
      </p>
      <Async state={list}>{(data) => (data.items.length === 0 ? <Empty>{t('msg.none')}</Empty> : <HeadTable items={data.items} testId="patient-message-list" />)}</Async>
    </>
  );
}

/** Finds the patient the message is about (national id or name), in the caller's municipality. */
function PatientPicker({ onPick, error }: { onPick: (p: Patient) => void; error?: string }) {
  const { t, date } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Patient[]>();
  const submit = useSubmit();
  const search = () =>
    void submit.run(async () => {
      const body = /^\d{11}$/.test(q.trim()) ? { nationalId: q.trim() } : { name: q.trim() };
      setHits((await journalApi.searchPatients(body)).data.patients);
    });
  return (
    <fieldset>
      <legend>{t('msg.compose.patient')}</legend>
      <Field id="msg-patient-q" label={t('patients.search.label')} error={error}>
        <input
          {...fieldAria('msg-patient-q', error)}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              search();
            }
          }}
        />
      </Field>
      <button type="button" className="btn" onClick={search} disabled={submit.busy || q.trim().length < 2}>
        {t('msg.compose.findPatient')}
      </button>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {hits && hits.length === 0 && <Empty>{t('msg.compose.noPatient')}</Empty>}
      {hits && hits.length > 0 && (
        <ul className="plain" data-testid="patient-hits">
          {hits.map((p) => (
            <li key={p.id}>
              <button type="button" className="btn btn-link" onClick={() => onPick(p)}>
                {p.name} ({date(p.birthDate)})
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** Compose: the person, the recipient (looked up in the municipality's directory), kind, subject and text. */
export function ComposePage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const preset = search.get('patient') ?? undefined;
  const [patient, setPatient] = useState<{ id: string; name?: string } | undefined>(preset ? { id: preset } : undefined);
  const [q, setQ] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<MessageKind>('dialog');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const parties = useApi(`msg-parties:${q}`, (signal) => messagingApi.parties(q || undefined, signal));
  const submit = useSubmit();
  const errors = apiFieldErrors(submit.error);
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!patient) return;
    void submit.run(async () => {
      const res = await messagingApi.send({ patientId: patient.id, to, kind, subject, text });
      navigate(`/messages/threads/${res.data.threadId}`);
    });
  };
  return (
    <>
      <PageTitle>{t('msg.compose')}</PageTitle>
      {patient ? (
        <p data-testid="compose-patient">
          {t('msg.compose.about')} <strong>{patient.name ?? t('msg.compose.chosenPatient')}</strong>{' '}
          <button type="button" className="btn btn-link" onClick={() => setPatient(undefined)}>
            {t('msg.compose.changePatient')}
          </button>
        </p>
      ) : (
        <PatientPicker onPick={(p) => setPatient({ id: p.id, name: p.name })} error={errors.patientId} />
      )}
      <form onSubmit={send} noValidate>
        <Field id="msg-to-q" label={t('msg.compose.findRecipient')} hint={t('msg.compose.findRecipientHint')}>
          <input {...fieldAria('msg-to-q', undefined, true)} value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <Field id="msg-to" label={t('msg.compose.to')} error={errors.to}>
          <select {...fieldAria('msg-to', errors.to)} value={to} onChange={(e) => setTo(e.target.value)} required>
            <option value="">{t('msg.compose.chooseRecipient')}</option>
            {(parties.data?.items ?? [])
              .filter((p) => p.active)
              .map((p) => (
                <option key={p.herId} value={p.herId}>
                  {p.name} — HER {p.herId} ({t(`msg.partyKind.${p.kind}` as MessageKey)})
                </option>
              ))}
          </select>
        </Field>
        <Field id="msg-kind" label={t('msg.compose.kind')} error={errors.kind}>
          <select {...fieldAria('msg-kind', errors.kind)} value={kind} onChange={(e) => setKind(e.target.value as MessageKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(t, k)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="msg-subject" label={t('msg.compose.subject')} error={errors.subject}>
          <input {...fieldAria('msg-subject', errors.subject)} value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={200} />
        </Field>
        <Field id="msg-text" label={t('msg.compose.text')} error={errors.text}>
          <textarea {...fieldAria('msg-text', errors.text)} value={text} onChange={(e) => setText(e.target.value)} rows={6} />
        </Field>
        {submit.error !== undefined && Object.keys(errors).length === 0 && <ErrorMessage error={submit.error} />}
        <button type="submit" className="btn btn-primary" disabled={submit.busy || !patient}>
          {submit.busy ? t('app.saving') : t('msg.send')}
        </button>
      </form>
    </>
  );
}

/**
 * The answer in a thread, the unit's and the citizen's alike: the text checked with the API's own
 * rule before it is sent (an empty answer is named at the field), the API's refusal above it.
 */
function ReplyForm({ id, onSend }: { id: string; onSend: (text: string) => Promise<void> }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const form = useSchemaForm(citizenReplySchema);
  return (
    <ActionForm
      id={id}
      className=""
      busy={form.busy}
      error={Object.keys(form.errors).length === 0 ? form.error : undefined}
      submitLabel={t('msg.sendReply')}
      onSubmit={() =>
        form.send({ text }, async (body) => {
          await onSend(body.text);
          setText('');
        })
      }
    >
      <Field id={`${id}-text`} label={t('msg.reply')} error={form.errors.text}>
        <textarea {...fieldAria(`${id}-text`, form.errors.text)} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={submitOnCtrlEnter} rows={4} />
      </Field>
    </ActionForm>
  );
}

/**
 * A message kept in the journal links to its entry; any other the clinician may file there (the
 * API files a message once, so a second click finds the same entry).
 */
function FileInJournal({ threadId, patientId, message, onFiled }: { threadId: string; patientId: string; message: Message; onFiled: () => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  if (message.journalEntryId) {
    return (
      <p className="small" data-testid="filed">
        <Link to={`/patients/${patientId}/entries/${message.journalEntryId}`}>{t('msg.filed')}</Link>
      </p>
    );
  }
  return (
    <p>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      <button
        type="button"
        className="btn btn-small"
        disabled={submit.busy}
        onClick={() =>
          void submit.run(async () => {
            await messagingApi.fileInJournal(threadId, message.id);
            onFiled();
          })
        }
      >
        {submit.busy ? t('app.saving') : t('msg.file')}
      </button>
    </p>
  );
}

/** One thread: every message with its delivery states (the receipts), and an answer. */
export function ThreadPage({ threadId }: { threadId: string }) {
  const { t, dateTime } = useI18n();
  const [tick, setTick] = useState(0);
  const thread = useApi(`msg-thread:${threadId}:${tick}`, (signal) => messagingApi.thread(threadId, signal));
  return (
    <>
      <PageTitle>{t('msg.thread.title')}</PageTitle>
      <p>
        <Link to="/messages">{t('msg.backToInbox')}</Link>
      </p>
      <Async state={thread}>
        {(data) => (
          <>
            <p>
              <Link to={`/messages/patient/${data.patientId}`}>{t('msg.patientMessages')}</Link>
            </p>
            <ol className="plain thread" data-testid="thread">
              {data.messages.map((m) => (
                <li key={`${m.id}-${m.direction}`} className="card" data-testid="thread-message">
                  <h2 className="h3">{m.subject}</h2>
                  <p className="muted small">
                    {kindLabel(t, m.kind)} · {t('msg.from')} {partyName(t, m.from)} {t('msg.to')} {partyName(t, m.to)} · {dateTime(m.sentAt)} {m.author?.name ? `· ${m.author.name}` : ''}
                  </p>
                  <p className="entry-text">{m.text}</p>
                  {m.attachments.length > 0 && (
                    <ul className="small">
                      {m.attachments.map((a) => (
                        <li key={a.entryId}>
                          {t('msg.attachment')}: <Link to={`/patients/${data.patientId}/entries/${a.entryId}`}>{a.title ?? a.entryId}</Link>
                        </li>
                      ))}
                    </ul>
                  )}
                  <p>
                    <StatusBadge status={m.status} />
                  </p>
                  <FileInJournal threadId={threadId} patientId={data.patientId} message={m} onFiled={() => setTick((n) => n + 1)} />
                  <details>
                    <summary>{t('msg.receipts')}</summary>
                    <ul className="small" data-testid="receipts">
                      {m.statusHistory.map((s, i) => (
                        <li key={i}>
                          {t(`msg.status.${s.status}` as MessageKey)} — {dateTime(s.at)}
                          {s.reason ? ` — ${s.reason}` : ''}
                        </li>
                      ))}
                    </ul>
                  </details>
                </li>
              ))}
            </ol>
            <ReplyForm
              id="msg-reply"
              onSend={async (text) => {
                await messagingApi.reply(threadId, { text });
                setTick((n) => n + 1);
              }}
            />
          </>
        )}
      </Async>
    </>
  );
}

/** The citizen's "Meldinger": conversations with units, and a new message to a unit that offers dialogue. */
export function MyMessagesPage() {
  const { t, dateTime } = useI18n();
  const [tick, setTick] = useState(0);
  const threads = useApi(`my-threads:${tick}`, (signal) => messagingApi.myThreads(signal));
  const parties = useApi('my-parties', (signal) => messagingApi.myParties(signal));
  const [to, setTo] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const submit = useSubmit();
  const errors = apiFieldErrors(submit.error);
  const send = (e: FormEvent) => {
    e.preventDefault();
    const [tenant, herId] = to.split('/');
    if (!tenant || !herId) return;
    void submit.run(async () => {
      const res = await messagingApi.sendMine({ tenant, to: herId, subject, text });
      setSubject('');
      setText('');
      setTick((n) => n + 1);
      navigate(`/me/messages/${res.data.tenant}/${res.data.threadId}`);
    });
  };
  return (
    <>
      <PageTitle>{t('msg.my.title')}</PageTitle>
      <p className="lead">{t('msg.my.intro')}</p>
      <Async state={threads}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>{t('msg.my.none')}</Empty>
          ) : (
            <DataTable testId="my-threads" caption={t('msg.my.title')} columns={[t('msg.compose.subject'), t('msg.my.unit'), t('msg.my.last')]} actions={t('msg.col.open')}>
              {data.items.map((th) => (
                <tr key={`${th.tenant}/${th.threadId}`} data-testid="my-thread">
                  <td>
                    {th.subject} {th.unread > 0 && <Badge tone="info">{t('msg.my.unread', { n: th.unread })}</Badge>}
                  </td>
                  <td>{th.unit}</td>
                  <td>{dateTime(th.lastAt)}</td>
                  <td>
                    <Link to={`/me/messages/${th.tenant}/${th.threadId}`} className="btn">
                      {t('msg.open')}
                      <span className="sr-only"> {th.subject}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Async>
      <h2>{t('msg.my.new')}</h2>
      <form onSubmit={send} noValidate>
        <Field id="my-msg-to" label={t('msg.compose.to')} error={errors.to}>
          <select {...fieldAria('my-msg-to', errors.to)} value={to} onChange={(e) => setTo(e.target.value)}>
            <option value="">{t('msg.compose.chooseRecipient')}</option>
            {(parties.data?.items ?? []).map((p) => (
              <option key={`${p.tenant}/${p.herId}`} value={`${p.tenant}/${p.herId}`}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="my-msg-subject" label={t('msg.compose.subject')} error={errors.subject}>
          <input {...fieldAria('my-msg-subject', errors.subject)} value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={200} />
        </Field>
        <Field id="my-msg-text" label={t('msg.compose.text')} error={errors.text}>
          <textarea {...fieldAria('my-msg-text', errors.text)} value={text} onChange={(e) => setText(e.target.value)} rows={5} />
        </Field>
        {submit.error !== undefined && Object.keys(errors).length === 0 && <ErrorMessage error={submit.error} />}
        <button type="submit" className="btn btn-primary" disabled={submit.busy || to === ''}>
          {submit.busy ? t('app.saving') : t('msg.send')}
        </button>
      </form>
    </>
  );
}

/** One of the citizen's conversations, and their answer. */
export function MyThreadPage({ tenant, threadId }: { tenant: string; threadId: string }) {
  const { t, dateTime } = useI18n();
  const [tick, setTick] = useState(0);
  const thread = useApi(`my-thread:${tenant}:${threadId}:${tick}`, (signal) => messagingApi.myThread(tenant, threadId, signal));
  return (
    <>
      <PageTitle>{t('msg.my.thread')}</PageTitle>
      <p>
        <Link to="/me/messages">{t('msg.my.back')}</Link>
      </p>
      <Async state={thread}>
        {(data) => (
          <ol className="plain thread" data-testid="my-thread-messages">
            {data.messages.map((m) => (
              <li key={m.id} className="card" data-testid="my-thread-message">
                <p className="muted small">
                  {m.fromCitizen ? t('msg.my.you') : m.from} · {dateTime(m.sentAt)} · <StatusBadge status={m.status} />
                </p>
                <h2 className="h3">{m.subject}</h2>
                <p className="entry-text">{m.text}</p>
              </li>
            ))}
          </ol>
        )}
      </Async>
      <ReplyForm
        id="my-reply"
        onSend={async (text) => {
          await messagingApi.replyMine(tenant, threadId, text);
          setTick((n) => n + 1);
        }}
      />
    </>
  );
}
