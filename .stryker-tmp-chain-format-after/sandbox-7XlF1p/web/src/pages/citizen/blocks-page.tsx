// @ts-nocheck
import type { Consent } from '../../../../shared/contracts/sharing';
import { sharingApi } from '../../api/sharing';
import { ErrorMessage } from '../../components/error-message';
import { useSubmit } from '../../components/forms';
import { NewBlockForm } from '../../components/block-form';
import { entryTypeLabel } from '../../components/journal-bits';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { ChangeNotice, useChangeNotice } from '../../components/change-notice';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { BlockRow } from '../../components/block-bits';

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
  const { tick, notice, changed: announce } = useChangeNotice();
  const blocks = useApi(`my-blocks:${tick}`, (signal) => sharingApi.myBlocks(signal));
  const consents = useApi(`my-consents:${tick}`, (signal) => sharingApi.myConsents(signal));
  // Document blocks name the document by its title, which only the document list knows.
  const docs = useApi('my-docs', (signal) => sharingApi.myDocuments(signal));
  const titles = new Map((docs.data?.documents ?? []).flatMap((d) => (d.title ? [[d.id, d.title] as const] : [])));
  // Municipalities the citizen's documents come from, offered for a block by name (the citizen cannot list the registry).
  const municipalities = new Map((docs.data?.documents ?? []).map((d) => [d.organisation.tenantId, d.organisation.name] as const));
  const changed = (message: MessageKey) => () => announce(message);
  return (
    <>
      <PageTitle>{t('blocks.title')}</PageTitle>
      <p className="lead">{t('blocks.intro')}</p>
      <ChangeNotice notice={notice} testId="blocks-notice" />
      <section aria-labelledby="bl-h">
        <h2 id="bl-h">{t('blocks.mine')}</h2>
        <Async state={blocks}>
          {(data) => {
            const active = data.blocks.filter((b) => b.active);
            const lifted = data.blocks.filter((b) => !b.active);
            const blockRow = (b: (typeof data.blocks)[number]) => (
              <BlockRow
                key={b.id}
                block={b}
                titles={titles}
                onLift={async () => {
                  await sharingApi.liftMyBlock(b.id);
                  changed('blocks.liftedNotice')();
                }}
              />
            );
            return (
              <>
                {active.length === 0 && <Empty>{t('blocks.none')}</Empty>}
                <ul className="plain-list" data-testid="blocks">
                  {active.map(blockRow)}
                </ul>
                {lifted.length > 0 && (
                  <details className="history">
                    <summary>{t('blocks.history', { n: lifted.length })}</summary>
                    <ul className="plain-list">
                      {lifted.map(blockRow)}
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
      <p className="muted">
        {t('blocks.fromLogHint')} <Link to="/me/access-log">{t('blocks.toAccessLog')}</Link>
      </p>
      <NewBlockForm
        explainKey="blocks.explain"
        municipalities={municipalities}
        onSubmit={async (target) => {
          await sharingApi.createMyBlock(target);
          changed('blocks.createdNotice')();
        }}
      />
      <section aria-labelledby="co-h">
        <h2 id="co-h">{t('consent.title')}</h2>
        <p className="muted">{t('consent.intro')}</p>
        <Async state={consents}>
          {(data) => (
            <DataTable testId="consents" caption={t('consent.title')} columns={[t('consent.category'), t('consent.policy'), t('consent.status')]} actions={t('myDocs.actions')}>
              {data.consents.map((c) => (
                <ConsentRow key={c.category} consent={c} onChanged={changed('consent.changedNotice')} />
              ))}
            </DataTable>
          )}
        </Async>
      </section>
    </>
  );
}
