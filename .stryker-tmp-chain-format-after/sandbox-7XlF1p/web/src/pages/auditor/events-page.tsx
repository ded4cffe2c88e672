// @ts-nocheck
import { useState, type FormEvent } from 'react';
import { AUDIT_OUTCOMES, type AuditEventView, type AuditPatientView } from '../../../../shared/contracts/audit';
import { auditApi } from '../../api/audit';
import { ActorLine, auditEventLine } from '../../components/audit-bits';
import { ErrorMessage } from '../../components/error-message';
import { EventTable } from '../../components/event-row';
import { Field, isoFromLocal, localInput, SelectField, useSubmit } from '../../components/forms';
import { formatNationalId } from '../../components/journal-bits';
import { Loading, PageTitle } from '../../components/ui';
import { usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate, useLocation } from '../../router';
import { VerifyResultBox, type Totals } from './verify-page';

type Mode = 'time' | 'user' | 'patient';

interface Query {
  mode: Mode;
  from?: string;
  to?: string;
  action?: string;
  outcome?: string;
  user?: string;
  patient?: string;
}

function AuditEventTable({ items }: { items: AuditEventView[] }) {
  const { t } = useI18n();
  const columns = [
    { key: 'time', label: t('audit.time') },
    { key: 'what', label: t('audit.action') },
    { key: 'who', label: t('audit.who') },
    { key: 'patient', label: t('audit.patient') },
    { key: 'why', label: t('audit.purpose') },
  ] as const;
  const lines = items.map((e) =>
    auditEventLine(
      e,
      <Link to={`/audit/events?user=${encodeURIComponent(e.actor.sub)}`} title={t('audit.eventsOfUser', { user: e.actor.name ?? e.actor.sub })}>
        <ActorLine actor={e.actor} />
      </Link>,
    ),
  );
  return <EventTable testId="audit-events" columns={[...columns]} lines={lines} />;
}

/** One patient's events: who it is (for the auditor) and a check of that patient's hash chain, no id to type. */
function PatientChainCheck({ patientId, patient }: { patientId: string; patient?: AuditPatientView }) {
  const { t } = useI18n();
  const [result, setResult] = useState<Totals>();
  const submit = useSubmit();
  const name = patient?.name ?? patientId;
  const verify = () =>
    submit.run(async () => {
      setResult(undefined);
      const r = await auditApi.verify({ patientId });
      setResult({ ok: r.ok, streams: r.streamsChecked, events: r.eventsChecked, broken: r.broken });
    });
  return (
    <section className="card" data-testid="patient-chain">
      <h2>{patient ? t('audit.patientOf', { name: patient.name, nid: formatNationalId(patient.nationalId) }) : <code>{patientId}</code>}</h2>
      <div className="form-actions">
        <button className="btn" type="button" disabled={submit.busy} onClick={() => void verify()} title={t('verify.patientChainOf', { name })}>
          {t('verify.patientChain')}
        </button>
      </div>
      {submit.busy && <Loading label={t('verify.running')} />}
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {result && <VerifyResultBox result={result} />}
    </section>
  );
}

function keyOf(q: Query): string {
  return JSON.stringify(q);
}

/** Audit events by time range, by user or by patient, for the municipality's log reviewer. */
export function AuditEventsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const linkedUser = search.get('user') ?? undefined;
  const linkedPatient = search.get('patient') ?? undefined;
  const initial: Query = linkedPatient ? { mode: 'patient', patient: linkedPatient } : linkedUser ? { mode: 'user', user: linkedUser } : { mode: 'time' };
  const [mode, setMode] = useState<Mode>(initial.mode);
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 24 * 3600_000)));
  const [to, setTo] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const [user, setUser] = useState(linkedUser ?? '');
  const [patient, setPatient] = useState(linkedPatient ?? '');
  const [query, setQuery] = useState<Query>(initial);
  // A link from another row (user or patient) changes the query without a form submit.
  const linkedKey = `${linkedUser ?? ''}|${linkedPatient ?? ''}`;
  const [seenLink, setSeenLink] = useState(linkedKey);
  if (linkedKey !== seenLink) {
    setSeenLink(linkedKey);
    if (linkedPatient) {
      setMode('patient');
      setPatient(linkedPatient);
      setQuery({ mode: 'patient', patient: linkedPatient });
    } else if (linkedUser) {
      setMode('user');
      setUser(linkedUser);
      setQuery({ mode: 'user', user: linkedUser });
    }
  }

  const list = usePaged<AuditEventView>(keyOf(query), async (cursor, signal) => {
    if (query.mode === 'patient' && query.patient) return auditApi.patientEvents(query.patient, cursor, signal);
    if (query.mode === 'user' && query.user) return auditApi.userEvents(query.user, { from: query.from, to: query.to, cursor }, signal);
    return auditApi.tenantEvents({ from: query.from, to: query.to, action: query.action, outcome: query.outcome, cursor }, signal);
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next: Query =
      mode === 'patient' ? { mode, patient: patient.trim() } : mode === 'user' ? { mode, user: user.trim(), from: isoFromLocal(from), to: isoFromLocal(to) } : { mode, from: isoFromLocal(from), to: isoFromLocal(to), action: action.trim() || undefined, outcome: outcome || undefined };
    setQuery(next);
    if (linkedUser || linkedPatient) navigate('/audit/events', { replace: true });
  };

  return (
    <>
      <PageTitle>{t('audit.events.title')}</PageTitle>
      <form className="card" onSubmit={onSubmit} noValidate>
        <fieldset>
          <legend>{t('audit.events.by')}</legend>
          <div className="segmented" role="radiogroup">
            {(['time', 'user', 'patient'] as const).map((m) => (
              <label key={m} className="radio">
                <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} /> {t(`audit.events.by.${m}` as MessageKey)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-row">
          {mode === 'user' && (
            <Field id="ae-user" label={t('audit.events.user')}>
              <input id="ae-user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" placeholder="oslo.sykepleier" />
            </Field>
          )}
          {mode === 'patient' && (
            <Field id="ae-patient" label={t('audit.events.patientId')}>
              <input id="ae-patient" value={patient} onChange={(e) => setPatient(e.target.value)} autoComplete="off" />
            </Field>
          )}
          {mode !== 'patient' && (
            <>
              <Field id="ae-from" label={t('audit.events.from')}>
                <input id="ae-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
              </Field>
              <Field id="ae-to" label={t('audit.events.to')}>
                <input id="ae-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
              </Field>
            </>
          )}
          {mode === 'time' && (
            <>
              <Field id="ae-action" label={t('audit.action')}>
                <input id="ae-action" value={action} onChange={(e) => setAction(e.target.value)} autoComplete="off" placeholder="entry.read" />
              </Field>
              <SelectField id="ae-outcome" label={t('audit.outcome')} value={outcome} values={['', ...AUDIT_OUTCOMES]} labelOf={(o) => (o ? t(`outcome.${o}` as MessageKey) : t('audit.anyOutcome'))} onChange={setOutcome} />
            </>
          )}
          <div className="field">
            <button className="btn btn-primary" type="submit">
              {t('app.search')}
            </button>
          </div>
        </div>
      </form>
      {query.mode === 'patient' && query.patient && <PatientChainCheck key={query.patient} patientId={query.patient} patient={list.items.find((e) => e.patient)?.patient} />}
      <PagedList list={list} empty={t('audit.events.empty')}>
        {(items) => <AuditEventTable items={items} />}
      </PagedList>
    </>
  );
}
