import { useState, type FormEvent } from 'react';
import { createMyBlockSchema, sharingCategorySchema, type Block, type BlockKind, type Consent, type SharingCategory } from '../../../../shared/contracts/sharing';
import { sharingApi } from '../../api/sharing';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldErrors, Field, fieldAria, issuesByField, useSubmit } from '../../components/forms';
import { entryTypeLabel } from '../../components/journal-bits';
import { Async, Badge, Empty, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { BlockLabel, changedByLabel } from './block-bits';

const CATEGORIES = sharingCategorySchema.options;

/** Kinds the citizen sets here; single documents are blocked from "My documents". */
const FORM_KINDS: Exclude<BlockKind, 'document'>[] = ['category', 'all-sharing', 'person', 'unit'];

function NewBlockForm({ onCreated }: { onCreated: () => void }) {
  const { t, tOr } = useI18n();
  const [kind, setKind] = useState<(typeof FORM_KINDS)[number]>('category');
  const [category, setCategory] = useState<SharingCategory>(CATEGORIES[0] ?? 'epikrise');
  const [userId, setUserId] = useState('');
  const [tenant, setTenant] = useState('');
  const [unitId, setUnitId] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const target = kind === 'category' ? { kind, category } : kind === 'all-sharing' ? { kind } : kind === 'person' ? { kind, userId } : { kind, tenant, unitId };
    const parsed = createMyBlockSchema.safeParse(target);
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      await sharingApi.createMyBlock(parsed.data);
      setUserId('');
      setUnitId('');
      onCreated();
    });
  };
  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="nb-h" className="card" data-testid="block-form">
      <h2 id="nb-h">{t('blocks.new')}</h2>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      <fieldset>
        <legend>{t('blocks.what')}</legend>
        {FORM_KINDS.map((k) => (
          <label key={k} className="radio">
            <input type="radio" name="block-kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(`blocks.choice.${k}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      {kind === 'category' && (
        <Field id="nb-category" label={t('blocks.category')} error={errors.category}>
          <select {...fieldAria('nb-category', errors.category)} value={category} onChange={(e) => setCategory(e.target.value as SharingCategory)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {entryTypeLabel(tOr, c)}
              </option>
            ))}
          </select>
        </Field>
      )}
      {kind === 'person' && (
        <Field id="nb-user" label={t('blocks.userId')} hint={t('blocks.userIdHint')} error={errors.userId}>
          <input {...fieldAria('nb-user', errors.userId, true)} value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="off" />
        </Field>
      )}
      {kind === 'unit' && (
        <div className="form-row">
          <Field id="nb-tenant" label={t('blocks.tenant')} error={errors.tenant}>
            <input {...fieldAria('nb-tenant', errors.tenant)} value={tenant} inputMode="numeric" maxLength={4} onChange={(e) => setTenant(e.target.value)} autoComplete="off" />
          </Field>
          <Field id="nb-unit" label={t('blocks.unitId')} hint={t('blocks.unitIdHint')} error={errors.unitId}>
            <input {...fieldAria('nb-unit', errors.unitId, true)} value={unitId} onChange={(e) => setUnitId(e.target.value)} autoComplete="off" />
          </Field>
        </div>
      )}
      <p className="muted">{t(`blocks.explain.${kind}` as MessageKey)}</p>
      <button className="btn btn-primary" type="submit" disabled={submit.busy}>
        {submit.busy ? t('app.saving') : t('blocks.submit')}
      </button>
    </form>
  );
}

function BlockRow({ block, titles, onLifted }: { block: Block; titles: Map<string, string>; onLifted: () => void }) {
  const { t, dateTime } = useI18n();
  const submit = useSubmit();
  const lift = () =>
    void submit.run(async () => {
      await sharingApi.liftMyBlock(block.id);
      onLifted();
    });
  return (
    <li className="block-item" data-testid={block.active ? 'block-active' : 'block-lifted'}>
      <span className="timeline-head">
        <strong>
          <BlockLabel block={block} documentTitles={titles} />
        </strong>{' '}
        {block.active ? <Badge tone="danger">{t('blocks.inForce')}</Badge> : <Badge>{t('blocks.liftedBadge')}</Badge>}
      </span>
      <span className="timeline-meta">
        {t('blocks.created', { time: dateTime(block.createdAt), by: changedByLabel(block.createdBy, t) })}
        {block.liftedAt && block.liftedBy && ` · ${t('blocks.lifted', { time: dateTime(block.liftedAt), by: changedByLabel(block.liftedBy, t) })}`}
      </span>
      {block.active && (
        <button type="button" className="btn" onClick={lift} disabled={submit.busy}>
          {submit.busy ? t('app.saving') : t('blocks.lift')}
          <span className="sr-only">
            {' '}
            <BlockLabel block={block} documentTitles={titles} />
          </span>
        </button>
      )}
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
    </li>
  );
}

function ConsentRow({ consent, onChanged }: { consent: Consent; onChanged: () => void }) {
  const { t, tOr, dateTime } = useI18n();
  const submit = useSubmit();
  const label = entryTypeLabel(tOr, consent.category);
  const next = consent.status === 'given' ? 'withdrawn' : 'given';
  const change = () =>
    void submit.run(async () => {
      await sharingApi.setMyConsent({ category: consent.category, status: next });
      onChanged();
    });
  return (
    <tr data-testid="consent">
      <th scope="row">{label}</th>
      <td>{consent.required ? t('consent.required') : t('consent.notRequired')}</td>
      <td>
        {consent.status === 'given' ? <Badge tone="ok">{t('consent.given')}</Badge> : consent.status === 'withdrawn' ? <Badge tone="warn">{t('consent.withdrawn')}</Badge> : <Badge>{t('consent.none')}</Badge>}
        {consent.changedAt && <div className="muted small">{dateTime(consent.changedAt)}</div>}
      </td>
      <td>
        {consent.required && (
          <button type="button" className="btn" onClick={change} disabled={submit.busy}>
            {submit.busy ? t('app.saving') : t(next === 'given' ? 'consent.give' : 'consent.withdraw')}
            <span className="sr-only"> {t('consent.for', { category: label })}</span>
          </button>
        )}
        {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      </td>
    </tr>
  );
}

/** The citizen's blocks (set and lift, history kept) and consents to share. */
export function BlocksPage() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<MessageKey>();
  const blocks = useApi(`my-blocks:${tick}`, (signal) => sharingApi.myBlocks(signal));
  const consents = useApi(`my-consents:${tick}`, (signal) => sharingApi.myConsents(signal));
  // Document blocks name the document by its title, which only the document list knows.
  const docs = useApi('my-docs', (signal) => sharingApi.myDocuments(signal));
  const titles = new Map((docs.data?.documents ?? []).flatMap((d) => (d.title ? [[d.id, d.title] as const] : [])));
  const changed = (message: MessageKey) => () => {
    setNotice(message);
    setTick((n) => n + 1);
  };
  return (
    <>
      <PageTitle>{t('blocks.title')}</PageTitle>
      <p className="lead">{t('blocks.intro')}</p>
      <div aria-live="polite">
        {notice && (
          <p className="alert alert-ok" data-testid="blocks-notice">
            {t(notice)}
          </p>
        )}
      </div>
      <section aria-labelledby="bl-h">
        <h2 id="bl-h">{t('blocks.mine')}</h2>
        <Async state={blocks}>
          {(data) => {
            const active = data.blocks.filter((b) => b.active);
            const lifted = data.blocks.filter((b) => !b.active);
            return (
              <>
                {active.length === 0 && <Empty>{t('blocks.none')}</Empty>}
                <ul className="plain-list" data-testid="blocks">
                  {active.map((b) => (
                    <BlockRow key={b.id} block={b} titles={titles} onLifted={changed('blocks.liftedNotice')} />
                  ))}
                </ul>
                {lifted.length > 0 && (
                  <details className="history">
                    <summary>{t('blocks.history', { n: lifted.length })}</summary>
                    <ul className="plain-list">
                      {lifted.map((b) => (
                        <BlockRow key={b.id} block={b} titles={titles} onLifted={changed('blocks.liftedNotice')} />
                      ))}
                    </ul>
                  </details>
                )}
              </>
            );
          }}
        </Async>
        <p>
          <Link to="/me/documents">{t('blocks.toDocuments')}</Link>
        </p>
      </section>
      <NewBlockForm onCreated={changed('blocks.createdNotice')} />
      <section aria-labelledby="co-h">
        <h2 id="co-h">{t('consent.title')}</h2>
        <p className="muted">{t('consent.intro')}</p>
        <Async state={consents}>
          {(data) => (
            <div className="table-wrap">
              <table className="data" data-testid="consents">
                <caption className="sr-only">{t('consent.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('consent.category')}</th>
                    <th scope="col">{t('consent.policy')}</th>
                    <th scope="col">{t('consent.status')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('myDocs.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.consents.map((c) => (
                    <ConsentRow key={c.category} consent={c} onChanged={changed('consent.changedNotice')} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </section>
    </>
  );
}
