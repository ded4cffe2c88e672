// @ts-nocheck
import { useState, type FormEvent } from 'react';
import { CITIZEN_LOG_WHO, type CitizenAccessEntry } from '../../../../shared/contracts/audit';
import { auditApi, type AccessLogFilter } from '../../api/audit';
import { sharingApi } from '../../api/sharing';
import { ErrorMessage } from '../../components/error-message';
import { useSubmit } from '../../components/forms';
import { OutcomeBadge } from '../../components/audit-bits';
import { EventTable, type EventLine } from '../../components/event-row';
import { Field, SelectField } from '../../components/forms';
import { PageTitle } from '../../components/ui';
import { usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey, type Translate } from '../../i18n/i18n';
import { Link } from '../../router';

/**
 * "Block this person" / "block this unit" on a row of the log: asks once, then blocks by the
 * row's opaque handle (`actorRef`, with the row's id for the unit); no internal id is involved.
 */
function BlockFromRow({ entry, scope }: { entry: CitizenAccessEntry; scope: 'person' | 'unit' }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState(false);
  const submit = useSubmit();
  const who = scope === 'person' ? entry.who.name : (entry.organisation.unit ?? '');
  if (done) {
    return (
      <div className="small" role="status" data-testid="blocked-from-log">
        {t(scope === 'person' ? 'citizen.log.blockedPerson' : 'citizen.log.blockedUnit', { who })} <Link to="/me/sharing">{t('citizen.log.toBlocks')}</Link>
      </div>
    );
  }
  if (!asking) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setAsking(true)}>
        {t(scope === 'person' ? 'citizen.log.blockPerson' : 'citizen.log.blockUnit')}
        <span className="sr-only"> {who}</span>
      </button>
    );
  }
  const block = () =>
    void submit.run(async () => {
      await sharingApi.createMyBlock(scope === 'person' ? { kind: 'logged-person', actorRef: entry.actorRef } : { kind: 'logged-unit', actorRef: entry.actorRef, entryId: entry.id });
      setDone(true);
    });
  return (
    <div className="small" data-testid="block-confirm">
      <p>{t(scope === 'person' ? 'citizen.log.confirmPerson' : 'citizen.log.confirmUnit', { who })}</p>
      <button type="button" className="btn btn-danger btn-small" onClick={block} disabled={submit.busy}>
        {submit.busy ? t('app.saving') : t('blocks.submit')}
      </button>{' '}
      <button type="button" className="btn btn-small" onClick={() => setAsking(false)} disabled={submit.busy}>
        {t('app.cancel')}
      </button>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
    </div>
  );
}

/** Health personnel of a municipality (not the citizen, not the operator) can be blocked from their row. */
function blockable(e: CitizenAccessEntry): boolean {
  return !e.own && e.organisation.tenantId !== undefined;
}

/** An entry of the citizen's log as an event line: who in which role, where, what in plain words. */
function accessLine(e: CitizenAccessEntry, t: Translate): EventLine {
  return {
    id: e.id,
    time: e.time,
    emergency: e.emergencyAccess,
    what: (
      <>
        {t(`citizen.log.activity.${e.activity}` as MessageKey, { from: e.sharedFrom?.name ?? e.tenant.name })}{' '}
        {e.outcome !== 'success' && <OutcomeBadge outcome={e.outcome} />}
      </>
    ),
    who: (
      <>
        {e.who.name}
        <div className="muted small">{e.who.role}</div>
        {blockable(e) && <BlockFromRow entry={e} scope="person" />}
      </>
    ),
    where: (
      <>
        {e.organisation.name}
        {e.organisation.unit && <div className="muted small">{e.organisation.unit}</div>}
        {blockable(e) && e.organisation.unit && <BlockFromRow entry={e} scope="unit" />}
      </>
    ),
    purposeOfUse: e.purposeOfUse,
    reasonCode: e.reasonCode,
  };
}

const NO_FILTER: AccessLogFilter = { who: 'others' };

/**
 * "Who has looked at my record": person, organisation, time and coded reason (pjl § 18). Health
 * personnel's and systems' accesses by default; the citizen's own views, a municipality, a person
 * or a period on request.
 */
export function AccessLogPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AccessLogFilter>(NO_FILTER);
  const [who, setWho] = useState<AccessLogFilter['who']>('others');
  const [tenant, setTenant] = useState('');
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // The municipalities the citizen has seen in the log so far (the citizen cannot list the registry).
  const [tenants, setTenants] = useState<Record<string, string>>({});
  const list = usePaged<CitizenAccessEntry>(`access-log:${JSON.stringify(filter)}`, async (cursor, signal) => {
    const page = await auditApi.accessLog(filter, cursor, signal);
    const seen = Object.fromEntries(page.items.map((e) => [e.tenant.id, e.tenant.name]));
    setTenants((prev) => (Object.keys(seen).every((id) => id in prev) ? prev : { ...prev, ...seen }));
    return page;
  });
  const filtered = JSON.stringify(filter) !== JSON.stringify(NO_FILTER);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const name = actor.trim();
    setFilter({ who, ...(tenant ? { tenant } : {}), ...(name.length >= 2 ? { actor: name } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) });
  };
  const reset = () => {
    setWho('others');
    setTenant('');
    setActor('');
    setFrom('');
    setTo('');
    setFilter(NO_FILTER);
  };
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
      <form className="card" onSubmit={onSubmit} noValidate aria-label={t('citizen.log.filter.title')} data-testid="access-log-filter">
        <div className="form-row">
          <SelectField id="al-who" label={t('citizen.log.filter.who')} value={who} values={CITIZEN_LOG_WHO} labelOf={(w) => t(`citizen.log.filter.who.${w}` as MessageKey)} onChange={setWho} />
          <SelectField
            id="al-tenant"
            label={t('citizen.log.filter.tenant')}
            value={tenant}
            values={['', ...Object.keys(tenants).sort()]}
            labelOf={(id) => (id ? tenants[id] ?? id : t('citizen.log.filter.anyTenant'))}
            onChange={setTenant}
          />
          <Field id="al-actor" label={t('citizen.log.filter.actor')} hint={t('citizen.log.filter.actorHint')}>
            <input id="al-actor" aria-describedby="al-actor-hint" value={actor} onChange={(e) => setActor(e.target.value)} autoComplete="off" maxLength={100} />
          </Field>
          <Field id="al-from" label={t('citizen.log.filter.from')}>
            <input id="al-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </Field>
          <Field id="al-to" label={t('citizen.log.filter.to')}>
            <input id="al-to" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
          </Field>
          <div className="field">
            <button className="btn btn-primary" type="submit">
              {t('citizen.log.filter.apply')}
            </button>{' '}
            {filtered && (
              <button className="btn" type="button" onClick={reset}>
                {t('citizen.log.filter.reset')}
              </button>
            )}
          </div>
        </div>
      </form>
      <PagedList list={list} empty={filtered ? t('citizen.log.emptyFiltered') : t('citizen.log.empty')}>
        {(items) => <EventTable testId="access-log" columns={[...columns]} lines={items.map((e) => accessLine(e, t))} />}
      </PagedList>
    </>
  );
}
