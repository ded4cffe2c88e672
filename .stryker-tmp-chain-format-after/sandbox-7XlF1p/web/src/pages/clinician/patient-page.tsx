// @ts-nocheck
import { useEffect, useRef, useState } from 'react';
import {
  createRelationshipSchema,
  ENTRY_TYPES,
  RELATIONSHIP_REASONS,
  type EntryType,
  type Patient,
  type Relationship,
  type RelationshipReasonCode,
  type TimelineItem,
} from '../../../../shared/contracts/journal';
import { ApiError } from '../../api/client';
import { journalApi } from '../../api/journal';
import type { Session } from '../../auth/session';
import { ReasonForm } from '../../components/action-form';
import { SelectField, useSchemaForm } from '../../components/forms';
import { AuthorLine, entryTypeLabel, formatNationalId, ReceivedFromLine, StatusBadge } from '../../components/journal-bits';
import { Async, Badge, Loading, PageTitle } from '../../components/ui';
import { UnitName, useUnitNames } from '../../components/unit-name';
import { useApi, usePaged, type ApiState } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { PatientBlocks } from './patient-blocks';
import { EmergencyAccessForm, EmergencyBanner, refusalRule, SharedDocuments, useEmergencyAccess } from './sharing-parts';

/** The rule of the API's refusal when the caller has no care relationship (access-decision.ts RULES.noRelationship). */
const NO_RELATIONSHIP = 'no-care-relationship';

/** The relationship in force that covers this user (their own, or their unit's). */
export function coveringRelationship(relationships: Relationship[], session: Session, now = Date.now()): Relationship | undefined {
  const live = relationships.filter((r) => r.active && Date.parse(r.validFrom) <= now && now < Date.parse(r.validTo) && !r.endedAt);
  return live.find((r) => r.subject.kind === 'user' && r.subject.id === session.me.sub) ?? live.find((r) => r.subject.kind === 'unit' && r.subject.id === session.me.unit);
}

export function PatientHeader({ patient }: { patient: Patient }) {
  const { t, date } = useI18n();
  return (
    <dl className="facts patient-facts" data-testid="patient-header">
      <dt>{t('patients.nationalId')}</dt>
      <dd>{formatNationalId(patient.nationalId)}</dd>
      <dt>{t('patients.birthDate')}</dt>
      <dd>{date(patient.birthDate)}</dd>
      <dt>{t('patients.gender')}</dt>
      <dd>{t(`gender.${patient.gender}` as MessageKey)}</dd>
    </dl>
  );
}

const SUBJECT_KINDS = ['user', 'unit'] as const;

function NewRelationshipForm({ patientId, session, onCreated }: { patientId: string; session: Session; onCreated: () => void }) {
  const { t } = useI18n();
  const units = useUnitNames();
  const [reasonCode, setReasonCode] = useState<RelationshipReasonCode>('ordinary-care');
  const [reason, setReason] = useState('');
  // For the user themself, or (when they belong to one) for their whole unit.
  const [subjectKind, setSubjectKind] = useState<(typeof SUBJECT_KINDS)[number]>('user');
  const unit = session.me.unit;
  const form = useSchemaForm(createRelationshipSchema);
  const key = useRef(crypto.randomUUID());
  const onSubmit = () =>
    form.send({ reasonCode, reason, ...(unit && subjectKind === 'unit' ? { subject: { kind: 'unit' as const, id: unit } } : {}) }, async (body) => {
      await journalApi.createRelationship(patientId, body, key.current);
      onCreated();
    });
  return (
    <ReasonForm
      id="rel"
      title={t('relationship.create.title')}
      level={3}
      intro={<p className="muted">{t('relationship.create.intro')}</p>}
      testId="relationship-form"
      className=""
      busy={form.busy}
      error={form.error}
      submitLabel={t('relationship.create.submit')}
      onSubmit={onSubmit}
      reason={{ label: t('relationship.reason'), hint: t('relationship.reasonHint'), value: reason, onChange: setReason, max: 250 }}
      errors={form.errors}
    >
      {unit && (
        <SelectField
          id="rel-subject"
          label={t('relationship.subject')}
          error={form.errors.subject}
          value={subjectKind}
          values={SUBJECT_KINDS}
          labelOf={(k) => (k === 'user' ? t('relationship.subject.user') : t('relationship.subject.unit', { unit: units.get(unit) ?? unit }))}
          onChange={setSubjectKind}
        />
      )}
      <SelectField id="rel-code" label={t('relationship.reasonCode')} error={form.errors.reasonCode} value={reasonCode} values={RELATIONSHIP_REASONS} labelOf={(r) => t(`relationship.code.${r}` as MessageKey)} onChange={setReasonCode} />
    </ReasonForm>
  );
}

type RelationshipsState = ApiState<{ relationships: Relationship[] }>;

function AccessCard({ patientId, session, rels, onCreated, onGranted, emergencyActive }: { patientId: string; session: Session; rels: RelationshipsState; onCreated: () => void; onGranted: () => void; emergencyActive: boolean }) {
  const { t, dateTime } = useI18n();
  const units = useUnitNames();
  // Under emergency access there is still no relationship (the list is refused): offer the form.
  const refused = refusalRule(rels.error) === NO_RELATIONSHIP;
  const offer = (
    <>
      <NewRelationshipForm patientId={patientId} session={session} onCreated={onCreated} />
      {emergencyActive ? null : <EmergencyAccessForm patientId={patientId} onGranted={onGranted} />}
    </>
  );
  return (
    <section className="card" aria-labelledby="access-h">
      <h2 id="access-h">{t('relationship.title')}</h2>
      {refused ? (
        offer
      ) : (
        <Async state={rels}>
          {(data) => {
            const mine = coveringRelationship(data.relationships, session);
            return mine ? (
              <p data-testid="relationship-active">
                <Badge tone="ok">{t('relationship.active')}</Badge> {t(`relationship.code.${mine.reasonCode}` as MessageKey)} ·{' '}
                {mine.subject.kind === 'unit' ? t('relationship.viaUnit', { unit: units.get(mine.subject.id) ?? mine.subject.id }) : t('relationship.personal')} · {t('relationship.until', { time: dateTime(mine.validTo) })}
              </p>
            ) : (
              offer
            );
          }}
        </Async>
      )}
    </section>
  );
}

/**
 * What a clinician without a care relationship (and without emergency access) sees instead of the
 * record: not an error, but what they can do about it. Either way the page then opens the record.
 */
function NoRelationshipPanel({ patientId, session, onCreated, onGranted }: { patientId: string; session: Session; onCreated: () => void; onGranted: () => void }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="no-rel-h" data-testid="no-relationship">
      <h2 id="no-rel-h">{t('noRelationship.title')}</h2>
      <p>{t('noRelationship.text')}</p>
      <NewRelationshipForm patientId={patientId} session={session} onCreated={onCreated} />
      <EmergencyAccessForm patientId={patientId} onGranted={onGranted} />
    </section>
  );
}

function TimelineList({ patientId, version }: { patientId: string; version: number }) {
  const { t, tOr, dateTime } = useI18n();
  const [type, setType] = useState<EntryType | ''>('');
  const list = usePaged<TimelineItem>(`tl:${patientId}:${type}:${version}`, async (cursor, signal) => {
    const { data } = await journalApi.timeline(patientId, { cursor, type: type || undefined }, signal);
    return data;
  });
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  return (
    <section aria-labelledby="timeline-h">
      <div className="page-title">
        <h2 id="timeline-h">{t('timeline.title')}</h2>
        <label className="inline-field">
          <span>{t('timeline.filterType')}</span>{' '}
          <select value={type} onChange={(e) => setType(e.target.value as EntryType | '')}>
            <option value="">{t('timeline.allTypes')}</option>
            {(Object.keys(ENTRY_TYPES) as EntryType[]).map((k) => (
              <option key={k} value={k}>
                {entryTypeLabel(tOr, k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PagedList list={list} empty={t('timeline.empty')} retry={!forbidden}>
        {(items) => (
          <ol className="timeline" data-testid="timeline">
            {items.map((item) => (
              <li key={item.id}>
                <Link to={`/patients/${patientId}/entries/${item.id}`} className="timeline-item">
                  <span className="timeline-head">
                    <strong>{item.title}</strong> <StatusBadge status={item.status} /> <span className="badge badge-neutral">{entryTypeLabel(tOr, item.type)}</span>
                  </span>
                  <span className="timeline-meta">
                    {dateTime(item.eventTime)} · <AuthorLine author={item.author} /> · <UnitName id={item.unit} />
                    {item.receivedFrom && (
                      <>
                        {' · '}
                        <ReceivedFromLine from={item.receivedFrom} />
                      </>
                    )}
                    {item.correctedBy && (
                      <>
                        {' · '}
                        {t('entry.correctedBy')} <AuthorLine author={item.correctedBy} />
                        {item.correctedAt ? ` · ${dateTime(item.correctedAt)}` : ''}
                      </>
                    )}
                    {item.version > 1 ? ` · ${t('journal.versionN', { n: item.version })}` : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        )}
      </PagedList>
      {forbidden && <p className="muted">{t('timeline.needRelationship')}</p>}
    </section>
  );
}

/** One patient: who they are, the user's access reason, the timeline and documents shared from other municipalities. */
export function PatientPage({ patientId, session }: { patientId: string; session: Session }) {
  const { t } = useI18n();
  const patient = useApi(`patient:${patientId}`, (signal) => journalApi.getPatient(patientId, signal));
  // Without a relationship the list itself is refused (403, no-care-relationship).
  const rels = useApi(`rel:${patientId}`, (signal) => journalApi.listRelationships(patientId, signal));
  const [version, setVersion] = useState(0);
  const emergency = useEmergencyAccess(patientId, version);
  const active = emergency.data?.active ?? null;
  const [ended, setEnded] = useState<string>();
  // When emergency access runs out, what it opened is loaded again (and refused): nothing read
  // under it stays on screen, and the banner says that it ended.
  const expiresAt = active?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const ms = Date.parse(expiresAt) - Date.now();
    if (ms <= 0) return;
    const id = setTimeout(() => {
      setEnded(expiresAt);
      setVersion((v) => v + 1);
    }, Math.min(ms + 500, 2_147_000_000));
    return () => clearTimeout(id);
  }, [expiresAt]);
  const emergencyActive = active !== null && Date.parse(active.expiresAt) > Date.now();
  const refused = rels.error instanceof ApiError && rels.error.status === 403;
  const covered = refused ? false : rels.data ? coveringRelationship(rels.data.relationships, session) !== undefined : undefined;
  const noRelationship = refusalRule(rels.error) === NO_RELATIONSHIP;
  const emergencyKnown = emergency.data !== undefined || emergency.error !== undefined;
  // The record is shown once it is known whether it may be read: no refusal flashes up meanwhile.
  const waiting = (rels.data === undefined && rels.error === undefined) || (noRelationship && !emergencyKnown);
  const needsAccess = noRelationship && emergencyKnown && !emergencyActive;
  const changed = () => setVersion((v) => v + 1);
  const relationshipCreated = () => {
    rels.reload();
    changed();
  };
  return (
    <>
      <EmergencyBanner access={active} endedAt={ended} />
      <Async state={patient}>
        {(p) => (
          <>
            <p className="crumbs">
              <Link to="/patients">{t('nav.patients')}</Link>
            </p>
            <PageTitle
              actions={
                // Writing needs a care relationship; emergency access is for reading only.
                covered ? (
                  <Link className="btn btn-primary" to={`/patients/${patientId}/entries/new`} data-testid="new-entry">
                    {t('entry.new')}
                  </Link>
                ) : undefined
              }
            >
              {p.name}
            </PageTitle>
            <PatientHeader patient={p} />
            {needsAccess ? (
              <NoRelationshipPanel patientId={patientId} session={session} onCreated={relationshipCreated} onGranted={changed} />
            ) : waiting ? (
              <Loading />
            ) : (
              <>
                <AccessCard patientId={patientId} session={session} rels={rels} onCreated={relationshipCreated} onGranted={changed} emergencyActive={emergencyActive} />
                <SharedDocuments patientId={patientId} refresh={version} />
                <TimelineList patientId={patientId} version={version} />
                <PatientBlocks patientId={patientId} onChange={changed} />
              </>
            )}
          </>
        )}
      </Async>
    </>
  );
}
